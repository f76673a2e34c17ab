import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectProject } from "../collect.js";
import { projectReadContext } from "../project-files.js";
import { pythonImageVersion } from "./ci.js";
import { collectPythonHints } from "./index.js";
import { expandEnvList } from "./test-runners.js";
import { readHintVersion } from "./versions.js";

const ALL = join(import.meta.dirname, "__fixtures__", "all");

/** `file:line value → version (tier)` for each hint, in a stable order. */
function summary(root: string): string[] {
  return collectPythonHints(root, projectReadContext(root))
    .hints.map(
      (hint) =>
        `${hint.file}:${hint.line} ${hint.value} → ${hint.hint?.version ?? "-"}${hint.hint?.prerelease ? " pre" : ""} (${hint.hint?.tier})`,
    )
    .sort();
}

describe("collectPythonHints", () => {
  it("reads every file that names a Python, with its file, line, tier and reason", () => {
    expect(summary(ALL)).toEqual(
      [
        ".devcontainer/devcontainer.json:3 3.11 → 3.11 (runs)",
        ".devcontainer/devcontainer.json:5 3.10 → 3.10 (runs)",
        // setup-python's own value, the matrix it reads, the include entry and the job container
        ".github/workflows/ci.yml:24 3.9 → 3.9 (tested)",
        ".github/workflows/ci.yml:9 3.8 → 3.8 (tested)",
        ".github/workflows/ci.yml:10 3.10 → 3.10 (tested)",
        ".github/workflows/ci.yml:11 3.11 → 3.11 (tested)",
        ".github/workflows/ci.yml:13 3.13-dev → 3.13 pre (tested)",
        ".github/workflows/ci.yml:20 3.12 → 3.12 (runs)",
        // a matrix named `py` counts even without setup-python; PyPy and 3.x name no CPython release
        ".github/workflows/ci.yml:28 pypy3.10 → - (tested)",
        ".github/workflows/ci.yml:28 3.x → - (tested)",
        ".python-version-docs:1 3.10 → 3.10 (other)",
        ".travis.yml:3 2.7 → 2.7 (tested)",
        ".travis.yml:4 3.6 → 3.6 (tested)",
        ".travis.yml:5 3.7-dev → 3.7 pre (tested)",
        ".travis.yml:8 3.5 → 3.5 (tested)",
        // ARG default substituted; the second FROM is not a Python image
        "Dockerfile:2 3.6 → 3.6 (runs)",
        "docker/web.Dockerfile:1 3.12 → 3.12 (runs)",
        "noxfile.py:3 3.9 → 3.9 (tested)",
        "noxfile.py:3 3.10 → 3.10 (tested)",
        "noxfile.py:11 3.12 → 3.12 (tested)",
        "setup.py:8 3.6 → 3.6 (declared)",
        "setup.py:9 3.7 → 3.7 (declared)",
        // tox's brace expansion: py37 and py38 of `py3{7,8}-django{32,42}`
        "tox.ini:3 py37 → 3.7 (tested)",
        "tox.ini:3 py38 → 3.8 (tested)",
        "tox.ini:4 py311 → 3.11 (tested)",
      ].sort(),
    );
  });

  it("puts hints in python.candidates without letting them decide: the range still wins, runtime.txt for Netlify is a hint", () => {
    const facts = collectProject(ALL);
    expect(facts.python.chosen).toMatchObject({ value: ">=3.6", kind: "range" });
    const runtime = facts.python.candidates.find((c) => c.file === "runtime.txt");
    expect(runtime?.hint).toMatchObject({ tier: "other", version: "3.10" });
    expect(runtime?.hint?.reason).toMatch(/Netlify/);
    expect(facts.python.candidates.filter((c) => c.hint).length).toBeGreaterThan(20);
    expect(facts.python.conflicts).toEqual([]);
  });

  it("lists lock files in project.sources with their kind", () => {
    expect(collectProject(ALL).project.sources).toContainEqual({ file: "poetry.lock", kind: "poetry.lock" });
  });
});

describe("hint values", () => {
  it("reads CI and image versions", () => {
    expect(readHintVersion("3.10")).toEqual({ version: "3.10" });
    expect(readHintVersion("'3.12.4'")).toEqual({ version: "3.12.4" });
    expect(readHintVersion("3.14.0-beta.1")).toEqual({ version: "3.14.0", prerelease: true });
    expect(readHintVersion("3.13t")).toEqual({ version: "3.13" });
    expect(readHintVersion("pypy-3.9")).toEqual({ version: null });
    expect(readHintVersion("nightly")).toEqual({ version: null });
  });

  it("finds the Python of an image reference", () => {
    expect(pythonImageVersion("python:3.6-alpine")).toBe("3.6");
    expect(pythonImageVersion("docker.io/library/python:3.12.4-slim@sha256:abc")).toBe("3.12.4");
    expect(pythonImageVersion("mcr.microsoft.com/vscode/devcontainers/python:0-3.9")).toBe("3.9");
    expect(pythonImageVersion("tiangolo/uvicorn-gunicorn-fastapi:python3.10")).toBe("3.10");
    expect(pythonImageVersion("node:20")).toBeNull();
    expect(pythonImageVersion("python")).toBeNull();
  });

  it("expands tox env lists like tox does", () => {
    expect(expandEnvList("py3{7,8,9,10,11,12}{,-pytz}").slice(0, 3)).toEqual(["py37", "py37-pytz", "py38"]);
    expect(expandEnvList("{py38,py39}-{django40,django41}, lint")).toEqual([
      "py38-django40",
      "py38-django41",
      "py39-django40",
      "py39-django41",
      "lint",
    ]);
  });
});
