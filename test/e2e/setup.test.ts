import { existsSync, lstatSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

afterAll(removeTempDirs);

/** `dhtl setup` on real fixture projects, with real uv, PyPI and interpreters. */
describe("dhtl setup (e2e)", () => {
  it("PEP 621 + uv project: uv.lock as committed, every group, the project editable, --json summary", () => {
    const root = copyFixtureDir("projects/uv-app");
    const lockBefore = readFileSync(join(root, "uv.lock"), "utf8");
    const result = runCli(["setup", "--yes", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    const summary = cliJson<{ ok: boolean; packages: number; lock: { file: string; kind: string } }>(result);
    expect(summary).toMatchObject({ ok: true, lock: { file: "uv.lock", kind: "uv" } });
    expect(summary.packages).toBe(3); // six, idna (dev group), uv-app itself
    expect(lstatSync(join(root, ".venv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, "uv.lock"), "utf8")).toBe(lockBefore);
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toMatch(/file: uv\.lock/);
    expect(config).toMatch(/linux-x86_64: sha256:[0-9a-f]{64}/);
    expect(config).not.toContain(root);
    const valid = runCli(["validate-env", "--json"], root);
    expect(valid.code, describeRun(valid)).toBe(0);
  });

  it("PEP 621 project without uv.lock: setup locks it with uv", () => {
    const root = copyFixtureDir("projects/uv-app");
    rmSync(join(root, "uv.lock"));
    const result = runCli(["setup", "--yes", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(cliJson<{ lock: { kind: string } }>(result).lock.kind).toBe("uv");
    expect(readFileSync(join(root, "uv.lock"), "utf8")).toMatch(/name = "six"/);
  });

  it("--dry-run prints the plan and changes nothing", () => {
    const root = copyFixtureDir("projects/uv-app");
    const before = treeHash(root, { ignore: ["__pycache__"] });
    const result = runCli(["setup", "--dry-run"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/uv sync --frozen --all-groups/);
    expect(treeHash(root, { ignore: ["__pycache__"] })).toBe(before);
  });

  it("requirements app pinned to 3.12.1 (a pyenv build off PATH): exact interpreter, dhtl-owned lock", () => {
    const root = copyFixtureDir("projects/req-pinned");
    const result = runCli(["setup", "--yes"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/Python 3\.12\.1/);
    expect(readFileSync(join(root, ".venv", "pyvenv.cfg"), "utf8")).toMatch(/version_info = 3\.12\.1/);
    const lock = readFileSync(join(root, ".dhtl", "requirements.lock"), "utf8");
    expect(lock).toMatch(/^six==1\.16\.0 \\$/m);
    expect(lock).toMatch(/^idna==/m); // from requirements-dev.txt
    expect(lock).toMatch(/--hash=sha256:/);
    // The pin file fixes the exact version, so .dhtconfig does not repeat it.
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toMatch(/^python:/m);
    expect(readFileSync(join(root, "requirements.txt"), "utf8")).toBe("six==1.16.0\npackaging>=23\n");
  });

  it("Poetry project: groups included, the package installed editable, pyproject untouched", () => {
    const root = copyFixtureDir("projects/poetry-app");
    const pyproject = readFileSync(join(root, "pyproject.toml"), "utf8");
    const result = runCli(["setup", "--yes", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(cliJson<{ lock: { kind: string } }>(result).lock.kind).toBe("compiled");
    const lock = readFileSync(join(root, ".dhtl", "requirements.lock"), "utf8");
    expect(lock).toMatch(/^six==/m);
    expect(lock).toMatch(/^idna==/m);
    const site = join(root, ".venv", "lib");
    expect(existsSync(site)).toBe(true);
    expect(readFileSync(join(root, "pyproject.toml"), "utf8")).toBe(pyproject);
    expect(runCli(["validate-env"], root).code).toBe(0);
  });

  it("Django app: installs Django and its dependencies; two setups of two copies write byte-identical .dhtconfig", () => {
    const first = copyFixtureDir("projects/django-app");
    const second = copyFixtureDir("projects/django-app");
    for (const root of [first, second]) {
      const result = runCli(["setup", "--yes"], root);
      expect(result.code, describeRun(result)).toBe(0);
      expect(result.stdout).toMatch(/\d+ packages/);
    }
    const config = readFileSync(join(first, ".dhtconfig"));
    expect(readFileSync(join(second, ".dhtconfig")).equals(config)).toBe(true);
    expect(
      readFileSync(join(second, ".dhtl", "requirements.lock")).equals(
        readFileSync(join(first, ".dhtl", "requirements.lock")),
      ),
    ).toBe(true);
    expect(readFileSync(join(first, ".dhtl", "requirements.lock"), "utf8")).toMatch(/^django==4\.2\.\d+/im);
    // A second setup of the same project changes nothing committed.
    const again = runCli(["setup", "--yes"], first);
    expect(again.code, describeRun(again)).toBe(0);
    expect(readFileSync(join(first, ".dhtconfig")).equals(config)).toBe(true);
  });
});
