import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

/**
 * Which interpreter setup takes, on small projects built from real repositories' manifests (issue 10
 * classes 1, 2 and 14; bench/real-repos/FINDINGS.md): real uv, the machine's pyenv builds, PyPI.
 */

interface SetupJson {
  ok: boolean;
  python: { version: string };
  pythonReason: string | null;
}

function setup(root: string, ...args: string[]) {
  const result = runCli(["setup", "--yes", "--json", ...args], root);
  expect(result.code, describeRun(result)).toBe(0);
  return { json: cliJson<SetupJson>(result), stderr: result.stderr };
}

/** Runs code with the environment's own interpreter; returns what it prints. */
function venvPython(root: string, code: string): string {
  return execFileSync(join(root, ".venv", "bin", "python"), ["-c", code], { encoding: "utf8" }).trim();
}

function minor(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

describe("interpreter choice (e2e)", () => {
  it("drf: tox and CI name up to 3.11, so 3.11 — where markdown 3.3 still works (3.12 removed EntryPoints.get)", () => {
    const root = copyFixtureDir("python-choice/drf");
    const { json } = setup(root);
    expect(minor(json.python.version)).toBe("3.11");
    expect(json.pythonReason).toMatch(/up to 3\.11 \(\.github\/workflows\/main\.yml, tox\.ini\)/);
    expect(venvPython(root, "import markdown; print(markdown.markdown('# x', extensions=['toc']))")).toBe(
      '<h1 id="x">x</h1>',
    );
  });

  it("flasky: Dockerfile FROM python:3.6-alpine, so 3.6, where psycopg2 2.7.3 has a wheel", () => {
    const root = copyFixtureDir("python-choice/flasky");
    const { json } = setup(root);
    expect(minor(json.python.version)).toBe("3.6");
    expect(json.pythonReason).toMatch(/Dockerfile FROM name Python up to 3\.6/);
    // Installed from its cp36 wheel (on 3.11 it would have to build, and 2.7.3's C code does not).
    const wheel = readFileSync(
      join(root, ".venv", "lib", "python3.6", "site-packages", "psycopg2-2.7.3.dist-info", "WHEEL"),
      "utf8",
    );
    expect(wheel).toContain("Tag: cp36-cp36m-manylinux1_x86_64");
  });

  it("schedule: CI names up to 3.12, but typed-ast 1.5.5 has wheels only up to 3.11 (uv is asked), so 3.11", () => {
    const root = copyFixtureDir("python-choice/schedule");
    const { json } = setup(root);
    expect(minor(json.python.version)).toBe("3.11");
    expect(json.pythonReason).toMatch(
      /3\.12\.\d+ passed over: no wheel for typed-ast 1\.5\.5 \(wheels for CPython 3\.\d+–3\.11\)/,
    );
    expect(venvPython(root, "import typed_ast; print(typed_ast.__version__)")).toBe("1.5.5");
  });

  it("microblog: python3 on PATH is 3.13, where greenlet 3.0.1 has no wheel; the wheel listing skips 3.6 (greenlet needs >=3.7), so 3.13 is passed over", () => {
    const root = copyFixtureDir("python-choice/microblog");
    const result = runCli(["setup", "--dry-run"], root, {
      PATH: `${process.env.HOME}/.pyenv/versions/3.13.0/bin:${process.env.PATH}`,
    });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(
      /3\.13\.0 passed over: no wheel for greenlet 3\.0\.1 \(wheels for CPython 3\.7–3\.12\)/,
    );
    expect(result.stdout).not.toMatch(/use Python 3\.13/);
  });

  it("fullstack-2024: uv.lock pins httptools 0.6.1 (wheels up to cp312): 3.12, not 3.13; forcing 3.13 names the Python as the cause", () => {
    const root = copyFixtureDir("python-choice/fullstack-2024");
    const lock = readFileSync(join(root, "uv.lock"), "utf8");
    const { json } = setup(root);
    expect(minor(json.python.version)).toBe("3.12");
    expect(json.pythonReason).toMatch(
      /3\.13\.\d+ passed over: no wheel for httptools 0\.6\.1 \(wheels for CPython 3\.10–3\.12\)/,
    );
    expect(venvPython(root, "import httptools; print(httptools.__version__)")).toBe("0.6.1");

    const before = readFileSync(join(root, ".venv", "pyvenv.cfg"), "utf8");
    const forced = runCli(["setup", "--yes", "--python", "3.13"], root);
    expect(forced.code, describeRun(forced)).toBe(3);
    expect(forced.stderr).toMatch(
      /error: failed to build httptools 0\.6\.1 for Python 3\.13: it publishes wheels for CPython 3\.10–3\.12 only, and its source does not build on 3\.13/,
    );
    expect(forced.stderr).toMatch(
      /hint: the pinned version predates Python 3\.13: use a Python its wheels cover \(`dhtl setup --python 3\.12`\)/,
    );
    expect(forced.stderr).not.toMatch(/a compiler, a system library/);
    // Nothing lost: the 3.12 environment and the lock are as they were.
    expect(readFileSync(join(root, ".venv", "pyvenv.cfg"), "utf8")).toBe(before);
    expect(readFileSync(join(root, "uv.lock"), "utf8")).toBe(lock);
  });

  it("heroku-2020: runtime.txt python-3.7.6 is not installed: the nearest patch of 3.7, with a warning, recorded", () => {
    const root = copyFixtureDir("python-choice/heroku-2020");
    const { json, stderr } = setup(root);
    expect(json.python.version).toMatch(/^3\.7\.(?!6$)\d+$/);
    expect(stderr).toMatch(
      new RegExp(
        `warning: Python 3\\.7\\.6 \\(runtime\\.txt\\) is not installed: using ${json.python.version.replace(/\./g, "\\.")}, the nearest installed patch of 3\\.7`,
      ),
    );
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain(`version: ${json.python.version}`);
    const regenerate = runCli(["regenerate", "--force", "--yes", "--json"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(cliJson<SetupJson>(regenerate).python.version).toBe(json.python.version);
  });

  it("fullstack: .python-version 3.99 can be neither found nor installed: the newest Python requires-python allows, with a warning", () => {
    const root = copyFixtureDir("python-choice/fullstack");
    const { json, stderr } = setup(root);
    expect(stderr).toMatch(
      /warning: Python 3\.99 \(\.python-version\) is neither installed nor installable here: using 3\.13\.\d+ instead/,
    );
    expect(json.python.version).toMatch(/^3\.13\./);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain(`version: ${json.python.version}`);
  });

  it("--python is used over the project's choice, recorded, and kept by regenerate and a later setup", () => {
    const root = copyFixtureDir("python-choice/drf");
    const { json } = setup(root, "--python", "3.10");
    expect(minor(json.python.version)).toBe("3.10");
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toMatch(
      /python:\n {2}implementation: cpython\n {2}requested: "3\.10"\n {2}version: 3\.10\.\d+\n/,
    );
    const regenerate = runCli(["regenerate", "--force", "--yes", "--json"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(cliJson<SetupJson>(regenerate).python.version).toBe(json.python.version);
    expect(setup(root).json.python.version).toBe(json.python.version);
    // A path names an interpreter the same way; one inside the project is refused.
    const path = venvPython(root, "import sys; print(sys._base_executable)");
    expect(minor(setup(root, "--python", path).json.python.version)).toBe("3.10");
    // A checkout's own "interpreter" is never run, even when named.
    mkdirSync(join(root, "tools"));
    writeFileSync(join(root, "tools", "python3"), "#!/bin/sh\necho planted\n", { mode: 0o755 });
    const inside = runCli(["setup", "--yes", "--python", join(root, "tools", "python3")], root);
    expect(inside.code, describeRun(inside)).toBe(2);
    expect(inside.stderr).toMatch(/lies inside the project/);
  });

  it("pendulum-2018: Travis jobs name up to 3.7 for `~2.7 || ^3.4` (dry run: the plan says which and why)", () => {
    const root = copyFixtureDir("python-choice/pendulum-2018");
    const result = runCli(["setup", "--dry-run"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(
      /use Python 3\.7\.\d+ — Python 3\.7\.\d+: the newest installed Python up to 3\.7; Travis CI name Python up to 3\.7 \(\.travis\.yml\)/,
    );
    expect(existsSync(join(root, ".venv"))).toBe(false);
  });
});
