/**
 * `dhtl migrate` end to end on small real projects, with real uv and PyPI: each fixture migrates to a
 * pyproject.toml uv locks, `uv sync --frozen` installs exactly the old lock's versions, comments survive,
 * --dry-run and a refused run write nothing, --remove-old removes with a backup.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureUv } from "../../src/run/uv.js";
import { installedVersions, runMigrate, uvIn as uvInWith } from "../support/migrate.js";
import { copyFixtureDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

// Only the machine's interpreters: a test must never download one.
process.env.UV_PYTHON_DOWNLOADS = "never";
process.env.UV_NO_PROGRESS = "1";

let uv = "uv";
beforeAll(async () => {
  uv = (await ensureUv()).path;
});

/** A local git repository holding a tiny package tagged v0.1.0 (the network reaches only PyPI). */
function makeGitPackage(): string {
  const repo = mkdtempSync(join(tmpdir(), "dhtl-migrate-git-"));
  mkdirSync(join(repo, "tinygit"));
  writeFileSync(
    join(repo, "pyproject.toml"),
    '[project]\nname = "tinygit"\nversion = "0.1.0"\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
  );
  writeFileSync(join(repo, "tinygit", "__init__.py"), "VALUE = 1\n");
  const git = (...args: string[]) => {
    const r = spawnSync("git", ["-c", "user.email=t@example.org", "-c", "user.name=t", ...args], {
      cwd: repo,
    });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "init");
  git("tag", "v0.1.0");
  return repo;
}

const migrate = (dir: string, options: Record<string, unknown>, quiet = true) =>
  runMigrate(dir, options, quiet);

function uvIn(dir: string, args: string[]): string {
  return uvInWith(uv, dir, args);
}

/**
 * Migrates with --yes, checks uv accepts the lock as current, syncs it frozen and compares every installed
 * distribution that the old lock pinned with the old version.
 */
async function migrateAndSync(
  dir: string,
): Promise<{ json: Record<string, unknown>; installed: Map<string, string> }> {
  const run = await migrate(dir, { yes: true, json: true });
  expect(run.code).toBe(0);
  uvIn(dir, ["lock", "--check"]);
  uvIn(dir, ["sync", "--frozen", "--all-groups", "--all-extras"]);
  return { json: run.json ?? {}, installed: installedVersions(dir) };
}

function expectOldVersionsInstalled(
  json: Record<string, unknown>,
  installed: Map<string, string>,
  oldPins: string[],
) {
  expect(json.changedVersions).toEqual([]);
  for (const pin of oldPins) {
    const [name, version] = pin.split("==") as [string, string];
    expect(`${name}==${installed.get(name)}`).toBe(`${name}==${version}`);
  }
}

describe("dhtl migrate (real uv)", () => {
  it("Poetry 1.x: locks and installs poetry.lock's versions, keeps comments, keeps poetry-core", async () => {
    const dir = copyFixtureDir("migrate/poetry");
    const before = readFileSync(join(dir, "pyproject.toml"), "utf8");
    const { json, installed } = await migrateAndSync(dir);
    expectOldVersionsInstalled(json, installed, [
      "attrs==23.1.0",
      "click==8.1.7",
      "idna==3.6",
      "packaging==23.2",
      "six==1.16.0",
    ]);
    expect(installed.get("poetry-demo")).toBe("1.2.0");
    const after = readFileSync(join(dir, "pyproject.toml"), "utf8");
    const black =
      '[tool.black]\n# wide lines, as the team agreed\nline-length = 100\ntarget-version = ["py39"]\n';
    expect(before).toContain(black);
    expect(after).toContain(black);
    expect(after).toContain("# The package lives under src/: keep this comment\n");
    expect(json.backupDir).toBe(".dhtl/migrate-backup/1");
    expect(readFileSync(join(dir, ".dhtl/migrate-backup/1/pyproject.toml"), "utf8")).toBe(before);
    expect(existsSync(join(dir, "poetry.lock"))).toBe(true);
  });

  it("Pipenv: installs Pipfile.lock's versions; --remove-old removes Pipfile and Pipfile.lock after backing them up", async () => {
    const dir = copyFixtureDir("migrate/pipenv");
    const pipfile = readFileSync(join(dir, "Pipfile"), "utf8");
    const run = await migrate(dir, { yes: true, json: true, removeOld: true });
    expect(run.code).toBe(0);
    expect(run.json?.removed).toEqual(["Pipfile", "Pipfile.lock"]);
    expect(existsSync(join(dir, "Pipfile"))).toBe(false);
    expect(readFileSync(join(dir, ".dhtl/migrate-backup/1/Pipfile"), "utf8")).toBe(pipfile);
    uvIn(dir, ["sync", "--frozen", "--all-groups"]);
    expectOldVersionsInstalled(run.json!, installedVersions(dir), [
      "attrs==23.1.0",
      "idna==3.6",
      "packaging==23.2",
      "six==1.16.0",
    ]);
  });

  it("reports every version that changed when the new constraints exclude an old pin", async () => {
    const dir = copyFixtureDir("migrate/pipenv");
    const pipfile = join(dir, "Pipfile");
    writeFileSync(pipfile, readFileSync(pipfile, "utf8").replace('six = "*"', 'six = ">=1.17"'));
    const run = await migrate(dir, { yes: true, json: true });
    expect(run.code).toBe(0);
    const changed = run.json?.changedVersions as { name: string; old: string; new: string }[];
    expect(changed.map((c) => `${c.name} ${c.old}`)).toEqual(["six 1.16.0"]);
    expect(changed[0]?.new).toMatch(/^1\.(1[7-9]|[2-9]\d)/);
    expect(run.json?.keptVersions).toBe(3);
  });

  it("keeps the direct pins when old indirect pins no longer fit together, and reports the rest", async () => {
    const dir = copyFixtureDir("migrate/pipenv");
    writeFileSync(join(dir, "Pipfile"), '[packages]\ncattrs = "*"\n\n[requires]\npython_version = "3.11"\n');
    // cattrs 23.2.3 needs attrs>=23.1: the old attrs pin cannot hold beside it.
    const lock = {
      _meta: { hash: { sha256: "0" }, "pipfile-spec": 6, requires: {}, sources: [] },
      default: { cattrs: { hashes: [], version: "==23.2.3" }, attrs: { hashes: [], version: "==22.1.0" } },
      develop: {},
    };
    writeFileSync(join(dir, "Pipfile.lock"), JSON.stringify(lock));
    const run = await migrate(dir, { yes: true, json: true });
    expect(run.code).toBe(0);
    expect(run.json?.pinsDropped).toBe("transitive");
    expect(run.json?.keptVersions).toBe(1);
    const changed = run.json?.changedVersions as { name: string; old: string; new: string }[];
    expect(changed.map((c) => `${c.name} ${c.old}`)).toEqual(["attrs 22.1.0"]);
    uvIn(dir, ["sync", "--frozen"]);
    expect(installedVersions(dir).get("cattrs")).toBe("23.2.3");
  });

  it("conda: pip section and PyPI packages locked at their pins, conda-only packages reported", async () => {
    const dir = copyFixtureDir("migrate/conda");
    const { json, installed } = await migrateAndSync(dir);
    expectOldVersionsInstalled(json, installed, ["idna==3.6", "six==1.16.0"]);
    expect((json.condaOnly as { name: string }[]).map((c) => c.name)).toEqual(["libffi", "openssl"]);
    expect(readFileSync(join(dir, ".python-version"), "utf8")).toBe("3.11\n");
  });

  it("setuptools: the package builds from the new pyproject.toml and keeps the pinned requirements' versions", async () => {
    const dir = copyFixtureDir("migrate/setuptools");
    const { json, installed } = await migrateAndSync(dir);
    expectOldVersionsInstalled(json, installed, ["attrs==23.1.0", "packaging==23.2", "six==1.16.0"]);
    expect(installed.get("setpkg")).toBe("0.3.0");
  });

  it("pip: requirements, a dev file, a constraints file and a git dependency", async () => {
    const dir = copyFixtureDir("migrate/pip");
    const repo = makeGitPackage();
    const requirements = join(dir, "requirements.txt");
    writeFileSync(requirements, readFileSync(requirements, "utf8").replace("{{GIT_REPO}}", repo));
    const { json, installed } = await migrateAndSync(dir);
    expectOldVersionsInstalled(json, installed, [
      "attrs==23.1.0",
      "idna==3.6",
      "packaging==23.2",
      "six==1.16.0",
    ]);
    expect(installed.get("tinygit")).toBe("0.1.0");
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toContain(
      `tinygit = { git = "file://${repo}", rev = "v0.1.0" }`,
    );
  });

  it("--dry-run prints the plan and diff and writes nothing", async () => {
    const dir = copyFixtureDir("migrate/poetry");
    const before = treeHash(dir);
    const run = await migrate(dir, { dryRun: true }, false);
    expect(run.code).toBe(0);
    expect(run.text).toContain("+++ b/pyproject.toml");
    expect(run.text).toContain("build system: poetry.core.masonry.api");
    expect(treeHash(dir)).toBe(before);
  });

  it("without --yes and without a terminal it refuses with exit 4 and writes nothing", async () => {
    const dir = copyFixtureDir("migrate/pipenv");
    const before = treeHash(dir);
    const run = await migrate(dir, {});
    expect(run.code).toBe(4);
    expect(run.text).toContain("nothing written");
    expect(treeHash(dir)).toBe(before);
  });
});
