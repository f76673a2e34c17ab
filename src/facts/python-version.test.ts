import { describe, expect, test } from "vitest";
import type { PythonVersionSource } from "./manifests/types.js";
import {
  parseCondaSpec,
  parsePinName,
  parsePipfileVersion,
  parsePoetryPython,
  resolvePythonVersion,
  supportedPythonRange,
} from "./python-version.js";

const pythonVersion = (value: string): PythonVersionSource => ({
  source: ".python-version",
  file: ".python-version",
  line: 1,
  value,
});
const runtimeTxt = (value: string): PythonVersionSource => ({
  source: "runtime.txt",
  file: "runtime.txt",
  line: 1,
  value,
});
const toolVersions = (value: string): PythonVersionSource => ({
  source: ".tool-versions",
  file: ".tool-versions",
  line: 2,
  value,
});
const mise = (value: string): PythonVersionSource => ({ source: "mise", file: "mise.toml", line: 3, value });
const conda = (value: string): PythonVersionSource => ({
  source: "environment.yml python",
  file: "environment.yml",
  line: 4,
  value,
});
const pipfile = (value: string): PythonVersionSource => ({
  source: "Pipfile requires.python_version",
  file: "Pipfile",
  line: 9,
  value,
});
const requiresPython = (value: string): PythonVersionSource => ({
  source: "requires-python",
  file: "pyproject.toml",
  line: 5,
  value,
});
const pythonRequires = (value: string): PythonVersionSource => ({
  source: "python_requires",
  file: "setup.cfg",
  line: 7,
  value,
});
const poetry = (value: string): PythonVersionSource => ({
  source: "tool.poetry.dependencies.python",
  file: "pyproject.toml",
  line: 12,
  value,
});

describe("reading each dialect", () => {
  test.each([
    ["3.12", { kind: "minor", value: "3.12" }],
    ["3.12.1", { kind: "exact", value: "3.12.1" }],
    ["python-3.12.1", { kind: "exact", value: "3.12.1" }],
    ["cpython@3.12", { kind: "minor", value: "3.12" }],
    ["cpython-3.12.1-linux-x86_64-gnu", { kind: "exact", value: "3.12.1" }],
    ["3.13.0rc1", { kind: "exact", value: "3.13.0rc1" }],
    ["3.13t", { kind: "minor", value: "3.13", note: "free-threaded build" }],
    ["3.14-dev", { kind: "minor", value: "3.14", note: "development build" }],
    ["pypy3.10-7.3.15", { kind: "minor", value: "3.10", implementation: "pypy", note: "PyPy 7.3.15" }],
    ["3", { kind: "range", value: "==3.*", alternatives: ["==3.*"] }],
    [">=3.11", { kind: "range", value: ">=3.11", alternatives: [">=3.11"] }],
  ])("pin name %s", (written, expected) => {
    expect(parsePinName(written)).toEqual(expected);
  });

  test.each(["system", "latest", "my-venv", "miniconda3-latest", "ref:v3.12.0", ""])(
    "pin name %j states no version",
    (w) => {
      expect(parsePinName(w).kind).toBe("unusable");
    },
  );

  test.each([
    ["python=3.11", { kind: "minor", value: "3.11" }],
    ["=3.11", { kind: "minor", value: "3.11" }],
    ["python 3.11.*", { kind: "minor", value: "3.11" }],
    ["python==3.11.4", { kind: "exact", value: "3.11.4" }],
    ["python=3.11.4=h955ad1f_0", { kind: "exact", value: "3.11.4" }],
    ["python>=3.9,<3.12", { kind: "range", value: ">=3.9,<3.12", alternatives: [">=3.9,<3.12"] }],
    ["python 3.10|3.11", { kind: "range", value: ">=3.10,<3.12", alternatives: ["==3.10.*", "==3.11.*"] }],
  ])("conda %s", (written, expected) => {
    expect(parseCondaSpec(written)).toEqual(expected);
  });

  test.each([
    ["3.11", { kind: "minor", value: "3.11" }],
    ["3.11.4", { kind: "exact", value: "3.11.4" }],
    ["3", { kind: "range", value: "==3.*", alternatives: ["==3.*"] }],
    [">=3.9", { kind: "range", value: ">=3.9", alternatives: [">=3.9"] }],
  ])("Pipfile %s", (written, expected) => {
    expect(parsePipfileVersion(written)).toEqual(expected);
  });

  test.each([
    ["^3.10", ">=3.10,<4.0"],
    ["~3.10", ">=3.10,<3.11"],
    ["~3.10.2", ">=3.10.2,<3.11.0"],
    ["3.10", "==3.10.*"],
    [">=3.8 <4", ">=3.8,<4"],
    ["^2.7 || ^3.6", ">=2.7,<4.0,!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,!=3.4.*,!=3.5.*"],
  ])("Poetry %s → %s", (written, pep440) => {
    const statement = parsePoetryPython(written);
    expect(statement.kind).toBe("range");
    if (statement.kind === "range") expect(statement.value).toBe(pep440);
  });

  test("Poetry `*` allows any Python: no statement", () => {
    expect(parsePoetryPython("*").kind).toBe("unusable");
  });
});

describe("precedence", () => {
  const all = [
    requiresPython(">=3.9"),
    poetry("^3.9"),
    pipfile("3.11"),
    conda("python=3.11"),
    mise("3.11.8"),
    toolVersions("3.11.7"),
    runtimeTxt("python-3.11.6"),
    pythonVersion("3.11.5"),
  ];

  test.each([
    [".python-version", "3.11.5", "exact", true],
    ["runtime.txt", "3.11.6", "exact", true],
    [".tool-versions", "3.11.7", "exact", false],
    ["mise", "3.11.8", "exact", true],
    ["environment.yml python", "3.11", "minor", false],
    ["Pipfile requires.python_version", "3.11", "minor", true],
  ])("%s wins over everything below it", (source, value, kind, aloneInItsTier) => {
    const remaining = all.slice(0, all.findIndex((c) => c.source === source) + 1);
    const { chosen } = resolvePythonVersion(remaining);
    expect(chosen).toMatchObject({ source, value, kind });
    // Same file for all and the winner last by line: only the precedence rule can pick it. (.tool-versions and
    // mise share a tier, as do conda and Pipfile: between those the file name decides.)
    if (!aloneInItsTier) return;
    const anonymous = remaining.map((c, index) => ({ ...c, file: "same", line: index }));
    expect(resolvePythonVersion(anonymous).chosen).toMatchObject({ source, value, kind });
  });

  test("the reason names the pin, what it overrides and the ranges it satisfies", () => {
    const facts = resolvePythonVersion([
      requiresPython(">=3.9"),
      pythonVersion("3.11.7"),
      runtimeTxt("python-3.11.7"),
    ]);
    expect(facts.chosen).toEqual({
      value: "3.11.7",
      kind: "exact",
      source: ".python-version",
      file: ".python-version",
      reason:
        "exact pin in .python-version; takes precedence over runtime.txt python-3.11.7; satisfies requires-python >=3.9 (pyproject.toml)",
    });
    expect(facts.conflicts).toEqual([]);
  });

  test("PyPy pins carry their implementation", () => {
    const { chosen } = resolvePythonVersion([pythonVersion("pypy3.10-7.3.15")]);
    expect(chosen).toMatchObject({ value: "3.10", kind: "minor", implementation: "pypy" });
    expect(chosen?.reason).toBe("minor-version pin in .python-version (PyPy 7.3.15)");
  });

  test("only ranges: their intersection, simplified, for setup to match against installed interpreters", () => {
    const facts = resolvePythonVersion([poetry("^3.10"), requiresPython(">=3.9")]);
    expect(facts.chosen).toEqual({
      value: ">=3.10,<4.0",
      kind: "range",
      source: "requires-python",
      file: "pyproject.toml",
      reason:
        "only ranges are stated; all of them hold together: requires-python >=3.9 (pyproject.toml), tool.poetry.dependencies.python ^3.10 (pyproject.toml)",
    });
  });

  test("a single range is chosen as written (normalised)", () => {
    const { chosen } = resolvePythonVersion([pythonRequires(">= 3.8, < 3.13")]);
    expect(chosen).toMatchObject({ value: ">=3.8,<3.13", kind: "range", source: "python_requires" });
    expect(chosen?.reason).toBe("only a range is stated: python_requires >= 3.8, < 3.13 (setup.cfg)");
  });

  test("no statement at all: nothing chosen", () => {
    expect(resolvePythonVersion([])).toEqual({ candidates: [], chosen: null, conflicts: [], ignored: [] });
  });
});

describe("conflicts", () => {
  test("a pin outside a range", () => {
    const facts = resolvePythonVersion([requiresPython(">=3.9"), pythonVersion("3.8")]);
    expect(facts.conflicts).toEqual([
      ".python-version 3.8 does not satisfy requires-python >=3.9 (pyproject.toml)",
    ]);
    expect(facts.chosen?.value).toBe("3.8");
    expect(facts.chosen?.reason).toContain("does not satisfy requires-python >=3.9 (pyproject.toml)");
  });

  test("an exact pin is checked at its patch level, a minor pin by any of its patches", () => {
    expect(resolvePythonVersion([requiresPython(">=3.8.10"), pythonVersion("3.8.9")]).conflicts).toHaveLength(
      1,
    );
    expect(resolvePythonVersion([requiresPython(">=3.8.10"), pythonVersion("3.8")]).conflicts).toEqual([]);
    expect(
      resolvePythonVersion([requiresPython("<3.13"), pythonVersion("3.13.0rc1")]).conflicts,
    ).toHaveLength(1);
  });

  test("two pins that differ; a minor and an exact pin of the same series agree", () => {
    const facts = resolvePythonVersion([
      pythonVersion("3.11"),
      runtimeTxt("python-3.12.1"),
      toolVersions("3.11.7"),
    ]);
    expect(facts.conflicts).toEqual([
      ".python-version 3.11 differs from runtime.txt python-3.12.1",
      "runtime.txt python-3.12.1 differs from .tool-versions 3.11.7",
    ]);
  });

  test("PyPy and CPython of the same version differ", () => {
    const facts = resolvePythonVersion([pythonVersion("pypy3.10"), runtimeTxt("python-3.10.4")]);
    expect(facts.conflicts).toEqual([".python-version pypy3.10 differs from runtime.txt python-3.10.4"]);
  });

  test("two ranges with nothing in common, and the chosen range falls back to the most authoritative", () => {
    const facts = resolvePythonVersion([pythonRequires("<3.8"), requiresPython(">=3.9")]);
    expect(facts.conflicts).toEqual([
      "requires-python >=3.9 (pyproject.toml) and python_requires <3.8 (setup.cfg) have no Python version in common",
    ]);
    expect(facts.chosen).toMatchObject({ value: ">=3.9", source: "requires-python" });
    expect(facts.chosen?.reason).toContain("they conflict");
  });

  test("ranges that meet only at one patch release do intersect", () => {
    const facts = resolvePythonVersion([requiresPython(">=3.10.4"), poetry("<=3.10.4")]);
    expect(facts.conflicts).toEqual([]);
    expect(facts.chosen?.value).toBe(">=3.10.4,<=3.10.4");
  });

  test("a Poetry union with a gap: a pin inside the gap conflicts", () => {
    const facts = resolvePythonVersion([poetry("^2.7 || ^3.6"), pythonVersion("3.5")]);
    expect(facts.conflicts).toEqual([
      ".python-version 3.5 does not satisfy tool.poetry.dependencies.python ^2.7 || ^3.6 (pyproject.toml)",
    ]);
    expect(resolvePythonVersion([poetry("^2.7 || ^3.6"), pythonVersion("3.6")]).conflicts).toEqual([]);
  });

  test("ranges beyond the usual minors are still compared honestly", () => {
    expect(resolvePythonVersion([requiresPython(">=3.20"), poetry("<4")]).conflicts).toEqual([]);
    expect(resolvePythonVersion([requiresPython(">=3.20"), poetry("<3.20")]).conflicts).toHaveLength(1);
  });

  test("every conflict kind at once", () => {
    const facts = resolvePythonVersion([
      requiresPython(">=3.9"),
      pythonVersion("3.8"),
      runtimeTxt("python-3.12.1"),
      poetry("^3.10"),
      pythonRequires("<3.9"),
    ]);
    expect(facts.conflicts).toEqual([
      ".python-version 3.8 differs from runtime.txt python-3.12.1",
      ".python-version 3.8 does not satisfy requires-python >=3.9 (pyproject.toml)",
      ".python-version 3.8 does not satisfy tool.poetry.dependencies.python ^3.10 (pyproject.toml)",
      "runtime.txt python-3.12.1 does not satisfy python_requires <3.9 (setup.cfg)",
      "requires-python >=3.9 (pyproject.toml) and python_requires <3.9 (setup.cfg) have no Python version in common",
      "python_requires <3.9 (setup.cfg) and tool.poetry.dependencies.python ^3.10 (pyproject.toml) have no Python version in common",
    ]);
  });
});

describe("robustness and determinism", () => {
  test("unusable statements are ignored with a reason and take no part in the choice", () => {
    const facts = resolvePythonVersion([
      pythonVersion("system"),
      requiresPython("not a specifier"),
      poetry("*"),
      pipfile("3.10"),
    ]);
    expect(facts.chosen).toMatchObject({ value: "3.10", source: "Pipfile requires.python_version" });
    expect(facts.ignored?.map((i) => i.source)).toEqual([
      ".python-version",
      "requires-python",
      "tool.poetry.dependencies.python",
    ]);
    expect(facts.conflicts).toEqual([]);
    expect(facts.candidates).toHaveLength(4);
  });

  test("duplicates count once", () => {
    const facts = resolvePythonVersion([pythonVersion("3.11"), pythonVersion("3.11")]);
    expect(facts.candidates).toHaveLength(1);
  });

  test("the same statements in any order give the same result", () => {
    const statements = [
      requiresPython(">=3.9"),
      pythonVersion("3.8"),
      runtimeTxt("python-3.12.1"),
      poetry("^3.10"),
      pythonRequires("<3.9"),
      conda("python=3.11"),
      toolVersions("3.11.7"),
    ];
    const expected = resolvePythonVersion(statements);
    const reversed = resolvePythonVersion([...statements].reverse());
    const rotated = resolvePythonVersion([...statements.slice(3), ...statements.slice(0, 3)]);
    for (const other of [reversed, rotated]) {
      expect(other.chosen).toEqual(expected.chosen);
      expect(other.conflicts).toEqual(expected.conflicts);
    }
  });
});

describe("supportedPythonRange", () => {
  test("intersects every stated range, ignores pins, and is null without a range", () => {
    expect(supportedPythonRange([pythonVersion("3.12"), poetry("^3.10"), pythonRequires(">=3.9")])).toBe(
      ">=3.10,<4.0",
    );
    expect(supportedPythonRange([pythonVersion("3.12")])).toBeNull();
  });
});
