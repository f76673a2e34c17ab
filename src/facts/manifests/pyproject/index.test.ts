import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DhtlError } from "../../../core/errors.js";
import { run } from "../../../core/exec.js";
import { testProjects } from "../test-context.js";
import type { Dependency, ManifestFacts } from "../types.js";
import { pyprojectReader } from "./index.js";

const FIXTURES = join(import.meta.dirname, "__fixtures__");
const newProject = testProjects();

function readFixture(name: string): ManifestFacts {
  const project = newProject({}, join(FIXTURES, name));
  const [manifest] = pyprojectReader.read(project.source("pyproject.toml"), project.ctx);
  if (!manifest) throw new Error("no manifest");
  return manifest;
}

function readText(text: string, extra: Record<string, string> = {}): ManifestFacts {
  const project = newProject({ "pyproject.toml": text, ...extra });
  const [manifest] = pyprojectReader.read(project.source("pyproject.toml"), project.ctx);
  if (!manifest) throw new Error("no manifest");
  return manifest;
}

function errorOf(fn: () => unknown): DhtlError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DhtlError) return error;
    throw error;
  }
  throw new Error("expected a DhtlError");
}

const reqs = (deps: Dependency[] | undefined) => (deps ?? []).map((d) => d.requirement);
const at = (deps: Dependency[] | undefined) =>
  (deps ?? []).map((d) => `${d.requirement} @${d.file}:${d.line}`);

describe("pyproject.toml: PEP 621 and PEP 735", () => {
  it("reads [project], flattens include-group and keeps lines", () => {
    const m = readFixture("pep621");
    expect(m.kind).toBe("pyproject:pep621+dependency-groups+build-system");
    expect(m.name).toEqual({ value: "demo-app", file: "pyproject.toml" });
    expect(m.version?.value).toBe("1.4.0");
    expect(m.dynamic).toEqual(["readme"]);
    expect(at(m.dependencies)).toEqual([
      "requests[socks]>=2.31 @pyproject.toml:11",
      "click>=8; python_version >= '3.9' @pyproject.toml:12",
    ]);
    expect(reqs(m.optionalDependencies.yaml)).toEqual(["PyYAML>=6"]);
    expect(reqs(m.dependencyGroups.lint)).toEqual(["ruff==0.6.9"]);
    expect(reqs(m.dependencyGroups.test)).toEqual(["pytest>=8", "ruff==0.6.9"]);
    expect(reqs(m.dependencyGroups.dev)).toEqual(["pytest>=8", "ruff==0.6.9", "ipython"]);
    expect(m.python).toEqual([
      { source: "requires-python", file: "pyproject.toml", line: 8, value: ">=3.9" },
    ]);
    expect(m.scripts).toEqual({ demo: "demo_app.cli:main" });
    expect(m.details.pyproject?.entryPoints).toEqual({ "demo.plugins": { basic: "demo_app.plugins:basic" } });
    expect(m.buildSystem).toEqual({
      backend: "hatchling.build",
      requires: ["hatchling>=1.18"],
      file: "pyproject.toml",
    });
    expect(m.packageManager).toBe("hatch");
    expect(m.diagnostics).toEqual([]);
  });

  it("keeps an in-tree backend's backend-path folders, root-relative (yarl)", () => {
    const m = readText(
      '[build-system]\nrequires = ["setuptools", "expandvars"]\nbuild-backend = "pep517_backend.hooks"\nbackend-path = ["./packaging/", 3]\n',
    );
    expect(m.buildSystem?.backendPath).toEqual(["packaging"]);
  });

  it("reports a non-string or invalid dependency as a diagnostic on its line and keeps the rest", () => {
    const m = readText('[project]\nname = "x"\ndependencies = [\n  "ok>=1",\n  42,\n  "bad name!!",\n]\n');
    expect(reqs(m.dependencies)).toEqual(["ok>=1"]);
    expect(m.diagnostics.map((d) => [d.severity, d.line])).toEqual([
      ["error", 5],
      ["error", 6],
    ]);
    expect(m.diagnostics[0]?.message).toContain("expected a requirement string, got number 42");
  });

  it("masks credentials in direct-reference URLs but keeps ssh user names", () => {
    const m = readText(
      '[project]\nname = "x"\ndependencies = [\n  "priv @ git+https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/o/priv.git",\n  "other @ git+ssh://git@github.com/o/other.git",\n]\n',
    );
    expect(reqs(m.dependencies)).toEqual([
      "priv @ git+https://****@github.com/o/priv.git",
      "other @ git+ssh://git@github.com/o/other.git",
    ]);
    expect(JSON.stringify(m)).not.toContain("ghp_");
  });

  it("reports a field that is both static and dynamic", () => {
    const m = readText('[project]\nname = "x"\nversion = "1"\ndynamic = ["version"]\n');
    expect(m.diagnostics).toEqual([
      {
        file: "pyproject.toml",
        line: 4,
        severity: "error",
        message: "project.version is set and also listed in project.dynamic",
      },
    ]);
  });

  it("rejects an include-group cycle, naming the group", () => {
    const error = errorOf(() =>
      readText('[dependency-groups]\na = ["x", {include-group = "b"}]\nb = [{include-group = "A"}]\n'),
    );
    expect(error.code).toBe("badInput");
    expect(error.file).toBe("pyproject.toml");
    expect(error.message).toMatch(/dependency group 'a' includes itself \(a → b → a\)/);
    expect(error.line).toBe(2);
  });

  it("rejects an include of a group that does not exist", () => {
    const error = errorOf(() => readText('[dependency-groups]\ndev = [{include-group = "nope"}]\n'));
    expect(error.message).toContain("unknown group 'nope'");
    expect(error.line).toBe(2);
  });

  it("rejects malformed TOML with the file and line", () => {
    const error = errorOf(() => readText('[project]\nname = "x"\ndependencies = ["a",\n[tool.x]\n'));
    expect(error).toBeInstanceOf(DhtlError);
    expect(error.code).toBe("badInput");
    expect(error.file).toBe("pyproject.toml");
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^invalid TOML: /);
    expect(error.exitCode).toBe(2);
  });
});

describe("pyproject.toml: Poetry", () => {
  it("converts Poetry 1.x constraints, tables, markers, extras, groups and sources to PEP 508", () => {
    const m = readFixture("poetry1");
    expect(m.kind).toBe("pyproject:poetry+build-system");
    expect(m.name?.value).toBe("legacy-service");
    expect(m.version?.value).toBe("0.3.1");
    expect(reqs(m.dependencies)).toEqual([
      "requests>=2.28.1,<3.0.0",
      "attrs>=21.4,<21.5",
      "six",
      "pendulum==2.1.2",
      "urllib3>=1.26",
      'numpy<1.25; python_version < "3.9"',
      'numpy>=1.26,<2.0; python_version >= "3.9"',
      "uvloop>=0.19,<0.20; sys_platform == \"linux\" and implementation_name == 'cpython'",
      "mylib @ git+https://github.com/example/mylib.git@v1.2.0",
      "localpkg",
      "httpx[http2]>=0.27,<0.28",
    ]);
    expect(m.dependencies.find((d) => d.requirement === "localpkg")).toMatchObject({
      editable: true,
      line: 21,
    });
    expect(m.details.pyproject?.sources).toEqual({
      mylib: { git: "https://github.com/example/mylib.git", tag: "v1.2.0" },
      localpkg: { path: "../localpkg", editable: true },
      httpx: { index: "internal" },
    });
    expect(reqs(m.optionalDependencies.postgres)).toEqual(["psycopg2>=2.9,<3.0"]);
    expect(reqs(m.dependencyGroups.dev)).toEqual(["pytest>=7.4,<8.0"]);
    expect(reqs(m.dependencyGroups.docs)).toEqual(["sphinx>=7.0,<8.0"]);
    expect(m.details.pyproject?.poetryOptionalGroups).toEqual(["docs"]);
    expect(m.python).toEqual([
      { source: "tool.poetry.dependencies.python", file: "pyproject.toml", line: 8, value: "^3.8" },
    ]);
    expect(m.details.pyproject?.poetryPythonPep440).toBe(">=3.8,<4.0");
    // Credentials in a source URL never reach the facts.
    expect(m.indexes).toEqual([
      {
        name: "internal",
        url: "https://deploy:****@pypi.internal.example/simple",
        file: "pyproject.toml",
        kind: "extra",
      },
    ]);
    expect(JSON.stringify(m)).not.toContain("s3cret");
    expect(m.scripts).toEqual({ legacy: "legacy_service.main:run" });
    expect(m.packageManager).toBe("poetry");
    expect(m.diagnostics).toEqual([
      {
        file: "pyproject.toml",
        line: 13,
        severity: "review",
        message: expect.stringContaining("union") as unknown as string,
      },
    ]);
  });

  it("reads Poetry 2.x: [project] wins, [tool.poetry] adds groups and sources without duplicating", () => {
    const m = readFixture("poetry2");
    expect(m.kind).toBe("pyproject:pep621+poetry+build-system");
    expect(reqs(m.dependencies)).toEqual(["fastapi>=0.110"]);
    expect(reqs(m.optionalDependencies.cli)).toEqual(["typer>=0.12"]);
    expect(reqs(m.dependencyGroups.test)).toEqual(["pytest>=8.0,<9.0"]);
    expect(m.indexes[0]).toMatchObject({ name: "internal", kind: "explicit" });
    expect(m.details.pyproject?.sources).toEqual({ fastapi: { index: "internal" } });
    expect(m.packageManager).toBe("poetry");
  });
});

describe("pyproject.toml: PDM, uv, Hatch, Flit, setuptools", () => {
  it("reads PDM dev-dependencies as groups and its sources", () => {
    const m = readFixture("pdm");
    expect(m.kind).toBe("pyproject:pep621+pdm");
    expect(reqs(m.dependencyGroups.test)).toEqual(["pytest>=8"]);
    expect(reqs(m.dependencyGroups.lint)).toEqual(["mypy"]);
    expect(m.diagnostics.map((d) => [d.severity, d.line])).toEqual([["review", 8]]);
    expect(m.indexes).toEqual([
      { name: "private", url: "https://pkgs.example.com/simple", file: "pyproject.toml", kind: "extra" },
    ]);
    expect(m.packageManager).toBe("pdm");
  });

  it("reads uv dev-dependencies, sources, indexes, constraints and overrides", () => {
    const m = readFixture("uv");
    expect(reqs(m.dependencies)).toEqual(["httpx", "internal-lib"]);
    expect(reqs(m.dependencyGroups.dev)).toEqual(["pytest>=8", "ruff"]);
    expect(reqs(m.constraints)).toEqual(["urllib3<3"]);
    expect(m.details.pyproject?.overrideDependencies).toEqual(["idna==3.7"]);
    expect(m.details.pyproject?.sources).toEqual({
      "internal-lib": { git: "https://ci:****@github.com/example/internal-lib", rev: "abc123" },
    });
    expect(m.indexes).toEqual([
      {
        name: "pytorch",
        url: "https://download.pytorch.org/whl/cpu",
        file: "pyproject.toml",
        kind: "explicit",
      },
    ]);
    expect(m.packageManager).toBe("uv");
  });

  it("reads Hatch envs, metadata and a version from the file [tool.hatch.version] names", () => {
    const m = readFixture("hatch");
    expect(m.version).toEqual({ value: "3.2.1", file: "src/hatch_proj/__about__.py" });
    expect(m.details.pyproject?.hatchEnvs).toEqual({
      default: { dependencies: ["coverage[toml]>=6.5", "pytest"], features: ["docs"] },
    });
    expect(m.details.pyproject?.hatchAllowDirectReferences).toBe(true);
    expect(m.includedFiles).toEqual(["src/hatch_proj/__about__.py"]);
    expect(m.packageManager).toBe("hatch");
  });

  it("reads Flit's old [tool.flit.metadata]", () => {
    const m = readFixture("flit-old");
    expect(m.name?.value).toBe("flitpkg");
    expect(m.version?.value).toBe("0.9.2");
    expect(reqs(m.dependencies)).toEqual(["docutils", "requests >=2.0"]);
    expect(reqs(m.optionalDependencies.test)).toEqual(["pytest >=2.7.3", "pytest-cov"]);
    expect(m.python[0]).toMatchObject({ source: "requires-python", value: ">=3.6", line: 9 });
    expect(m.scripts).toEqual({ flitpkg: "flitpkg:main" });
    expect(m.packageManager).toBe("flit");
  });

  it("reads setuptools dynamic dependencies from requirement files and the version attr", () => {
    const m = readFixture("setuptools-dynamic");
    expect(at(m.dependencies)).toEqual([
      "numpy>=1.26 @requirements.txt:2",
      'pandas>=2.1 ; python_version >= "3.9" @requirements.txt:3',
    ]);
    expect(at(m.optionalDependencies.dev)).toEqual([
      "pytest @requirements/dev.txt:1",
      "black==24.3.0 @requirements/dev.txt:2",
    ]);
    expect(m.version).toEqual({ value: "5.0.1", file: "src/dynpkg/__init__.py" });
    expect(m.includedFiles).toEqual(["requirements.txt", "requirements/dev.txt", "src/dynpkg/__init__.py"]);
    expect(m.packageManager).toBe("setuptools");
  });

  it("turns a missing dynamic requirements file into a diagnostic, not a crash", () => {
    const m = readText(
      '[project]\nname = "x"\ndynamic = ["dependencies"]\n[tool.setuptools.dynamic]\ndependencies = {file = ["nope.txt"]}\n',
    );
    expect(m.dependencies).toEqual([]);
    expect(m.diagnostics).toMatchObject([{ severity: "error", line: 5 }]);
    expect(m.diagnostics[0]?.message).toContain("nope.txt");
  });

  it("reports projects that uv or Poetry will not install as packages", () => {
    expect(readText("[tool.uv]\npackage = false\n").details.pyproject?.package).toBe(false);
    expect(readText('[tool.poetry]\npackage-mode = false\nname = "x"\n').details.pyproject?.package).toBe(
      false,
    );
    expect(readText('[project]\nname = "x"\n').details.pyproject?.package).toBeUndefined();
  });

  it("prefers the lock file beside pyproject.toml when naming the package manager", () => {
    expect(readText('[project]\nname = "x"\n[tool.poetry]\n', { "uv.lock": "" }).packageManager).toBe("uv");
    expect(readText('[project]\nname = "x"\n').packageManager).toBeNull();
  });
});

describe("pyproject.toml: every requirement produced is valid PEP 508", () => {
  it("is accepted by Python's packaging library", async () => {
    const all = [
      "pep621",
      "poetry1",
      "poetry2",
      "pdm",
      "uv",
      "hatch",
      "flit-old",
      "setuptools-dynamic",
    ].flatMap((f) => {
      const m = readFixture(f);
      return [
        ...m.dependencies,
        ...Object.values(m.optionalDependencies).flat(),
        ...Object.values(m.dependencyGroups).flat(),
        ...m.constraints,
      ].map((d) => d.requirement);
    });
    const script = [
      "import json, sys",
      "from pip._vendor.packaging.requirements import Requirement",
      "print(json.dumps([str(Requirement(r)) for r in json.load(sys.stdin)]))",
    ].join("\n");
    const result = await run("python3", ["-c", script], { input: JSON.stringify(all) });
    expect(result.stderr).toBe("");
    expect((JSON.parse(result.stdout) as string[]).length).toBe(all.length);
  });
});
