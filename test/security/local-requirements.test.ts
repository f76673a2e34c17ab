import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";
import { dhtlClone, git, hostileRepo, type Tree, watchedOutside, writeTree } from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, item 11: `./localpkg`, `-e ./lib` and `git+file://` requirement lines were dropped (setup said
 * ready, validate-env exit 0, the packages missing). Directories inside the project are installed and
 * expected; everything else is refused naming the file and line.
 */
const pkg = (name: string, module: string, deps: string[] = []): Tree => ({
  [`${name}/pyproject.toml`]: [
    "[project]",
    `name = "${name}"`,
    'version = "0.1.0"',
    `dependencies = ${JSON.stringify(deps)}`,
    "[build-system]",
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    "[tool.hatch.build.targets.wheel]",
    `packages = ["${module}"]`,
    "",
  ].join("\n"),
  [`${name}/${module}/__init__.py`]: `NAME = "${name}"\n`,
});

describe("item 11: local requirement lines are installed or refused, never dropped", () => {
  it("dhtl clone: -e ./lib and ./localpkg are installed (their dependencies locked) and validate-env expects them", () => {
    const origin = hostileRepo({
      ...pkg("lib", "mylib", ["idna==3.7"]),
      ...pkg("localpkg", "lp"),
      "requirements.txt": "-e ./lib\n./localpkg\nsix==1.16.0\n",
      ".python-version": "3.11\n",
    });
    const { run, dir } = dhtlClone(origin);
    expect(run.code, describeRun(run)).toBe(0);
    const python = join(dir, ".venv", "bin", "python");
    const imported = execFileSync(python, ["-c", "import mylib, lp, idna, six; print(mylib.NAME, lp.NAME)"], {
      encoding: "utf8",
    });
    expect(imported.trim()).toBe("lib localpkg");
    expect(readFileSync(join(dir, ".dhtl", "requirements.lock"), "utf8")).toMatch(/^idna==3\.7/m);
    expect(runCli(["validate-env"], dir).code).toBe(0);
    const lib = join(dir, ".venv", "lib");
    const site = join(lib, readdirSync(lib)[0]!, "site-packages");
    for (const entry of readdirSync(site).filter((e) => e.startsWith("localpkg") || e.includes("_localpkg")))
      rmSync(join(site, entry), { recursive: true, force: true });
    const drift = runCli(["validate-env"], dir);
    expect(drift.code, describeRun(drift)).toBe(1);
    expect(drift.stdout).toContain("./localpkg (local, editable)");
    expect(runCli(["fix-env", "--yes"], dir).code).toBe(0);
    expect(runCli(["validate-env"], dir).code).toBe(0);
  });

  it.each([
    [
      "git+file:// with a name",
      (repo: string) => `git+file://${repo}#egg=vendored\n`,
      /a file: URL names a path on this machine/,
    ],
    [
      "git+file:// without a name",
      (repo: string) => `git+file://${repo}\n`,
      /cannot tell which distribution/,
    ],
    ["a path leaving the project", (repo: string) => `${repo}/vendored\n`, /leaves the project/],
    ["a path that does not exist", () => "./not-there\n", /does not exist/],
    ["a local archive", () => "./dist/pkg-1.0-py3-none-any.whl\n", /local archive/],
  ])("%s: setup refuses it (exit 2, requirements.txt:2), nothing changes", (_name, line, message) => {
    const outside = watchedOutside();
    const vendored = join(outside.dir, "..", "vendored");
    writeTree(vendored, pkg("vendored", "vendored_mod"));
    git(vendored, "init", "-q", "-b", "main");
    git(vendored, "add", "-A");
    git(vendored, "commit", "-q", "-m", "v");
    const vendoredBefore = treeHash(vendored, { ignore: [".git"] });
    const root = tempDir("dhtl-local-");
    writeTree(root, { "requirements.txt": `six==1.16.0\n${line(vendored)}`, ".python-version": "3.11\n" });
    const before = treeHash(root);
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(2);
    expect(setup.stderr).toMatch(message);
    expect(setup.stderr).toContain("requirements.txt:2");
    expect(treeHash(root)).toBe(before);
    expect(outside.changed()).toBe(false);
    expect(treeHash(vendored, { ignore: [".git"] })).toBe(vendoredBefore);
  });
});
