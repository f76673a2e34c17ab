import { describe, expect, it } from "vitest";
import type { PythonVersionSource } from "../facts/manifests/types.js";
import { readHintVersion } from "../facts/python-hints/versions.js";
import { resolvePythonVersion } from "../facts/python-version.js";
import type { PythonInterpreter } from "../python/discover.js";
import { hintCeiling, pickInterpreter, type Ranking, rankInterpreters } from "./interpreter-choice.js";

/** This machine's kind of install: pyenv builds 3.6–3.13, a second 3.11 from the OS on PATH. */
const INSTALLED: PythonInterpreter[] = ["3.13.0", "3.12.1", "3.11.7", "3.10.13", "3.9.18", "3.7.16", "3.6.15"]
  .map(
    (version): PythonInterpreter => ({
      path: `/pyenv/${version}/bin/python3`,
      version,
      implementation: "cpython",
      source: "pyenv",
      onPath: false,
    }),
  )
  .concat([
    {
      path: "/usr/bin/python3",
      version: "3.11.2",
      implementation: "cpython",
      source: "system",
      onPath: true,
    },
    {
      path: "/usr/bin/python2.7",
      version: "2.7.18",
      implementation: "cpython",
      source: "system",
      onPath: true,
    },
  ]);

const statement = (source: string, file: string, value: string): PythonVersionSource => ({
  source,
  file,
  line: 1,
  value,
});
const hint = (
  file: string,
  value: string,
  tier: "tested" | "runs" | "declared" | "other",
  version?: string,
) => ({
  ...statement("hint", file, value),
  hint: { tier, ...(version ? { version } : readHintVersion(value)), reason: "test" },
});

function rank(
  candidates: PythonVersionSource[],
  extra: { recorded?: string; lockRange?: string; era?: { minor: string; date: string } } = {},
): Ranking {
  return rankInterpreters({ python: resolvePythonVersion(candidates), interpreters: INSTALLED, ...extra });
}

function order(ranking: Ranking): string[] {
  if (ranking.kind !== "ranked") throw new Error(`not ranked: ${JSON.stringify(ranking)}`);
  return ranking.candidates.map((candidate) => candidate.interpreter.version);
}

describe("rankInterpreters", () => {
  it("a lower bound alone: the newest installed CPython 3 first", () => {
    expect(order(rank([statement("requires-python", "pyproject.toml", ">=3.8")]))[0]).toBe("3.13.0");
  });

  it("tox and CI naming up to 3.11 put 3.11 before 3.13 (drf); newer ones follow, oldest first", () => {
    const ranking = rank([
      statement("python_requires", "setup.py", ">=3.6"),
      hint("tox.ini", "py311", "tested", "3.11"),
      hint(".github/workflows/main.yml", "3.10", "tested"),
      hint("setup.py", "3.12", "declared"), // a classifier does not count where CI names versions
    ]);
    expect(order(ranking)).toEqual([
      "3.11.7",
      "3.11.2",
      "3.10.13",
      "3.9.18",
      "3.7.16",
      "3.6.15",
      "3.12.1",
      "3.13.0",
    ]);
    expect(ranking.kind === "ranked" && ranking.basis).toMatch(
      /up to 3\.11 \(\.github\/workflows\/main\.yml, tox\.ini\)/,
    );
  });

  it("a Dockerfile FROM python:3.6 ranks 3.6 first for a project that states nothing (flasky)", () => {
    expect(order(rank([hint("Dockerfile", "3.6", "runs")]))[0]).toBe("3.6.15");
  });

  it("pre-releases, PyPy and 2.x in a matrix do not raise the ceiling; classifiers count only without CI", () => {
    const candidates = [
      hint(".travis.yml", "3.6", "tested"),
      hint(".travis.yml", "3.7-dev", "tested"),
      hint(".travis.yml", "2.7", "tested"),
    ];
    expect(hintCeiling(candidates)?.version).toBe("3.6");
    expect(hintCeiling([hint("setup.py", "3.9", "declared")])?.version).toBe("3.9");
    expect(hintCeiling([hint("runtime.txt", "3.10", "other")])).toBeNull();
  });

  it("a dormant project that names no version to test or run on: the Python of its time first (sklearn-videos)", () => {
    const era = { minor: "3.9", date: "2021-08-23T10:00:00Z" };
    // Nothing stated: the era's Python goes before the python3 on PATH.
    const nothing = rank([], { era });
    expect(order(nothing).slice(0, 2)).toEqual(["3.9.18", "3.11.2"]);
    expect(nothing.kind === "ranked" && nothing.candidates[0]?.why).toBe(
      "Python 3.9, the interpreter of the project's time (its code last changed 2021-08-23)",
    );
    // A lower bound alone: before the newest the range allows; outside the range it is not taken.
    expect(order(rank([statement("requires-python", "pyproject.toml", ">=3.7")], { era }))[0]).toBe("3.9.18");
    expect(order(rank([statement("requires-python", "pyproject.toml", ">=3.10")], { era }))[0]).toBe(
      "3.13.0",
    );
    // What CI or a Dockerfile names wins; a recorded version stays first.
    expect(order(rank([hint("Dockerfile", "3.6", "runs")], { era }))[0]).toBe("3.6.15");
    expect(order(rank([], { era, recorded: "3.10.13" }))[0]).toBe("3.10.13");
  });

  it("a version .dhtconfig records stays first while it is allowed", () => {
    expect(
      order(rank([statement("requires-python", "pyproject.toml", ">=3.8")], { recorded: "3.10.13" }))[0],
    ).toBe("3.10.13");
  });

  it("uv.lock's requires-python bounds the candidates", () => {
    expect(order(rank([], { lockRange: ">=3.10, <3.13" }))).toEqual([
      "3.11.2",
      "3.12.1",
      "3.11.7",
      "3.10.13",
    ]);
  });

  it("an exact pin not installed takes the nearest installed patch of its minor, with a warning (heroku: 3.7.6)", () => {
    const ranking = rank([statement("runtime.txt", "runtime.txt", "python-3.7.6")]);
    expect(order(ranking)).toEqual(["3.7.16"]);
    expect(ranking.kind === "ranked" && ranking.warnings[0]).toMatch(
      /Python 3\.7\.6 \(runtime\.txt\) is not installed: using 3\.7\.16, the nearest installed patch/,
    );
    expect(ranking.kind === "ranked" && ranking.record).toBe(true);
  });

  it("an installed exact pin is used and not recorded (the pin file fixes it)", () => {
    const ranking = rank([statement(".python-version", ".python-version", "3.12.1")]);
    expect(order(ranking)).toEqual(["3.12.1"]);
    expect(ranking.kind === "ranked" && ranking.record).toBe(false);
  });

  it("a minor pin nothing installed satisfies: uv installs it, else the newest the ranges allow", () => {
    const ranking = rank([
      statement(".python-version", ".python-version", "3.99"),
      statement("requires-python", "pyproject.toml", ">=3.10"),
    ]);
    expect(ranking.kind).toBe("install");
    if (ranking.kind !== "install") return;
    expect(ranking.version).toBe("3.99");
    expect(ranking.fallback && order(ranking.fallback)[0]).toBe("3.13.0");
    expect(ranking.fallback?.warnings[0]).toMatch(
      /3\.99 \(\.python-version\) is neither installed nor installable/,
    );
  });

  it("--python wins over every statement, by version or by path", () => {
    const byVersion = rankInterpreters({
      python: resolvePythonVersion([statement(".python-version", ".python-version", "3.12.1")]),
      interpreters: INSTALLED,
      explicit: { kind: "version", value: "3.9", from: "--python" },
    });
    expect(order(byVersion)).toEqual(["3.9.18"]);
    const missing = rankInterpreters({
      python: resolvePythonVersion([]),
      interpreters: INSTALLED,
      explicit: { kind: "version", value: "3.8", from: "--python" },
    });
    expect(missing).toMatchObject({ kind: "install", version: "3.8", fallback: null });
  });

  it("nothing installed in the range is an error naming what is installed", () => {
    expect(rank([statement("requires-python", "pyproject.toml", ">=3.20")])).toMatchObject({
      kind: "none",
      message: expect.stringMatching(/no installed Python satisfies >=3\.20 \(installed: cpython-3\.13\.0/),
    });
  });
});

describe("pickInterpreter", () => {
  const ranking = rank([statement("python_requires", "setup.py", ">=3.7"), hint("ci.yml", "3.12", "tested")]);
  if (ranking.kind !== "ranked") throw new Error("ranked expected");
  const path = (version: string) => INSTALLED.find((found) => found.version === version)!.path;
  const typedAst = { name: "typed-ast", version: "1.5.5", wheelPythons: ["3.7", "3.11"] };
  const blackSdist = { name: "black", version: "20.8b1", wheelPythons: [] };

  it("passes over a Python a locked version has no wheel for (schedule: typed-ast on 3.12)", () => {
    const gaps = new Map([
      [path("3.12.1"), [typedAst, blackSdist]],
      [path("3.11.7"), [blackSdist]],
    ]);
    const decision = pickInterpreter(ranking, gaps);
    expect(decision.interpreter.version).toBe("3.11.7");
    expect(decision.reason).toMatch(/3\.12\.1 passed over: no wheel for typed-ast 1\.5\.5/);
    // black's sdist builds on either: it does not count against one of them.
    expect(decision.reason).not.toMatch(/passed over: [^;]*black/);
  });

  it("a version without a wheel on every checked Python does not move the choice", () => {
    const gaps = new Map([
      [path("3.12.1"), [blackSdist]],
      [path("3.11.7"), [blackSdist]],
    ]);
    expect(pickInterpreter(ranking, gaps).interpreter.version).toBe("3.12.1");
  });

  it("uv failing to resolve for one Python moves to the next; unchecked ones do not compete", () => {
    const gaps = new Map<string, { failed: string } | never[]>([
      [path("3.12.1"), { failed: "no solution" }],
      [path("3.11.7"), []],
    ]);
    const decision = pickInterpreter(ranking, gaps);
    expect(decision.interpreter.version).toBe("3.11.7");
    expect(decision.considered.map((c) => c.version)).toEqual(["3.12.1", "3.11.7"]);
  });

  it("without any wheel information, the first ranked", () => {
    expect(pickInterpreter(ranking, new Map()).interpreter.version).toBe("3.12.1");
  });
});
