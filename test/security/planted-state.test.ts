import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import {
  committedState,
  dhtlClone,
  git,
  hostileRepo,
  SMALL_PROJECT,
  trackedPaths,
  watchedOutside,
  writeTree,
} from "./hostile.js";

afterAll(removeTempDirs);

/** A `bin/python` that logs each run to `log` (outside the project), then runs the real interpreter. */
function wrapperPython(log: string, real: string): string {
  return `#!/bin/sh\necho "planted python ran: $*" >> '${log}'\nexec '${real}' "$@"\n`;
}

const realPython = () =>
  execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();

describe("item 5: environments, locks and records a checkout commits are not dhtl's", () => {
  it("a committed .dhtl/envs/env-a (wrapper bin/python) + .venv link + .dhtconfig: clone rebuilds, never runs it", () => {
    const outside = watchedOutside();
    const log = join(outside.dir, "..", "wrapper.log");
    // The attacker sets the project up for real on their machine (their own dhtl home), then swaps the
    // interpreter for a wrapper and commits everything, environments included.
    const origin = tempDir("dhtl-hostile-origin-");
    writeTree(origin, SMALL_PROJECT);
    const attacker = runCli(["setup", "--yes"], origin, { DHTL_HOME: tempDir("dhtl-attacker-home-") });
    expect(attacker.code, describeRun(attacker)).toBe(0);
    const env = join(origin, ".dhtl", "envs", readlinkSync(join(origin, ".venv")).split("/").pop()!);
    expect(env.endsWith("env-a")).toBe(true);
    const python = join(env, "bin", "python");
    const wrapped = readlinkSync(python);
    execFileSync("rm", [python]);
    writeFileSync(python, wrapperPython(log, wrapped));
    chmodSync(python, 0o755);
    git(origin, "init", "-q", "-b", "main");
    git(origin, "add", "-A", "-f");
    git(origin, "commit", "-q", "-m", "env included for convenience");

    const { run, dir, plain } = dhtlClone(origin);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).not.toContain("already valid");
    expect(run.stdout).toContain("environment ready");
    expect(readlinkSync(join(dir, ".venv"))).toBe(".dhtl/envs/env-b");
    expect(existsSync(log)).toBe(false);
    expect(outside.changed()).toBe(false);
    // The planted environment is left exactly as committed: dhtl only removes what it created.
    expect(
      committedState(
        dir,
        trackedPaths(plain).filter((p) => p !== ".venv"),
      ),
    ).toBe(
      committedState(
        plain,
        trackedPaths(plain).filter((p) => p !== ".venv"),
      ),
    );
    // The clone's environment is dhtl's own from now on: a second run finds it valid.
    const again = runCli(["regenerate"], dir);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toContain("already valid");
    expect(runCli(["validate-env"], dir).code).toBe(0);
    expect(existsSync(log)).toBe(false);
  });

  it('a committed .dhtl/lock {"pid":1,"host":"other"} is just a file: setup runs', () => {
    const origin = hostileRepo({ ...SMALL_PROJECT, ".dhtl/lock": '{"pid":1,"host":"other"}\n' });
    const { run, dir } = dhtlClone(origin);
    expect(run.code, describeRun(run)).toBe(0);
    expect(readFileSync(join(dir, ".dhtl", "lock"), "utf8")).toBe('{"pid":1,"host":"other"}\n');
  });
});

describe("item 6: a planted .venv/bin/python is never run", () => {
  const plantedVenv = (log: string) => ({
    ".venv/bin/python": wrapperPython(log, realPython()),
    ".venv/pyvenv.cfg": "home = /usr/bin\nimplementation = CPython\nversion_info = 3.11.2.final.0\n",
  });

  it("dhtl clone of a uv project without uv.lock: uv lock uses the chosen interpreter only", () => {
    const outside = watchedOutside();
    const log = join(outside.dir, "..", "planted.log");
    const origin = hostileRepo({
      "pyproject.toml":
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["six==1.16.0"]\n[tool.uv]\npackage = false\n',
      ".python-version": "3.12\n",
      ...plantedVenv(log),
    });
    chmodSync(join(origin, ".venv", "bin", "python"), 0o755);
    git(origin, "add", "-A");
    git(origin, "commit", "-q", "-m", "executable");
    const { run, dir } = dhtlClone(origin);
    expect(run.code, describeRun(run)).toBe(0);
    expect(existsSync(log), existsSync(log) ? readFileSync(log, "utf8") : "").toBe(false);
    expect(readFileSync(join(dir, "uv.lock"), "utf8")).toMatch(/name = "six"/);
    // Item 10 on the way: the planted directory is moved aside, not deleted, and the output says where.
    expect(existsSync(join(dir, ".venv.before-dhtl", "bin", "python"))).toBe(true);
    expect(run.stderr).toContain(".venv.before-dhtl");
  });

  it("dhtl migrate --yes next to a planted .venv: the uv lock runs never ask it", () => {
    const outside = watchedOutside();
    const log = join(outside.dir, "..", "planted.log");
    const root = tempDir("dhtl-hostile-");
    writeTree(root, { ...SMALL_PROJECT, ...plantedVenv(log) });
    chmodSync(join(root, ".venv", "bin", "python"), 0o755);
    const result = runCli(["migrate", "--yes"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(existsSync(join(root, "uv.lock"))).toBe(true);
    expect(existsSync(log), existsSync(log) ? readFileSync(log, "utf8") : "").toBe(false);
  });
});

describe("item 10: a .venv dhtl did not build is moved aside and kept", () => {
  it("setup over the user's own .venv keeps it as .venv.before-dhtl and says so", () => {
    const root = tempDir("dhtl-own-venv-");
    writeTree(root, SMALL_PROJECT);
    execFileSync("uv", ["venv", "--quiet", "--python", "3.11", join(root, ".venv")], {
      env: { ...process.env, VIRTUAL_ENV: "" },
    });
    writeFileSync(join(root, ".venv", "my-notes.txt"), "mine\n");
    const result = runCli(["setup", "--yes"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stderr).toMatch(/moved to \.venv\.before-dhtl \(kept, not deleted\)/);
    expect(readFileSync(join(root, ".venv.before-dhtl", "my-notes.txt"), "utf8")).toBe("mine\n");
    expect(readlinkSync(join(root, ".venv"))).toMatch(/^\.dhtl\/envs\//);
  });
});
