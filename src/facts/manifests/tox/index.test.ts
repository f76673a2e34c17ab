import { describe, expect, it } from "vitest";
import { testProjects } from "../test-context.js";
import { appliesToDefaultEnvironment, toxReader } from "./index.js";

const newProject = testProjects();

function read(files: Record<string, string>, path: string) {
  const project = newProject(files);
  return toxReader.read(project.source(path), project.ctx);
}

describe("tox's test environment", () => {
  it("reads [testenv] deps as the group tox, leaving out lines for other factors (flask 2018)", () => {
    const [manifest] = read(
      {
        "tox.ini": [
          "[tox]",
          "envlist = py{36,27}, py36-lowest",
          "",
          "[testenv]",
          "deps =",
          "    pytest>=3",
          "    coverage  # measured in CI",
          "    lowest: Werkzeug==0.14",
          "    devel: https://github.com/pallets/werkzeug/archive/master.tar.gz",
          "    !lowest: blinker",
          "    -r{toxinidir}/requirements-test.txt",
          "commands = coverage run -p -m pytest {posargs}",
          "",
        ].join("\n"),
        "requirements-test.txt": "greenlet\n",
      },
      "tox.ini",
    );
    expect(manifest?.kind).toBe("tox");
    expect(manifest?.dependencyGroups.tox?.map((dep) => [dep.requirement, dep.file, dep.line])).toEqual([
      ["pytest>=3", "tox.ini", 6],
      ["coverage", "tox.ini", 7],
      ["blinker", "tox.ini", 10],
      ["greenlet", "requirements-test.txt", 1],
    ]);
    expect(manifest?.diagnostics.map((d) => [d.severity, d.line])).toEqual([
      ["info", 8],
      ["info", 9],
    ]);
    expect(manifest?.dependencies).toEqual([]);
  });

  it("reads `extras =` (not when the package is not installed) and `-e .[test]` as extras of the dev workflow", () => {
    const [manifest] = read(
      { "tox.ini": "[testenv]\nextras =\n    test\n    docs\ndeps = -e .[cli]\n" },
      "tox.ini",
    );
    expect(manifest?.devExtras?.map((extra) => [extra.extra, extra.line, extra.how])).toEqual([
      ["cli", 5, "-e .[cli]"],
      ["test", 2, "[testenv] extras = test, docs"],
      ["docs", 2, "[testenv] extras = test, docs"],
    ]);
    const [skipped] = read(
      { "tox.ini": "[testenv]\nskip_install = true\nextras = test\ndeps = ruff\n" },
      "tox.ini",
    );
    expect(skipped?.devExtras ?? []).toEqual([]);
  });

  it("follows {[section]key} references and falls back to a test environment when [testenv] lists none", () => {
    const [manifest] = read(
      {
        "tox.ini":
          "[base]\ndeps = pytest\n[testenv]\npassenv = LANG\n[testenv:py]\ndeps =\n    {[base]deps}\n    mock\n",
      },
      "tox.ini",
    );
    expect(manifest?.dependencyGroups.tox?.map((dep) => dep.requirement)).toEqual(["pytest", "mock"]);
  });

  it("reads setup.cfg only beside [tox:tox], and pyproject's legacy_tox_ini and env_run_base", () => {
    expect(read({ "setup.cfg": "[testenv]\ndeps = pytest\n" }, "setup.cfg")).toEqual([]);
    const [cfg] = read({ "setup.cfg": "[tox:tox]\nenvlist = py3\n[testenv]\ndeps = pytest\n" }, "setup.cfg");
    expect(cfg?.dependencyGroups.tox?.map((dep) => [dep.requirement, dep.line])).toEqual([["pytest", 4]]);
    const [legacy] = read(
      {
        "pyproject.toml":
          '[project]\nname = "x"\n[tool.tox]\nlegacy_tox_ini = """\n[testenv]\ndeps = pytest\n"""\n',
      },
      "pyproject.toml",
    );
    expect(legacy?.dependencyGroups.tox?.map((dep) => [dep.requirement, dep.line])).toEqual([["pytest", 6]]);
    const [native] = read(
      { "pyproject.toml": '[tool.tox.env_run_base]\ndeps = ["pytest>=8"]\nextras = ["test"]\n' },
      "pyproject.toml",
    );
    expect(native?.dependencyGroups.tox?.map((dep) => dep.requirement)).toEqual(["pytest>=8"]);
    expect(native?.devExtras?.map((extra) => extra.extra)).toEqual(["test"]);
    expect(read({ "pyproject.toml": '[project]\nname = "x"\n' }, "pyproject.toml")).toEqual([]);
  });

  it("never stops a setup: a broken tox.ini or a bad line is a warning", () => {
    const [broken] = read({ "tox.ini": "[testenv]\ndeps = pytest\ndeps = again\n" }, "tox.ini");
    expect(broken?.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
    expect(broken?.diagnostics[0]?.message).toContain("tox configuration not read");
    const [badLine] = read(
      { "tox.ini": "[testenv]\ndeps =\n    pytest\n    not a requirement!\n" },
      "tox.ini",
    );
    expect(badLine?.dependencyGroups.tox?.map((dep) => dep.requirement)).toEqual(["pytest"]);
    expect(badLine?.diagnostics.every((d) => d.severity !== "error")).toBe(true);
    const [missing] = read({ "tox.ini": "[testenv]\ndeps = -r missing.txt\n" }, "tox.ini");
    expect(missing?.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
  });

  it("evaluates factor conditions for the default environment", () => {
    expect(appliesToDefaultEnvironment("lowest")).toBe(false);
    expect(appliesToDefaultEnvironment("py27,lowest")).toBe(false);
    expect(appliesToDefaultEnvironment("!lowest")).toBe(true);
    expect(appliesToDefaultEnvironment("!lowest-!devel")).toBe(true);
    expect(appliesToDefaultEnvironment("py3-!devel")).toBe(false);
    expect(appliesToDefaultEnvironment("lowest,!devel")).toBe(true);
  });
});
