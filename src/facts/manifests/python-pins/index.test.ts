import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { ReadContext } from "../types.js";
import { pythonPinsReader } from "./index.js";

const FIXTURES = join(import.meta.dirname, "../../../../test/fixtures/python-version");

/** Pin files never read other files; a context that refuses proves it. */
const noOtherFiles: ReadContext = {
  readFile: () => {
    throw new Error("pin files read no other file");
  },
  exists: () => false,
};

function readFixture(dir: string, name: string) {
  const text = readFileSync(join(FIXTURES, dir, name), "utf8");
  const [facts] = pythonPinsReader.read({ path: name, text }, noOtherFiles);
  if (!facts) throw new Error("reader returned no facts");
  return facts;
}

describe("pythonPinsReader.claims", () => {
  test("claims the pin files at the root only", () => {
    const claimed = [
      ".python-version",
      "runtime.txt",
      ".tool-versions",
      "mise.toml",
      ".mise.toml",
      ".config/mise.toml",
    ];
    for (const path of claimed) expect(pythonPinsReader.claims(path), path).toBe(true);
    for (const path of ["sub/.python-version", "requirements.txt", "pyproject.toml", "mise.local.toml"]) {
      expect(pythonPinsReader.claims(path), path).toBe(false);
    }
  });
});

describe(".python-version", () => {
  test("first version wins, comments skipped, the others noted with their line", () => {
    const facts = readFixture("pyenv-multi", ".python-version");
    expect(facts.kind).toBe("python-pins");
    expect(facts.python).toEqual([
      { source: ".python-version", file: ".python-version", line: 2, value: "3.11.7" },
    ]);
    expect(facts.diagnostics).toEqual([
      {
        file: ".python-version",
        line: 2,
        severity: "info",
        message: "also lists 3.10, pypy3.10-7.3.15; the first (3.11.7) is the project's version",
      },
    ]);
  });

  test("a pyenv-virtualenv name is a warning, not a version", () => {
    const facts = readFixture("garbage", ".python-version");
    expect(facts.python).toEqual([]);
    expect(facts.diagnostics).toEqual([
      {
        file: ".python-version",
        line: 1,
        severity: "warning",
        message:
          "`my-project-venv` is not a Python version (a pyenv-virtualenv name?); no Python version taken from it",
      },
    ]);
  });

  test("`system` first states no version even when a version follows", () => {
    const facts = readFixture("system", ".python-version");
    expect(facts.python).toEqual([]);
    expect(facts.diagnostics.map((d) => [d.severity, d.line, d.message])).toEqual([
      [
        "warning",
        1,
        "`system` means whichever python is on PATH; it states no version; no Python version taken from it",
      ],
      ["info", 1, "also lists 3.12; the first (system) is the project's version"],
    ]);
  });

  test("uv request syntax is kept as written for the resolver", () => {
    const facts = readFixture("uv-request", ".python-version");
    expect(facts.python).toEqual([
      { source: ".python-version", file: ".python-version", line: 1, value: "cpython@3.13" },
    ]);
    expect(facts.diagnostics).toEqual([]);
  });

  test("empty file and binary-looking garbage are diagnostics, never a crash", () => {
    const [empty] = pythonPinsReader.read(
      { path: ".python-version", text: "\n# only a comment\n" },
      noOtherFiles,
    );
    expect(empty?.python).toEqual([]);
    expect(empty?.diagnostics[0]?.message).toBe("is empty: it states no Python version");
    const [junk] = pythonPinsReader.read(
      { path: ".python-version", text: "\u0001\u0002 ]]]\n" },
      noOtherFiles,
    );
    expect(junk?.python).toEqual([]);
    expect(junk?.diagnostics[0]?.severity).toBe("warning");
  });
});

describe("runtime.txt", () => {
  test("Heroku's python-X.Y.Z", () => {
    const facts = readFixture("runtime", "runtime.txt");
    expect(facts.python).toEqual([
      { source: "runtime.txt", file: "runtime.txt", line: 1, value: "python-3.12.1" },
    ]);
    expect(facts.diagnostics).toEqual([]);
  });

  test("missing prefix and extra lines are warned about; the version is still read", () => {
    const facts = readFixture("heroku-bad", "runtime.txt");
    expect(facts.python).toEqual([{ source: "runtime.txt", file: "runtime.txt", line: 1, value: "3.12.1" }]);
    expect(facts.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [1, "expected `python-X.Y.Z` (Heroku's form), found `3.12.1`"],
      [2, "extra line `something else` ignored"],
    ]);
  });
});

describe(".tool-versions", () => {
  test("the python line: first version wins, fallbacks noted, a second python line warned", () => {
    const facts = readFixture("asdf", ".tool-versions");
    expect(facts.python).toEqual([
      { source: ".tool-versions", file: ".tool-versions", line: 3, value: "3.11.7" },
    ]);
    expect(facts.diagnostics.map((d) => [d.severity, d.line, d.message])).toEqual([
      ["warning", 5, "second `python` line ignored; asdf reads the first (line 3)"],
      ["info", 3, "also lists 3.10.13; the first (3.11.7) is the project's version"],
    ]);
  });

  test("no python line: nothing stated, nothing reported", () => {
    const [facts] = pythonPinsReader.read({ path: ".tool-versions", text: "nodejs 20.1.0\n" }, noOtherFiles);
    expect(facts?.python).toEqual([]);
    expect(facts?.diagnostics).toEqual([]);
  });
});

describe("mise.toml", () => {
  test("[tools] python as a list: first wins, with its line", () => {
    const facts = readFixture("mise", "mise.toml");
    expect(facts.python).toEqual([{ source: "mise", file: "mise.toml", line: 6, value: "3.12" }]);
    expect(facts.diagnostics.map((d) => d.message)).toEqual([
      "also lists 3.11; the first (3.12) is the project's version",
    ]);
  });

  test("[tools] python as a table with version", () => {
    const text = readFileSync(join(FIXTURES, "mise-table", ".mise.toml"), "utf8");
    const [facts] = pythonPinsReader.read({ path: ".mise.toml", text }, noOtherFiles);
    expect(facts?.python).toEqual([{ source: "mise", file: ".mise.toml", line: 2, value: "3.11.9" }]);
  });

  test("dotted key with `latest` is not a fixed version", () => {
    const facts = readFixture("dotted-mise", "mise.toml");
    expect(facts.python).toEqual([]);
    expect(facts.diagnostics).toEqual([
      {
        file: "mise.toml",
        line: 1,
        severity: "warning",
        message: "`latest` is not a fixed version; no Python version taken from it",
      },
    ]);
  });

  test("broken TOML is an error diagnostic naming the line", () => {
    const facts = readFixture("mise-broken", "mise.toml");
    expect(facts.python).toEqual([]);
    expect(facts.diagnostics).toHaveLength(1);
    expect(facts.diagnostics[0]).toMatchObject({ file: "mise.toml", severity: "error", line: 1 });
    expect(facts.diagnostics[0]?.message).toMatch(/^invalid TOML: /);
  });
});
