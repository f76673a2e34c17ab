import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ValidationReport } from "../../src/verify/validate.js";
import { type CliRun, cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

afterAll(removeTempDirs);

/**
 * The project's whole tree, once the environment a build replaced is gone (it is renamed `….trash` and
 * deleted in the background); Python's bytecode is left out (Python writes it whenever it runs).
 */
function snapshot(root: string): string {
  const envs = join(root, ".dhtl", "envs");
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (!existsSync(envs) || !readdirSync(envs).some((entry) => entry.endsWith(".trash"))) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return treeHash(root, { ignore: ["__pycache__"] });
}

/** The distributions installed in the project's environment, by dist-info directory name. */
function installed(root: string): string[] {
  const lib = join(root, ".venv", "lib");
  const [python] = readdirSync(lib).filter((entry) => entry.startsWith("python"));
  return readdirSync(join(lib, python!, "site-packages"))
    .filter((entry) => entry.endsWith(".dist-info"))
    .map((entry) => entry.replace(/-[^-]+\.dist-info$/, "").toLowerCase());
}

const read = (root: string, file: string) => readFileSync(join(root, file), "utf8");
const digestOf = (root: string, file: string) =>
  `sha256:${createHash("sha256")
    .update(readFileSync(join(root, file)))
    .digest("hex")}`;
/** The lock digest `.dhtconfig` records. */
const recordedLock = (root: string) =>
  /^ {2}digest: (sha256:[0-9a-f]{64})$/m.exec(read(root, ".dhtconfig"))?.[1];

function ok(run: CliRun): CliRun {
  expect(run.code, describeRun(run)).toBe(0);
  return run;
}

function validate(root: string): { run: CliRun; report: ValidationReport } {
  const run = runCli(["validate-env", "--json"], root);
  return { run, report: cliJson<ValidationReport>(run) };
}

const noDrift = { extra: [], missing: [], changed: [], modifiedFiles: [], environment: [], tools: [] };

describe("keeping manual changes in step (e2e, real uv and PyPI)", () => {
  it("a uv project: dhtl add/remove, their dry run and failure, the pip wrapper, uv add by hand", () => {
    const root = copyFixtureDir("projects/uv-app");
    ok(runCli(["setup"], root));
    expect(validate(root).run.code).toBe(0);
    const pyproject = read(root, "pyproject.toml");

    // --dry-run: the diff, and not one byte written.
    const before = snapshot(root);
    const dry = ok(runCli(["add", "--dry-run", "attrs"], root));
    expect(dry.stdout).toContain('+dependencies = ["six>=1.16", "attrs"]');
    expect(dry.stdout).toContain("dry run: nothing written");
    const dryJson = cliJson(ok(runCli(["add", "--dry-run", "--json", "attrs"], root)));
    expect(dryJson).toMatchObject({ command: "add", dryRun: true, changed: true, entries: ["attrs"] });
    expect(snapshot(root)).toBe(before);

    // dhtl add: the manifest, the lock, the environment and the record in one step.
    const added = ok(runCli(["add", "attrs"], root));
    expect(added.stdout).toContain("attrs added to pyproject.toml [project] dependencies");
    expect(read(root, "pyproject.toml")).toBe(pyproject.replace('["six>=1.16"]', '["six>=1.16", "attrs"]'));
    expect(read(root, "uv.lock")).toMatch(/^name = "attrs"$/m);
    expect(installed(root)).toContain("attrs");
    expect(recordedLock(root)).toBe(digestOf(root, "uv.lock"));
    expect(validate(root).run.code).toBe(0);

    // A package already listed gets the new constraint, in place.
    ok(runCli(["add", "six>=1.17"], root));
    expect(read(root, "pyproject.toml")).toContain('dependencies = ["six>=1.17", "attrs"]');
    expect(read(root, "uv.lock")).toMatch(/\{ name = "six", specifier = ">=1\.17" \}/);

    // A package PyPI does not have: the resolve fails, and every file and .venv are as they were.
    const atFailure = snapshot(root);
    const failed = runCli(["add", "dhtl-test-no-such-package-7f3a"], root);
    expect(failed.code, describeRun(failed)).toBe(3);
    expect(failed.stderr).toContain("dhtl-test-no-such-package-7f3a");
    expect(snapshot(root)).toBe(atFailure);
    expect(validate(root).run.code).toBe(0);

    // dhtl remove takes it out of all four; removing it again is an error that changes nothing.
    ok(runCli(["remove", "attrs"], root));
    expect(read(root, "pyproject.toml")).toContain('dependencies = ["six>=1.17"]\n');
    expect(read(root, "uv.lock")).not.toMatch(/name = "attrs"/);
    expect(installed(root)).not.toContain("attrs");
    expect(recordedLock(root)).toBe(digestOf(root, "uv.lock"));
    const afterRemove = snapshot(root);
    const again = runCli(["remove", "attrs"], root);
    expect(again.code, describeRun(again)).toBe(2);
    expect(again.stderr).toContain("attrs is not in pyproject.toml [project] dependencies");
    expect(snapshot(root)).toBe(afterRemove);

    // .venv/bin/pip is uv pip for this environment: it installs, and says the lock does not know.
    const pip = spawnSync(join(root, ".venv", "bin", "pip"), ["install", "iniconfig"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(pip.status, pip.stderr).toBe(0);
    expect(pip.stderr).toContain("this changes .venv only, not the lock (uv.lock)");
    expect(pip.stderr).toContain("add it to pyproject.toml [project] dependencies (`dhtl add NAME`");
    expect(installed(root)).toContain("iniconfig");
    // That is drift (an extra package), not a stale record: the lock and the record did not move.
    const drifted = validate(root);
    expect(drifted.run.code).toBe(1);
    expect(drifted.report).toMatchObject({
      ok: false,
      stale: null,
      drift: { extra: [expect.stringMatching(/^iniconfig==/)], missing: [], changed: [] },
    });
    const driftText = runCli(["validate-env"], root);
    expect(driftText.stdout).toContain("dhtl add NAME");
    expect(driftText.stdout).toContain("dhtl fix-env");
    // As the wrapper says: fix-env undoes it.
    ok(runCli(["fix-env", "--yes"], root));
    expect(installed(root)).not.toContain("iniconfig");
    expect(validate(root).run.code).toBe(0);

    // uv add by hand: the lock moved on and the environment with it — a stale record, not drift.
    execFileSync("uv", ["add", "--quiet", "iniconfig"], { cwd: root, stdio: "pipe" });
    expect(installed(root)).toContain("iniconfig");
    const stale = validate(root);
    expect(stale.run.code, describeRun(stale.run)).toBe(1);
    expect(stale.report).toMatchObject({
      ok: false,
      stale: { files: ["uv.lock"], command: "dhtl setup", relock: false },
      drift: noDrift,
    });
    expect(stale.report.stale?.reasons).toEqual(["uv.lock changed since .dhtconfig was written"]);
    const staleText = runCli(["validate-env"], root);
    expect(staleText.stdout).toContain("stale record (uv.lock changed since .dhtconfig was written)");
    expect(staleText.stdout).toContain("run dhtl setup to record it");
    expect(staleText.stdout).not.toMatch(/drift|fix-env/);
    const quiet = runCli(["validate-env", "--quiet"], root);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toContain("run `dhtl setup`");
    // dhtl setup records it.
    ok(runCli(["setup"], root));
    expect(recordedLock(root)).toBe(digestOf(root, "uv.lock"));
    expect(validate(root).run.code).toBe(0);

    // pyproject.toml edited by hand, not locked yet: stale, naming the file and the package.
    writeFileSync(
      join(root, "pyproject.toml"),
      read(root, "pyproject.toml").replace('"iniconfig>=', '"tomli",\n    "iniconfig>='),
    );
    const unlocked = validate(root);
    expect(unlocked.run.code).toBe(1);
    expect(unlocked.report.stale).toEqual({
      reasons: ["pyproject.toml changed since uv.lock was made: it declares tomli, not in uv.lock"],
      files: ["pyproject.toml"],
      command: "dhtl setup",
      relock: true,
    });
    // Not "matches the new lock": there is no new lock yet.
    const unlockedText = runCli(["validate-env"], root).stdout;
    expect(unlockedText).toContain("the lock is behind: run dhtl setup to lock again");
    expect(unlockedText).not.toContain("new lock");
  });

  it("a requirements project: add --group dev creates requirements-dev.txt; remove; a failed add changes nothing", () => {
    const root = tempDir("dhtl-manual-req-");
    const requirements = "# runtime\nsix==1.17.0  # pinned\n";
    writeFileSync(join(root, "requirements.txt"), requirements);
    writeFileSync(join(root, "app.py"), "import six\n");
    ok(runCli(["setup"], root));
    const lock = ".dhtl/requirements.lock";

    const added = ok(runCli(["add", "--group", "dev", "iniconfig"], root));
    expect(added.stdout).toContain("iniconfig added to requirements-dev.txt");
    expect(read(root, "requirements-dev.txt")).toBe("iniconfig\n");
    expect(read(root, "requirements.txt")).toBe(requirements);
    expect(read(root, lock)).toMatch(/^iniconfig==/m);
    expect(installed(root)).toEqual(expect.arrayContaining(["six", "iniconfig"]));
    expect(recordedLock(root)).toBe(digestOf(root, lock));
    expect(validate(root).run.code).toBe(0);
    // The pip wrapper names this project's list.
    expect(read(root, ".venv/bin/pip")).toContain("add it to requirements.txt");

    // The compiled lock's failure path writes .dhtl/requirements.in before uv fails: put back too.
    const atFailure = snapshot(root);
    const failed = runCli(["add", "--group", "dev", "dhtl-test-no-such-package-7f3a"], root);
    expect(failed.code, describeRun(failed)).toBe(3);
    expect(snapshot(root)).toBe(atFailure);

    ok(runCli(["remove", "--group", "dev", "iniconfig"], root));
    expect(read(root, "requirements-dev.txt")).toBe("");
    expect(read(root, lock)).not.toMatch(/iniconfig/);
    expect(installed(root)).not.toContain("iniconfig");
    expect(validate(root).run.code).toBe(0);

    // requirements.txt edited by hand: the manifests no longer say what the lock was compiled from.
    writeFileSync(join(root, "requirements.txt"), `${requirements}idna\n`);
    const stale = validate(root);
    expect(stale.run.code).toBe(1);
    expect(stale.report.stale).toMatchObject({
      files: expect.arrayContaining(["requirements.txt"]),
      relock: true,
    });
    expect(stale.report.drift).toEqual(noDrift);
  });

  it("a Poetry project: poetry.lock changed since dhtl converted it is a stale record", () => {
    const root = copyFixtureDir("python-choice/rich");
    ok(runCli(["setup"], root));
    expect(read(root, ".dhtconfig")).toContain("source: poetry.lock");
    expect(validate(root).run.code).toBe(0);
    // What `poetry add` / `poetry lock` leaves: another poetry.lock (an appended comment stands in for it).
    writeFileSync(join(root, "poetry.lock"), `${read(root, "poetry.lock")}\n# edited\n`);
    const stale = validate(root);
    expect(stale.run.code, describeRun(stale.run)).toBe(1);
    expect(stale.report).toMatchObject({
      ok: false,
      stale: {
        reasons: ["poetry.lock changed since .dhtl/requirements.lock was converted from it"],
        files: ["poetry.lock"],
        command: "dhtl setup",
        relock: true,
      },
      drift: noDrift,
    });
  });

  it("setup.py: dhtl add names the file to edit; a bad --group is refused; nothing written", () => {
    const root = tempDir("dhtl-manual-setuppy-");
    writeFileSync(
      join(root, "setup.py"),
      "from setuptools import setup\nsetup(name='demo', version='1.0', install_requires=['six'])\n",
    );
    const before = snapshot(root);
    const refused = runCli(["add", "idna"], root);
    expect(refused.code, describeRun(refused)).toBe(2);
    expect(refused.stderr).toContain("setup.py");
    expect(refused.stderr).toContain("add the requirement to setup.py by hand");
    expect(snapshot(root)).toBe(before);
    expect(existsSync(join(root, ".venv"))).toBe(false);

    // A group name is checked before it becomes a file name (it made `requirements--/-/x.txt`).
    writeFileSync(join(root, "requirements.txt"), "six\n");
    rmSync(join(root, "setup.py"));
    const withRequirements = snapshot(root);
    const bad = runCli(["add", "--group", "../../x", "idna"], root);
    expect(bad.code, describeRun(bad)).toBe(2);
    expect(bad.stderr).toContain('not a dependency group name: "../../x"');
    expect(snapshot(root)).toBe(withRequirements);
  });
});
