import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";
import { dhtlClone, hostileRepo, writeTree } from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, item 14: invalid UTF-8 in a pyproject string was accepted, a UTF-16 requirements file with a BOM
 * was rejected as binary (pip reads it), and `migrate --dry-run` on a malformed manifest said it found no
 * manifest. Each is now read the way the format's owner reads it, or refused naming file and line.
 */
describe("item 14: project files are decoded as their formats say, never silently", () => {
  it("invalid UTF-8 inside a pyproject string: setup and analyze stop at pyproject.toml:3, nothing changes", () => {
    const root = tempDir("dhtl-utf8-");
    writeTree(root, {
      "pyproject.toml": Buffer.concat([
        Buffer.from('[project]\nname = "demo"\ndescription = "caf'),
        Buffer.from([0xe9]), // latin-1 é: not UTF-8
        Buffer.from('"\nversion = "0.1.0"\ndependencies = ["six==1.16.0"]\n'),
      ]),
    });
    const before = treeHash(root);
    for (const args of [["setup", "--yes"], ["analyze"]]) {
      const result = runCli(args, root);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr + result.stdout).toMatch(/pyproject\.toml:3: not valid UTF-8 text \(byte 0xe9\)/);
    }
    expect(treeHash(root)).toBe(before);
  });

  it("dhtl clone of a UTF-16 requirements file with a BOM: decoded as pip decodes it, every line installed", () => {
    const text = "# dépendances\nsix==1.16.0\nidna==3.7\n";
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const origin = hostileRepo({ "requirements.txt": utf16, ".python-version": "3.11\n" });
    const { run, dir } = dhtlClone(origin);
    expect(run.code, describeRun(run)).toBe(0);
    const versions = execFileSync(
      join(dir, ".venv", "bin", "python"),
      ["-c", "import six, idna; print(six.__version__, idna.__version__)"],
      { encoding: "utf8" },
    );
    expect(versions.trim()).toBe("1.16.0 3.7");
  });

  it("a coding declaration (pip, PEP 263) is honoured; a NUL byte without a BOM is still binary", () => {
    const root = tempDir("dhtl-latin1-");
    writeTree(root, {
      "requirements.txt": Buffer.concat([
        Buffer.from("# -*- coding: latin-1 -*-\n# d"),
        Buffer.from([0xe9]),
        Buffer.from("pendances\nsix==1.16.0\n"),
      ]),
    });
    const analyze = runCli(["analyze", "--json", "--no-machine", "--no-user", "--no-imports"], root);
    expect(analyze.code, describeRun(analyze)).toBe(0);
    expect(JSON.parse(analyze.stdout).project.dependencies).toEqual(["six==1.16.0"]);
    writeTree(root, { "requirements.txt": Buffer.from("six==1.16.0\n\0\n") });
    const binary = runCli(["analyze", "--no-machine", "--no-user", "--no-imports"], root);
    expect(binary.code).toBe(2);
    expect(binary.stdout + binary.stderr).toMatch(/binary/);
  });

  it("migrate --dry-run on a malformed manifest names the parse error with file:line (exit 2)", () => {
    const root = tempDir("dhtl-malformed-");
    writeTree(root, {
      "pyproject.toml":
        '[tool.poetry]\nname = "x"\nversion = "0.1"\n[tool.poetry.dependencies]\npython = "^3.9"\nrequests = = "^2"\n',
    });
    for (const args of [
      ["migrate", "--dry-run"],
      ["migrate", "--dry-run", "--json"],
    ]) {
      const result = runCli(args, root);
      expect(result.code, describeRun(result)).toBe(2);
      expect(result.stderr).toMatch(/pyproject\.toml:6: invalid TOML/);
      expect(result.stderr).not.toContain("found no manifest");
    }
  });
});
