import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs, tempDir } from "../support/temp-dirs.js";

/**
 * Forms older tools still write, through the real CLI: a RECORD with hex and padded digests (class 11),
 * and PyPI under its legacy URL (class 13, requests-html's Pipfile).
 */
afterAll(removeTempDirs);

describe("a wheel whose RECORD uses hex and padded digests (class 11)", () => {
  let server: ChildProcess;
  let port: number;
  let root: string;

  beforeAll(async () => {
    const index = tempDir("dhtl-hex-index-");
    const wheel = join(index, "hexpkg-1.0-py3-none-any.whl");
    // A real wheel as an old packaging tool wrote it: sha256 in hex, sha512 in padded urlsafe base64.
    execFileSync("python3", ["-c", WHEEL_SCRIPT, wheel]);
    const sha = createHash("sha256").update(readFileSync(wheel)).digest("hex");
    mkdirSync(join(index, "simple", "hexpkg"), { recursive: true });
    writeFileSync(
      join(index, "simple", "hexpkg", "index.html"),
      `<html><body><a href="/hexpkg-1.0-py3-none-any.whl#sha256=${sha}">hexpkg-1.0-py3-none-any.whl</a></body></html>\n`,
    );
    server = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", index], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    port = await new Promise<number>((resolve, reject) => {
      server.stdout!.on("data", (chunk: Buffer) => {
        const match = /port (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      server.on("exit", () => reject(new Error("http.server exited")));
    });
    root = tempDir("dhtl-hex-project-");
    writeFileSync(
      join(root, "requirements.txt"),
      `--index-url http://127.0.0.1:${port}/simple/\nhexpkg==1.0\n`,
    );
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
  }, 240_000);

  afterAll(() => server?.kill());

  it("validate-env finds no drift right after setup, and fix-env has nothing to do", () => {
    const report = runCli(["validate-env", "--json"], root);
    expect(report.code, describeRun(report)).toBe(0);
    const json = cliJson<{ ok: boolean; drift: { modifiedFiles: string[] } }>(report);
    expect(json.ok).toBe(true);
    expect(json.drift.modifiedFiles).toEqual([]);
    const fix = runCli(["fix-env", "--yes"], root);
    expect(fix.code, describeRun(fix)).toBe(0);
  });

  it("still reports a file changed after install, whichever form its digest has", () => {
    const site = execFileSync(
      join(root, ".venv", "bin", "python"),
      ["-c", "import hexpkg, os; print(os.path.dirname(hexpkg.__file__))"],
      {
        encoding: "utf8",
      },
    ).trim();
    writeFileSync(join(site, "__init__.py"), "VALUE = 2\n");
    writeFileSync(join(site, "data.txt"), "changed\n");
    const report = runCli(["validate-env", "--json"], root);
    expect(report.code, describeRun(report)).toBe(1);
    const json = cliJson<{ drift: { modifiedFiles: string[] } }>(report);
    expect(json.drift.modifiedFiles).toEqual(["hexpkg/__init__.py", "hexpkg/data.txt"]);
  });
});

describe("requests-html's Pipfile source https://pypi.python.org/simple (class 13)", () => {
  it("is PyPI: setup locks and installs from pypi.org", () => {
    const root = copyFixtureDir("projects/legacy-index");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    const input = readFileSync(join(root, ".dhtl", "requirements.in"), "utf8");
    expect(input).toContain("--index-url https://pypi.org/simple\n");
    expect(input).not.toContain("pypi.python.org");
    const version = execFileSync(
      join(root, ".venv", "bin", "python"),
      ["-c", "import requests; print(requests.__version__)"],
      {
        encoding: "utf8",
      },
    );
    expect(version.trim()).toMatch(/^\d+\.\d+/);
  }, 240_000);
});

const WHEEL_SCRIPT = `
import base64, hashlib, sys, zipfile
files = {
    "hexpkg/__init__.py": b"VALUE = 1\\n",
    "hexpkg/data.txt": b"hello\\n",
    "hexpkg-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: hexpkg\\nVersion: 1.0\\n",
    "hexpkg-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: hand\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
b64 = lambda d: base64.urlsafe_b64encode(d).decode()
record = [
    "hexpkg/__init__.py,sha256=%s,10" % hashlib.sha256(files["hexpkg/__init__.py"]).hexdigest(),
    "hexpkg/data.txt,sha512=%s,6" % b64(hashlib.sha512(files["hexpkg/data.txt"]).digest()),
    "hexpkg-1.0.dist-info/METADATA,sha256=%s,47" % b64(hashlib.sha256(files["hexpkg-1.0.dist-info/METADATA"]).digest()),
    "hexpkg-1.0.dist-info/WHEEL,,",
    "hexpkg-1.0.dist-info/RECORD,,",
]
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
    for name, data in files.items():
        wheel.writestr(name, data)
    wheel.writestr("hexpkg-1.0.dist-info/RECORD", "\\n".join(record) + "\\n")
`;
