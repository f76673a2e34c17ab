/**
 * Issue 14: `dhtl migrate` on manifests of real projects (test/fixtures/migrate/real/README.md names each
 * repository and commit), proved with real uv: the migrated project builds wherever the original did and
 * its wheel publishes the same METADATA (name, version, requires-dist, entry points, requires-python);
 * `uv sync --frozen` works with the project's own Python; the old lock's versions are kept.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseToml } from "../../src/formats/toml.js";
import { ensureUv } from "../../src/run/uv.js";
import { applyStandardize, planStandardize } from "../../src/workflows/standardize.js";
import { initRepo } from "../support/git.js";
import { buildWheelMetadata, installedVersions, published, runMigrate, uvIn } from "../support/migrate.js";
import { copyFixtureDir, repoRoot, tempDir } from "../support/temp-dirs.js";

process.env.UV_PYTHON_DOWNLOADS = "never";
process.env.UV_NO_PROGRESS = "1";

let uv = "uv";
beforeAll(async () => {
  uv = (await ensureUv()).path;
});

const real = (name: string) => copyFixtureDir(`migrate/real/${name}`);
/** A copy in a folder named like the project's own checkout (migrate names a nameless project after it). */
const realNamed = (name: string) => {
  const dir = join(tempDir("dhtl-checkout-"), name);
  cpSync(join(repoRoot, "test", "fixtures", "migrate", "real", name), dir, { recursive: true });
  return dir;
};
/** The machine's pyenv build of a minor (the shims answer only for the global versions). */
const pyenvPython = (minor: string) => {
  const base = join(homedir(), ".pyenv", "versions");
  const version = readdirSync(base).find((v) => v.startsWith(`${minor}.`));
  if (!version) throw new Error(`no pyenv build of Python ${minor}`);
  return join(base, version, "bin", "python");
};
const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");
const pyproject = (dir: string) => parseToml(read(dir, "pyproject.toml"), "pyproject.toml");

const installed = installedVersions;

/** Migrates with --yes (exit 0 expected) and checks uv takes the lock as current. */
async function migrated(
  dir: string,
  options: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const run = await runMigrate(dir, { yes: true, json: true, ...options });
  expect(run.code, run.text).toBe(0);
  uvIn(uv, dir, ["lock", "--check"]);
  return run.json ?? {};
}

/** The original's wheel and the migrated project's wheel publish the same metadata. */
async function expectSameWheel(name: string): Promise<{ dir: string; files: string[] }> {
  const original = buildWheelMetadata(uv, real(name));
  const dir = real(name);
  await migrated(dir);
  const after = buildWheelMetadata(uv, dir);
  expect(published(after)).toEqual(published(original));
  return { dir, files: after.files };
}

describe("setup.py projects keep building (items 1–3, 9)", () => {
  it("the issue's minimal setup.py (long_description, py_modules) builds with the same metadata", async () => {
    const dir = tempDir("dhtl-minimal-setup-");
    writeFileSync(
      join(dir, "setup.py"),
      'from setuptools import setup\nsetup(name="demo", version="1.0", long_description="x", py_modules=["demo"])\n',
    );
    writeFileSync(join(dir, "demo.py"), "VALUE = 1\n");
    const original = buildWheelMetadata(uv, dir);
    await migrated(dir);
    expect(pyproject(dir).project).toMatchObject({ name: "demo", version: "1.0", dynamic: ["readme"] });
    expect(published(buildWheelMetadata(uv, dir))).toEqual(published(original));
  });

  it("six: setup.py imports six itself → __legacy__; same METADATA; synced frozen with its test group", async () => {
    const { dir } = await expectSameWheel("six");
    const doc = pyproject(dir);
    // Its range allows 3.6: the in-tree backend, which is setuptools' __legacy__ one (setup.py imports six).
    expect(doc["build-system"]).toMatchObject({ "build-backend": "setuptools_pep660" });
    expect(read(dir, "_build_backend/setuptools_pep660.py")).toContain("_backend = build_meta.__legacy__\n");
    // Computed (six.__version__) and everything setup.py says besides: left to setup.py, named in dynamic.
    expect(doc.project).toMatchObject({
      name: "six",
      "requires-python": ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*",
      dynamic: ["authors", "classifiers", "description", "license", "readme", "version"],
    });
    uvIn(uv, dir, ["sync", "--frozen"]);
    expect(installed(dir).get("six")).toBe("1.17.0");
    expect(installed(dir).has("pytest")).toBe(true); // tests_require → group "test", installed by default
  });

  it("records: setup.py beside a Pipfile is the package (name, version, console script); same METADATA", async () => {
    const { dir } = await expectSameWheel("records");
    const doc = pyproject(dir);
    expect(doc.project).toMatchObject({ name: "records", version: "0.5.3" });
    expect(doc["dependency-groups"]).toMatchObject({ dev: ["pytest"] });
    const wheel = buildWheelMetadata(uv, dir);
    expect(wheel.entryPoints).toEqual(["console_scripts:records=records:cli"]);
  });

  it("records: Pipfile.lock's psycopg2 2.7.4 (wheels up to cp36) is kept on 3.6 only; 3.7 gets a version that installs there; the Python is its own 3.6", async () => {
    const dir = real("records");
    const json = await migrated(dir);
    expect(read(dir, ".python-version")).toBe("3.6\n");
    expect(json.pinsLimited).toEqual(['psycopg2 2.7.4 (python_version < "3.7")']);
    const lock = read(dir, "uv.lock");
    expect(lock).toContain('name = "psycopg2"\nversion = "2.7.4"');
    expect(lock.match(/name = "psycopg2"\nversion = "[^"]+"/g)?.length).toBeGreaterThan(1);
    expect(lock).toContain('name = "pyyaml"\nversion = "3.12"');
    uvIn(uv, dir, ["sync", "--frozen", "--python", pyenvPython("3.6"), "--extra", "pg"]);
    expect(installed(dir).get("psycopg2")).toBe("2.7.4");
    expect(installed(dir).get("pyyaml")).toBe("3.12");
  });

  it("click 2018: pytest only in tox.ini's [testenv] deps → the dev group; same METADATA; its test passes after `uv sync --frozen` on 3.7", async () => {
    const { dir } = await expectSameWheel("click-2018");
    expect(pyproject(dir)["dependency-groups"]).toEqual({ dev: ["pytest", "coverage", "colorama"] });
    const python = pyenvPython("3.7");
    uvIn(uv, dir, ["sync", "--frozen", "--python", python]);
    expect([...installed(dir).keys()]).toEqual(expect.arrayContaining(["pytest", "coverage", "colorama"]));
    const tests = spawnSync(join(dir, ".venv/bin/python"), ["-m", "pytest", "-q", "-p", "no:cacheprovider"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(tests.stdout).toContain("1 passed");
  });

  it("docopt 2018: classifiers name 3.6 at newest → .python-version 3.6, the lock is for >=3.6 and syncs frozen on 3.6 (in-tree backend)", async () => {
    const { dir } = await expectSameWheel("docopt-2018");
    expect(read(dir, ".python-version")).toBe("3.6\n");
    expect(pyproject(dir).project).not.toHaveProperty("requires-python");
    expect(read(dir, "uv.lock")).toContain('requires-python = ">=3.6"');
    uvIn(uv, dir, ["sync", "--frozen", "--python", pyenvPython("3.6")]);
    expect(installed(dir).has("pytest")).toBe(true);
    expect(installed(dir).has("docopt")).toBe(true);
  });

  it("flask 2018: its range allows 3.6 → plain `uv sync --frozen` installs it editable on 3.6 (in-tree backend) and on 3.11 (setuptools' own); wheel and sdist-built wheel publish the original METADATA", async () => {
    const { dir } = await expectSameWheel("flask-2018");
    expect(pyproject(dir)["build-system"]).toEqual({
      requires: ['setuptools>=61; python_version >= "3.7"', 'setuptools; python_version < "3.7"'],
      "build-backend": "setuptools_pep660",
      "backend-path": ["_build_backend"],
    });
    expect(read(dir, "MANIFEST.in")).toMatch(/\ninclude _build_backend\/setuptools_pep660\.py\n$/);
    const imported = () =>
      spawnSync(
        join(dir, ".venv/bin/python"),
        ["-c", `import flask, sys; print(flask.__file__, sys.version_info[:2])`],
        {
          cwd: tempDir("dhtl-elsewhere-"),
          encoding: "utf8",
        },
      ).stdout.trim();
    for (const [minor, version] of [
      ["3.6", "(3, 6)"],
      ["3.11", "(3, 11)"],
    ] as const) {
      uvIn(uv, dir, ["sync", "--frozen", "--python", pyenvPython(minor)]);
      // Editable: imported from the checkout itself, from any folder.
      expect(imported()).toBe(`${join(dir, "flask", "__init__.py")} ${version}`);
    }
    expect(installed(dir).get("flask")).toBe("1.1.dev0");
    // `uv build` makes the sdist, then the wheel from it: the sdist carries the backend module.
    const out = tempDir("dhtl-flask-dist-");
    uvIn(uv, dir, ["build", "--out-dir", out, "--python", pyenvPython("3.6")]);
    // setuptools 59.6 (Python 3.6) keeps the name's case in file names.
    const built = readdirSync(out).filter((f) => !f.startsWith("."));
    expect(built.map((f) => f.toLowerCase()).sort()).toEqual([
      "flask-1.1.dev0-py2.py3-none-any.whl",
      "flask-1.1.dev0.tar.gz",
    ]);
  });

  it("cleo 2017: --remove-old keeps the requirements files setup.py reads; the build still works", async () => {
    const original = buildWheelMetadata(uv, real("cleo-2017"));
    const dir = real("cleo-2017");
    const json = await migrated(dir, { removeOld: true });
    expect(json.removed).toEqual([]);
    expect(existsSync(join(dir, "requirements.txt"))).toBe(true);
    expect(existsSync(join(dir, "requirements.tests.txt"))).toBe(true);
    expect(published(buildWheelMetadata(uv, dir))).toEqual(published(original));
  });

  it("setup(**settings) that nobody can read is refused: nothing written", async () => {
    const dir = tempDir("dhtl-spread-setup-");
    const setup = "from setuptools import setup\nimport json\nsetup(**json.load(open('meta.json')))\n";
    writeFileSync(join(dir, "setup.py"), setup);
    await expect(runMigrate(dir, { yes: true })).rejects.toMatchObject({
      code: "badInput",
      message: expect.stringContaining("setup(**…)"),
    });
    expect(existsSync(join(dir, "pyproject.toml"))).toBe(false);
  });
});

describe("build backends (items 2, 4)", () => {
  it("pycairo: meson-python stays byte for byte beside package-mode = false; uv syncs the dependencies only", async () => {
    const dir = real("pycairo");
    const before = read(dir, "pyproject.toml");
    await migrated(dir);
    const buildSystem = (text: string) => /\[build-system\][^[]*/.exec(text)?.[0];
    expect(buildSystem(read(dir, "pyproject.toml"))).toBe(buildSystem(before));
    expect(pyproject(dir).tool).toMatchObject({ uv: { package: false } });
    uvIn(uv, dir, ["sync", "--frozen"]);
    expect(installed(dir).has("pycairo")).toBe(false);
  });

  it("full-stack-fastapi-template 2024: a package hatchling would not find keeps poetry-core, and builds", async () => {
    const dir = real("fullstack-2024");
    const json = await migrated(dir);
    expect((json.buildSystem as { backend: string }).backend).toBe("poetry.core.masonry.api");
    const wheel = buildWheelMetadata(uv, dir);
    expect(wheel.files).toContain("app.py");
    expect(wheel).toMatchObject({ name: "app", version: "0.1.0", requiresPython: ">=3.10,<4.0" });
  });
});

describe("locks and Python (items 5–8, 10)", () => {
  it("tomlkit: poetry.lock's marker-split filelock versions are both kept; all 51 versions kept", async () => {
    const dir = real("tomlkit");
    const json = await migrated(dir);
    expect(json.changedVersions).toEqual([]);
    expect(json.keptVersions).toBe(51);
    const lock = read(dir, "uv.lock");
    expect(lock).toContain('name = "filelock"\nversion = "3.19.1"');
    expect(lock).toContain('name = "filelock"\nversion = "3.20.3"');
    uvIn(uv, dir, ["sync", "--frozen", "--python", pyenvPython("3.9")]);
    expect(installed(dir).get("filelock")).toBe("3.19.1");
  });

  it("heroku getting-started 2020: runtime.txt python-3.7.6 shapes requires-python and the pin; syncs frozen on 3.7", async () => {
    const dir = real("heroku");
    await migrated(dir);
    expect(pyproject(dir).project).toMatchObject({ "requires-python": ">=3.7" });
    expect(read(dir, ".python-version")).toBe("3.7\n");
    uvIn(uv, dir, ["sync", "--frozen"]);
    const python = spawnSync(
      join(dir, ".venv/bin/python"),
      ["-c", "import sys; print(sys.version_info[:2])"],
      {
        encoding: "utf8",
      },
    );
    expect(python.stdout.trim()).toBe("(3, 7)");
  });

  it("drf 2023: nothing pins Django and the code last changed 2023-06-21: locked as of that day (uv.lock's options only), Django 4.2 synced frozen, not today's 5.x", async () => {
    const dir = real("drf-2023");
    initRepo(dir, { GIT_COMMITTER_DATE: "2023-06-21T05:05:44Z", GIT_AUTHOR_DATE: "2023-06-21T05:05:44Z" });
    const run = await runMigrate(dir, { yes: true, json: true });
    expect(run.code, run.text).toBe(0);
    expect(run.json?.asOf).toBe("2023-06-21T05:05:44Z");
    expect(run.json?.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^uv lock resolves as of 2023-06-21T05:05:44Z: nothing pins/),
      ]),
    );
    expect(read(dir, "uv.lock")).toContain('exclude-newer = "2023-06-21T05:05:44Z"');
    // Never in pyproject.toml: a later `uv lock --upgrade` or `uv add` resolves today's releases.
    expect(read(dir, "pyproject.toml")).not.toContain("exclude-newer");
    uvIn(uv, dir, ["sync", "--frozen", "--python", pyenvPython("3.11")]);
    expect(installed(dir).get("django")).toMatch(/^4\.2\./);
    expect(installed(dir).get("pytest")).toMatch(/^7\./);
  });

  it("--as-of on migrate: none resolves today's releases, a date is taken as asked, a bad value is refused", async () => {
    const dir = real("drf-2023");
    initRepo(dir, { GIT_COMMITTER_DATE: "2023-06-21T05:05:44Z", GIT_AUTHOR_DATE: "2023-06-21T05:05:44Z" });
    const none = await runMigrate(dir, { dryRun: true, json: true, asOf: "none" });
    expect(none.json?.asOf).toBeNull();
    const dated = await runMigrate(dir, { dryRun: true, json: true, asOf: "2022-01-01" });
    expect(dated.json?.asOf).toBe("2022-01-01T00:00:00Z");
    await expect(runMigrate(dir, { dryRun: true, asOf: "last week" })).rejects.toThrow(/--as-of "last week"/);
    expect(existsSync(join(dir, "pyproject.toml"))).toBe(false);
  });

  it("microblog: requirements.txt names no Python → .python-version and requires-python are the Python setup chooses (not 3.13: greenlet 3.0.1 has no cp313 wheel); syncs frozen on 3.12", async () => {
    const dir = realNamed("microblog");
    const json = await migrated(dir);
    const minor = read(dir, ".python-version").trim();
    expect(minor).toMatch(/^3\.(1[0-2]|[7-9])$/);
    expect(pyproject(dir).project).toMatchObject({ "requires-python": `>=${minor}` });
    expect(read(dir, "uv.lock")).toContain(`requires-python = ">=${minor}"`);
    expect(json.notes).toEqual(
      expect.arrayContaining([expect.stringContaining("the Python `dhtl setup` chooses here")]),
    );
    // Every direct requirement is pinned: the versions are the project's own, no as-of date.
    expect(json.asOf).toBeNull();
    uvIn(uv, dir, ["sync", "--frozen", "--python", pyenvPython("3.12")]);
    expect(installed(dir).get("greenlet")).toBe("3.0.1");
  });

  it("requests-html 2019: Pipfile.lock's MarkupSafe 1.0 does not build with today's setuptools → planned again with the build tools of the lock's time ([tool.uv] exclude-newer-package) on its Python; all 45 versions kept; syncs frozen on 3.6", async () => {
    const dir = real("requests-html-2019");
    initRepo(dir, { GIT_COMMITTER_DATE: "2018-03-21T11:47:15Z", GIT_AUTHOR_DATE: "2018-03-21T11:47:15Z" });
    const run = await runMigrate(dir, { yes: true });
    expect(run.code, run.text).toBe(0);
    expect(run.text).toContain("failed to build markupsafe with today's build tools: planning again");
    expect(run.text).toContain("kept 45 of 45 old locked versions");
    const uvTable = (pyproject(dir).tool as { uv: Record<string, unknown> }).uv;
    expect(uvTable["exclude-newer-package"]).toEqual({
      setuptools: "2019-02-08T00:00:00Z",
      wheel: "2019-02-08T00:00:00Z",
    });
    // setuptools of that time predates [project] and PEP 660: setup.py builds, the in-tree backend installs.
    expect(pyproject(dir)["build-system"]).toMatchObject({
      requires: ["setuptools"],
      "build-backend": "setuptools_pep660",
    });
    expect(read(dir, ".python-version")).toBe("3.6\n");
    uvIn(uv, dir, ["lock", "--check"]);
    // Plain `uv sync` builds MarkupSafe 1.0 with the held setuptools, as `uv lock` did.
    uvIn(uv, dir, ["sync", "--frozen", "--python", pyenvPython("3.6")]);
    expect(installed(dir).get("markupsafe")).toBe("1.0");
    const imported = spawnSync(join(dir, ".venv/bin/python"), ["-c", "import requests_html"], {
      cwd: tempDir("dhtl-elsewhere-"),
      encoding: "utf8",
    });
    expect(imported.status, imported.stderr).toBe(0);
  });

  it("Pipfile.lock's git commit is kept as rev, not the branch the Pipfile names", async () => {
    const repo = tempDir("dhtl-pipfile-git-");
    const git = (...args: string[]) => {
      const r = spawnSync("git", ["-c", "user.email=t@example.org", "-c", "user.name=t", ...args], {
        cwd: repo,
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
      return r.stdout.trim();
    };
    const version = (v: string) =>
      `[project]\nname = "tinygit"\nversion = "${v}"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n`;
    mkdirSync(join(repo, "tinygit"));
    writeFileSync(join(repo, "tinygit", "__init__.py"), "");
    writeFileSync(join(repo, "pyproject.toml"), version("0.1.0"));
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "one");
    const locked = git("rev-parse", "HEAD");
    writeFileSync(join(repo, "pyproject.toml"), version("0.2.0"));
    git("commit", "-qam", "two");
    // The Pipfile and Pipfile.lock shapes pipenv writes for `pipenv install -e git+…@main#egg=tinygit`.
    const dir = tempDir("dhtl-pipfile-project-");
    writeFileSync(join(dir, "Pipfile"), `[packages]\ntinygit = {git = "file://${repo}", ref = "main"}\n`);
    const lock = {
      _meta: { hash: { sha256: "0" }, "pipfile-spec": 6, requires: {}, sources: [] },
      default: { tinygit: { git: `file://${repo}`, ref: locked } },
      develop: {},
    };
    writeFileSync(join(dir, "Pipfile.lock"), JSON.stringify(lock, null, 4));
    await migrated(dir);
    expect(pyproject(dir).tool).toMatchObject({ uv: { sources: { tinygit: { rev: locked } } } });
    uvIn(uv, dir, ["sync", "--frozen"]);
    expect(installed(dir).get("tinygit")).toBe("0.1.0");
  });

  it("styleguide: requirements/local.txt holds pytest → in default-groups, installed by `uv sync --frozen`", async () => {
    const dir = real("styleguide");
    const json = await migrated(dir);
    expect(pyproject(dir).tool).toMatchObject({ uv: { "default-groups": ["local"] } });
    expect((json.notes as string[]).some((n) => n.includes('group "local" holds the test runner'))).toBe(
      true,
    );
    uvIn(uv, dir, ["sync", "--frozen"]);
    expect(installed(dir).get("pytest")).toBe("8.4.2");
  });

  it("mlflow-example: conda.yaml is the manifest; numpy, pandas, scikit-learn and mlflow locked", async () => {
    const dir = realNamed("mlflow-example");
    const json = await migrated(dir);
    expect(json.source).toBe("conda");
    expect(pyproject(dir).project).toMatchObject({
      name: "mlflow-example",
      dependencies: ["numpy>=1.14.3", "pandas>=1.0.0", "scikit-learn>0.19.1", "mlflow"],
    });
  });
});

describe("standardize and output (items 11, 13)", () => {
  it("standardize after migrating tomlkit: uv.lock current, [tool.ruff] its own table, nothing above [project]", async () => {
    const dir = real("tomlkit");
    await migrated(dir);
    const plan = await planStandardize({ root: dir, projectType: "library" });
    expect(plan.addedDevTools).toContain("ruff");
    expect((await applyStandardize(plan)).relocked).toBe(true);
    uvIn(uv, dir, ["lock", "--check"]);
    const text = read(dir, "pyproject.toml");
    expect(text.startsWith("[project]\n")).toBe(true);
    expect(text).toContain('\n[tool.ruff]\ntarget-version = "py39"\n');
    expect(text).not.toMatch(/\n\n\n/);
    expect(pyproject(dir).tool).toMatchObject({ ruff: { "target-version": "py39" } });
  });

  it("-q prints neither plan nor diff; .dhtl/ stays out of git status after a migration", async () => {
    const dir = real("heroku");
    spawnSync("git", ["init", "-q"], { cwd: dir });
    const run = await runMigrate(dir, { yes: true }, true);
    expect(run.code).toBe(0);
    expect(run.text).not.toContain("+++ b/pyproject.toml");
    expect(run.text).not.toContain("build system:");
    const status = spawnSync("git", ["status", "--porcelain"], { cwd: dir, encoding: "utf8" }).stdout;
    expect(status).not.toContain(".dhtl");
    expect(status).toContain("pyproject.toml");
  });
});
