import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { DhtlError } from "../../core/errors.js";
import { collectMigrationInput } from "../../facts/migration/collect.js";
import type { SourceKind } from "../../facts/migration/types.js";
import { pinsWorthKeeping, planMigration } from "./plan.js";
import type { MigrationPlan } from "./types.js";

const fixtures = resolve(import.meta.dirname, "..", "..", "..", "test", "fixtures", "migrate");

function planFor(name: string, from?: SourceKind): MigrationPlan {
  return planMigration(collectMigrationInput(join(fixtures, name), from).input);
}

/** A private copy of a fixture, for variants written on the fly. */
function copy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dhtl-migrate-plan-${name}-`));
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

function pyprojectOf(plan: MigrationPlan): Record<string, unknown> & { project: Record<string, unknown> } {
  const change = plan.changes.find((c) => c.path === "pyproject.toml");
  if (!change) throw new Error("no pyproject.toml change");
  return parse(change.after) as Record<string, unknown> & { project: Record<string, unknown> };
}

describe("planMigration: Poetry 1.x", () => {
  const plan = planFor("poetry");
  const doc = pyprojectOf(plan);

  it("detects Poetry and converts ^ ~ * and python to PEP 440", () => {
    expect(plan.source).toBe("poetry");
    expect(doc.project["requires-python"]).toBe(">=3.9,<4.0");
    expect(doc.project.dependencies).toEqual(["six>=1.15,<2.0", "idna>=3.6,<3.7", "packaging"]);
    expect(doc.project["optional-dependencies"]).toEqual({ cli: ["click>=8.0,<9"] });
    expect(doc.project.scripts).toEqual({ "poetry-demo": "poetry_demo:main" });
    expect(doc.project.authors).toEqual([{ name: "Ada Lovelace", email: "ada@example.org" }]);
  });

  it("writes out the Python classifiers Poetry 1.x added at build time", () => {
    expect(doc.project.classifiers).toEqual([
      "Programming Language :: Python :: 3",
      ...["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"].map((v) => `Programming Language :: Python :: ${v}`),
    ]);
  });

  it("turns groups into dependency groups and keeps the optional one out of the defaults", () => {
    expect(doc["dependency-groups"]).toEqual({ dev: ["attrs>=23.1,<24.0"], docs: ["packaging>=23"] });
    // dev is uv's default already, docs is optional in Poetry: nothing to add.
    expect(plan.project.defaultGroups).toBeNull();
  });

  it("moves the per-dependency source to [tool.uv.sources] and the source to an explicit index", () => {
    const uv = (doc.tool as Record<string, Record<string, unknown>>).uv;
    expect(uv?.sources).toEqual({ packaging: { index: "mirror" } });
    expect(uv?.index).toEqual([{ name: "mirror", url: "https://pypi.org/simple/", explicit: true }]);
  });

  it("keeps poetry-core because of `packages`, and says why", () => {
    expect(plan.build.backend).toBe("poetry.core.masonry.api");
    expect(plan.build.reason).toMatch(/packages/);
    expect(doc["build-system"]).toEqual({
      requires: ["poetry-core>=2.0.0,<3.0.0"],
      "build-backend": "poetry.core.masonry.api",
    });
  });

  it("edits pyproject.toml in place: untouched parts and comments survive byte for byte", () => {
    const change = plan.changes.find((c) => c.path === "pyproject.toml")!;
    const black =
      '[tool.black]\n# wide lines, as the team agreed\nline-length = 100\ntarget-version = ["py39"]\n';
    expect(change.before).toContain(black);
    expect(change.after).toContain(black);
    expect(change.after.startsWith("# Demo project managed by Poetry 1.x\n")).toBe(true);
    expect(change.after).toContain(
      '[tool.poetry]\n# The package lives under src/: keep this comment\npackages = [{ include = "poetry_demo", from = "src" }]\n',
    );
    // Migrated Poetry tables are gone: one source of truth.
    expect(change.after).not.toMatch(/\[tool\.poetry\.(dependencies|group|extras|scripts)/);
    expect(change.after).not.toContain("[[tool.poetry.source]]");
  });

  it("reads every version of poetry.lock", () => {
    expect(plan.oldLock.map((p) => `${p.name}==${p.version}`).sort()).toEqual([
      "attrs==23.1.0",
      "click==8.1.7",
      "colorama==0.4.6",
      "idna==3.6",
      "packaging==23.2",
      "six==1.16.0",
    ]);
    expect(plan.oldFiles).toEqual(["poetry.lock"]);
  });

  it("a second run finds nothing to migrate; forced with --from it changes nothing", () => {
    const dir = copy("poetry");
    writeFileSync(join(dir, "pyproject.toml"), plan.changes.find((c) => c.path === "pyproject.toml")!.after);
    expect(() => planMigration(collectMigrationInput(dir).input)).toThrow(/nothing to migrate/);
    const again = planMigration(collectMigrationInput(dir, "poetry").input);
    expect(again.changes).toEqual([]);
  });

  it("moves to hatchling when no Poetry-only packaging is used, and removes [tool.poetry] entirely", () => {
    const dir = copy("poetry");
    const text = `[tool.poetry]
name = "poetry-demo"
version = "1.0.0"
description = ""
authors = []

[tool.poetry.dependencies]
python = ">=3.9"
six = "1.16.0"
git-dep = { git = "https://example.org/o/git-dep.git", tag = "v2" }
local = { path = "../local", develop = true }

[tool.poetry.group.test.dependencies]
attrs = "*"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
`;
    writeFileSync(join(dir, "pyproject.toml"), text);
    const variant = planMigration(collectMigrationInput(dir).input);
    const after = pyprojectOf(variant);
    expect(variant.build.backend).toBe("hatchling.build");
    expect(variant.build.reason).toMatch(/src\/poetry_demo/);
    expect(after.tool).toEqual({
      uv: {
        "default-groups": ["test"],
        sources: {
          "git-dep": { git: "https://example.org/o/git-dep.git", tag: "v2" },
          local: { path: "../local", editable: true },
        },
      },
    });
    expect(after.project.dependencies).toEqual(["six==1.16.0", "git-dep", "local"]);
  });
});

describe("planMigration: a Python nothing states, taken from the project's other files (maya 2018)", () => {
  function project(files: Record<string, string>): MigrationPlan {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-migrate-python-hints-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return planMigration(collectMigrationInput(dir).input);
  }
  const pipfile = '[packages]\nsix = "*"\n\n[dev-packages]\npytest = "*"\n';
  const tox = "[tox]\nenvlist = py27, py35, py36, py37, py38-dev\n";

  it("an application: requires-python from the oldest Python its tox runs that uv can sync (not 2.7, 3.5 or 3.6)", () => {
    const plan = project({ Pipfile: pipfile, "tox.ini": tox });
    expect(pyprojectOf(plan).project["requires-python"]).toBe(">=3.7");
    expect(plan.notes.join("\n")).toContain('requires-python = ">=3.7" from tox.ini');
  });

  it("a package: its classifiers win over tox, and pin the lock's Python (.python-version) instead of adding Requires-Python", () => {
    const setup = [
      "from setuptools import setup",
      "setup(name='maya', version='0.5.0', py_modules=['maya'], classifiers=[",
      "    'Programming Language :: Python :: 2.7',",
      "    'Programming Language :: Python :: 3.7',",
      "])",
      "",
    ].join("\n");
    const plan = project({ Pipfile: pipfile, "tox.ini": tox, "setup.py": setup, "maya.py": "" });
    expect(pyprojectOf(plan).project["requires-python"]).toBeUndefined();
    expect(plan.changes.find((c) => c.path === ".python-version")?.after).toBe("3.7\n");
  });
});

describe("planMigration: other sources", () => {
  it("Pipenv: packages, dev-packages, custom categories and python_version", () => {
    const plan = planFor("pipenv");
    const doc = pyprojectOf(plan);
    expect(plan.source).toBe("pipenv");
    expect(doc.project.dependencies).toEqual(["six", "idna>=3"]);
    expect(doc["dependency-groups"]).toEqual({ dev: ["attrs"], docs: ["packaging"] });
    expect(doc.project["requires-python"]).toBe(">=3.11");
    expect(plan.changes.find((c) => c.path === ".python-version")?.after).toBe("3.11\n");
    expect(plan.build.backend).toBeNull();
    // The PyPI source is uv's default: no index table for it.
    expect(doc.tool).toBeUndefined();
    expect(plan.oldLock).toHaveLength(4);
  });

  it("conda: PyPI packages and the pip section, conda-only packages reported with what to do", () => {
    const plan = planFor("conda");
    const doc = pyprojectOf(plan);
    expect(doc.project.dependencies).toEqual(["six==1.16.0.*", "attrs>=23.1,<24", "idna==3.6"]);
    expect(plan.condaOnly.map((c) => c.name)).toEqual(["libffi", "openssl"]);
    expect(plan.condaOnly[0]?.what).toMatch(/apt-get install libffi-dev/);
    expect(plan.condaOnly[1]?.what).toMatch(/libssl-dev/);
  });

  it("setuptools: static setup.py reading, setuptools kept, requirement files as groups and pins", () => {
    const plan = planFor("setuptools");
    const doc = pyprojectOf(plan);
    expect(doc.project).toMatchObject({
      name: "setpkg",
      version: "0.3.0",
      "requires-python": ">=3.9",
      dependencies: ["attrs>=23", "six"],
      "optional-dependencies": { cli: ["click>=8"] },
    });
    // Entry points stay setup.py's (it may list groups besides console_scripts): named in `dynamic`.
    expect(doc.project.scripts).toBeUndefined();
    expect(doc.project.dynamic).toContain("scripts");
    expect(doc.project.dynamic).not.toContain("version");
    expect(doc["dependency-groups"]).toEqual({ dev: ["packaging==23.2"] });
    expect(plan.build.backend).toBe("setuptools.build_meta");
    expect(plan.oldLock.map((p) => p.name).sort()).toEqual(["attrs", "packaging", "six"]);
  });

  it("setuptools: whatever the reader could not resolve is listed for review, never guessed", () => {
    const dir = copy("setuptools");
    writeFileSync(
      join(dir, "setup.py"),
      'import os\nfrom setuptools import setup\nsetup(name="setpkg", version="1.0", install_requires=os.environ["DEPS"].split())\n',
    );
    const plan = planMigration(collectMigrationInput(dir).input);
    expect(plan.review.some((r) => r.startsWith("setup.py:3: install_requires is computed"))).toBe(true);
    // Left to setup.py, which still computes it: named in `dynamic`, never written as a guess.
    expect(pyprojectOf(plan).project.dependencies).toBeUndefined();
    expect(pyprojectOf(plan).project.dynamic).toContain("dependencies");
    expect(pyprojectOf(plan).project.dynamic).not.toContain("version");
    // setup.py still has work to do: it is not offered for removal.
    expect(plan.oldFiles).not.toContain("setup.py");
  });

  it("pip: git requirement → [tool.uv.sources], constraints kept as constraints, dev file → group", () => {
    const dir = copy("pip");
    const requirements = join(dir, "requirements.txt");
    writeFileSync(
      requirements,
      readFileSync(requirements, "utf8").replace("{{GIT_REPO}}", "/srv/git/tinygit"),
    );
    const plan = planMigration(collectMigrationInput(dir).input);
    const doc = pyprojectOf(plan);
    const uv = (doc.tool as Record<string, Record<string, unknown>>).uv;
    expect(doc.project.dependencies).toEqual(["six==1.16.0", "idna>=3.4,<4", "tinygit"]);
    expect(uv?.["constraint-dependencies"]).toEqual(["idna==3.6"]);
    expect(uv?.sources).toEqual({ tinygit: { git: "file:///srv/git/tinygit", rev: "v0.1.0" } });
    expect(doc["dependency-groups"]).toEqual({
      dev: ["attrs==23.1.0", 'packaging==23.2; python_version >= "3.8"'],
    });
  });

  it("never writes credentials: index URLs lose them and the note names the variables", () => {
    const dir = copy("pip");
    writeFileSync(
      join(dir, "requirements.txt"),
      "--index-url https://alice:s3cret@pkgs.example.org/simple\nsix==1.16.0\n",
    );
    const plan = planMigration(collectMigrationInput(dir).input);
    const text = plan.changes.find((c) => c.path === "pyproject.toml")!.after;
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain("alice");
    expect(text).not.toContain("****");
    expect(pyprojectOf(plan).tool).toMatchObject({
      uv: { index: [{ name: "pkgs.example.org", url: "https://pkgs.example.org/simple", default: true }] },
    });
    expect(plan.notes.join("\n")).toMatch(/UV_INDEX_PKGS_EXAMPLE_ORG_PASSWORD/);
  });

  it("--from overrides detection; a project already on [project] is refused with a hint", () => {
    expect(planFor("setuptools", "pip").source).toBe("pip");
    expect(() => planFor("setuptools", "pipenv")).toThrow(/no pipenv manifest/);
    const dir = mkdtempSync(join(tmpdir(), "dhtl-migrate-plan-pep621-"));
    writeFileSync(join(dir, "pyproject.toml"), '[project]\nname = "x"\nversion = "1"\n');
    expect(() => planMigration(collectMigrationInput(dir).input)).toThrow(DhtlError);
  });
});

describe("planMigration: setup.py projects as the bench met them (issue 14)", () => {
  /** A project written on the fly: file name → text. */
  function planOf(files: Record<string, string>): MigrationPlan {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-migrate-plan-bench-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return planMigration(collectMigrationInput(dir).input);
  }

  it("a range allowing Python 2 locks for Python 3 only; older Pythons build from setup.py alone", () => {
    const plan = planOf({
      "setup.py":
        'from setuptools import setup\nsetup(name="legacy", version="1.0", python_requires=">=2.6, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*")\n',
    });
    const doc = pyprojectOf(plan);
    expect(doc.tool).toMatchObject({ uv: { environments: ["python_full_version >= '3.4'"] } });
    expect(plan.build.requires).toEqual([
      'setuptools>=61; python_version >= "3.7"',
      'setuptools; python_version < "3.7"',
    ]);
  });

  it("requirements.txt beside setup.py keeps what it adds (test tools) in a default group; its own pins only as a lock", () => {
    const plan = planOf({
      "setup.py":
        'from setuptools import setup\nsetup(name="web", version="0.1", install_requires=["attrs"], python_requires=">=3.8")\n',
      "requirements.txt": "attrs==23.1.0\npytest\nrequests\n",
    });
    const doc = pyprojectOf(plan);
    expect(doc.project.dependencies).toEqual(["attrs"]);
    expect(doc["dependency-groups"]).toEqual({ requirements: ["pytest", "requests"] });
    expect(doc.tool).toMatchObject({ uv: { "default-groups": ["requirements"] } });
    expect(plan.oldLock.map((p) => `${p.name}==${p.version}`)).toEqual(["attrs==23.1.0"]);
    expect(plan.build.requires).toEqual(["setuptools>=61"]);
  });

  it("an extra holding the test runner goes in the dev group; marker keys of extras_require stay setup.py's", () => {
    const plan = planOf({
      "setup.py": [
        "from setuptools import setup",
        'setup(name="lib", version="2.0", python_requires=">=3.8",',
        '      extras_require={"tests": ["pytest"], \'python_version == "3.0"\': ["argparse"]})',
        "",
      ].join("\n"),
    });
    const doc = pyprojectOf(plan);
    expect(doc["dependency-groups"]).toEqual({ dev: ["lib[tests]"] });
    expect(doc.project["optional-dependencies"]).toBeUndefined();
    expect(doc.project.dynamic).toEqual(["optional-dependencies"]);
  });

  it("tox's [testenv] deps go to the dev group when no group holds a test runner: -r files read, other factors, substitutions and the project left out", () => {
    const setup = 'from setuptools import setup\nsetup(name="Click", version="7.1", packages=["click"])\n';
    const toxIni = [
      "[tox]",
      "envlist = py{37,36}, lowest",
      "",
      "[testenv]",
      "deps =",
      "    -r ci/test-deps.pip",
      "    colorama",
      "    lowest: pytest==3.0",
      "    {env:EXTRA_DEP}",
      "    -e .",
      "    click",
      "commands = pytest {posargs}",
      "",
    ].join("\n");
    const dir = mkdtempSync(join(tmpdir(), "dhtl-migrate-plan-tox-"));
    writeFileSync(join(dir, "setup.py"), setup);
    writeFileSync(join(dir, "tox.ini"), toxIni);
    mkdirSync(join(dir, "ci"));
    writeFileSync(join(dir, "ci", "test-deps.pip"), "pytest>=3\ncoverage\n");
    const plan = planMigration(collectMigrationInput(dir).input);
    expect(pyprojectOf(plan)["dependency-groups"]).toEqual({ dev: ["pytest>=3", "coverage", "colorama"] });
    expect(plan.notes.join("\n")).toContain(
      'tox.ini [testenv] deps (pytest, coverage, colorama) went to the group "dev"',
    );

    // A group that already holds the test runner is the project's own answer: tox's list stays tox's.
    writeFileSync(join(dir, "requirements-dev.txt"), "pytest\n");
    const own = planMigration(collectMigrationInput(dir).input);
    expect(JSON.stringify(pyprojectOf(own)["dependency-groups"])).not.toContain("colorama");
  });

  it("a setuptools package whose range allows Python 3.6 builds through the in-tree backend (editable there); others keep setuptools.build_meta", () => {
    const setup = (range: string) =>
      `from setuptools import setup\nsetup(name="web", version="1.0", python_requires="${range}")\n`;
    const old = planOf({ "setup.py": setup(">=2.7, !=3.0.*"), "MANIFEST.in": "include README.rst\n" });
    const doc = pyprojectOf(old);
    expect(doc["build-system"]).toMatchObject({
      "build-backend": "setuptools_pep660",
      "backend-path": ["_build_backend"],
    });
    const files = Object.fromEntries(old.changes.map((c) => [c.path, c]));
    expect(files["_build_backend/setuptools_pep660.py"]?.after).toContain("_backend = build_meta\n");
    // Appended to the project's own MANIFEST.in, so the sdist carries the module.
    expect(files["MANIFEST.in"]).toMatchObject({
      before: "include README.rst\n",
      after: "include README.rst\ninclude _build_backend/setuptools_pep660.py\n",
    });
    const modern = planOf({ "setup.py": setup(">=3.7") });
    expect(pyprojectOf(modern)["build-system"]).toMatchObject({ "build-backend": "setuptools.build_meta" });
    expect(modern.changes.map((c) => c.path)).toEqual(["pyproject.toml"]);
  });

  it("never pins the project itself from an old lock", () => {
    const plan = planOf({
      "setup.py": 'from setuptools import setup\nsetup(name="requests", version="2.19.1")\n',
      Pipfile: '[packages]\n"e1839a8" = {path = ".", editable = true}\n[dev-packages]\ncodecov = "*"\n',
    });
    const pins = [
      { name: "requests", version: "2.19.1", file: "Pipfile.lock" },
      { name: "codecov", version: "2.0.15", file: "Pipfile.lock" },
    ];
    expect(pinsWorthKeeping(pins, plan.project).map((p) => p.name)).toEqual(["codecov"]);
    expect(plan.review.some((r) => r.includes("local path ."))).toBe(false);
  });
});
