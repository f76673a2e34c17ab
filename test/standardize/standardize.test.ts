import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { unifiedDiff } from "../../src/cli/diff.js";
import { isDhtlError } from "../../src/core/errors.js";
import type { ProjectTypeName } from "../../src/facts/types.js";
import { oldestSupportedMinor } from "../../src/plan/standardize/tool-config.js";
import { applyStandardize, planStandardize } from "../../src/workflows/standardize.js";
import { captureOutput } from "../support/capture-output.js";
import { copyFixtureDir } from "../support/temp-dirs.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/standardize");

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

/** Python's own tomllib must read what we wrote: the check that matters for uv and pip. */
function pythonReadsToml(path: string): Record<string, unknown> {
  const script = "import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], 'rb'))))";
  return JSON.parse(execFileSync("python3", ["-c", script, path], { encoding: "utf8" })) as Record<
    string,
    unknown
  >;
}

async function standardizeTwice(name: string, projectType: ProjectTypeName) {
  const root = copyFixtureDir(`standardize/${name}`);
  const plan = await planStandardize({ root, projectType });
  await applyStandardize(plan);
  const second = await planStandardize({ root, projectType });
  return { root, plan, second };
}

describe("standardize on fixture projects", () => {
  test("commented django project: tools appended, comments and layout kept, second run changes nothing", async () => {
    const { root, plan, second } = await standardizeTwice("commented", "django");
    expect(plan.addedDevTools).toEqual(["pytest-cov", "mypy", "ruff", "pre-commit", "pytest-django"]);
    expect(plan.conflicts).toEqual([]);
    expect(read(root, "pyproject.toml")).toBe(`# Shop: a small web shop.
[project]
name = "shop"
version = "0.4.0"
requires-python = ">=3.10"  # matches production
dependencies = [
    "django>=4.2",  # the framework
]

[dependency-groups]
# tools we already chose
dev = [
    "pytest>=7.4",  # keep this floor
    "pytest-cov",
    "mypy",
    "ruff",
    "pre-commit",
    "pytest-django",
]

[tool.ruff]
line-length = 100  # wide screens
target-version = "py310"

[tool.mypy]
python_version = "3.10"

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "--strict-markers"
`);
    const parsed = pythonReadsToml(join(root, "pyproject.toml")) as {
      "dependency-groups": { dev: string[] };
    };
    expect(parsed["dependency-groups"].dev[0]).toBe("pytest>=7.4");
    expect(second.changes).toEqual([]);
  });

  test("an existing pre-commit config is extended, never rewritten: comments, local hooks and revs stay", async () => {
    const before = readFileSync(join(FIXTURES, "commented/.pre-commit-config.yaml"), "utf8");
    const { root, plan } = await standardizeTwice("commented", "django");
    const after = read(root, ".pre-commit-config.yaml");
    // The original file is kept byte for byte (comments, spacing, flow lists); the new items follow it.
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe(`      - id: ruff-format
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v6.0.0
    hooks:
      - id: trailing-whitespace
      - id: end-of-file-fixer
      - id: check-yaml
      - id: check-toml
`);
    expect(plan.notes).toContain(
      "https://github.com/astral-sh/ruff-pre-commit stays at v0.15.0 (dhtl pins v0.17.6)",
    );
    const config = parseYaml(after) as { repos: { repo: string }[] };
    expect(config.repos.map((r) => r.repo)).toEqual([
      "local",
      "https://github.com/astral-sh/ruff-pre-commit",
      "https://github.com/pre-commit/pre-commit-hooks",
    ]);
  });

  test("settings that differ are conflicts, left as they are; a pytest.ini keeps pytest out of pyproject", async () => {
    const { root, plan, second } = await standardizeTwice("conflicting", "library");
    expect(plan.conflicts).toEqual([
      '[tool.mypy] python_version is "3.8"; dhtl would set "3.10" — left as is',
    ]);
    expect(plan.notes).toEqual(["pytest is configured in pytest.ini; left as is"]);
    const parsed = parseToml(read(root, "pyproject.toml")) as {
      tool: { mypy: Record<string, unknown>; ruff: Record<string, unknown>; pytest?: unknown };
    };
    expect(parsed.tool.mypy).toEqual({ python_version: "3.8", strict: true });
    expect(parsed.tool.ruff).toEqual({ "target-version": "py310" });
    expect(parsed.tool.pytest).toBeUndefined();
    expect(second.changes).toEqual([]);
    expect(second.conflicts).toEqual(plan.conflicts);
  });

  test("a bare fastapi project gets its type's tools and a new pinned pre-commit config", async () => {
    const { root, plan, second } = await standardizeTwice("fresh", "fastapi");
    expect(plan.changes.map((c) => [c.path, c.before === null])).toEqual([
      ["pyproject.toml", false],
      [".pre-commit-config.yaml", true],
    ]);
    const parsed = pythonReadsToml(join(root, "pyproject.toml")) as {
      "dependency-groups": { dev: string[] };
      tool: Record<string, unknown>;
    };
    expect(parsed["dependency-groups"].dev).toEqual([
      "pytest",
      "pytest-cov",
      "mypy",
      "ruff",
      "pre-commit",
      "pytest-asyncio",
      "httpx",
    ]);
    expect(parsed.tool).toEqual({
      ruff: { "target-version": "py39" },
      mypy: { python_version: "3.9" },
      pytest: { ini_options: { addopts: "--strict-markers" } },
    });
    const config = parseYaml(read(root, ".pre-commit-config.yaml")) as {
      repos: { repo: string; rev: string }[];
    };
    expect(config.repos.map((r) => `${r.repo}@${r.rev}`)).toEqual([
      "https://github.com/pre-commit/pre-commit-hooks@v6.0.0",
      "https://github.com/astral-sh/ruff-pre-commit@v0.17.6",
    ]);
    expect(second.changes).toEqual([]);
  });

  test("a black project keeps black: black hook instead of ruff-format, addopts merged not replaced", async () => {
    const { root, plan, second } = await standardizeTwice("black-user", "generic");
    expect(plan.addedDevTools).toContain("black");
    const parsed = parseToml(read(root, "pyproject.toml")) as {
      tool: { pytest: { ini_options: { addopts: string } } };
    };
    expect(parsed.tool.pytest.ini_options.addopts).toBe("-ra -q --strict-markers");
    const config = parseYaml(read(root, ".pre-commit-config.yaml")) as {
      repos: { repo: string; hooks: { id: string }[] }[];
    };
    const hookIds = config.repos.flatMap((r) => r.hooks.map((h) => h.id));
    expect(hookIds).toContain("black");
    expect(hookIds).not.toContain("ruff-format");
    expect(second.changes).toEqual([]);
  });

  test("a tool declared elsewhere (requirements-dev.txt) is not added again", async () => {
    const root = copyFixtureDir("standardize/fresh");
    const plan = await planStandardize({
      root,
      projectType: "generic",
      declaredElsewhere: ["Pytest", "ruff"],
    });
    expect(plan.addedDevTools).toEqual(["pytest-cov", "mypy", "pre-commit"]);
  });
});

describe("safety", () => {
  test("a file edited after planning stops the write, and nothing is written", async () => {
    const root = copyFixtureDir("standardize/fresh");
    const plan = await planStandardize({ root, projectType: "generic" });
    writeFileSync(join(root, "pyproject.toml"), `${read(root, "pyproject.toml")}# edited meanwhile\n`);
    let caught: unknown;
    try {
      await applyStandardize(plan);
    } catch (error) {
      caught = error;
    }
    expect(isDhtlError(caught) && caught.code).toBe("refused");
    expect(read(root, "pyproject.toml").endsWith("# edited meanwhile\n")).toBe(true);
    expect(() => read(root, ".pre-commit-config.yaml")).toThrow();
  });

  test("no pyproject.toml and broken TOML are bad input naming the file", async () => {
    const empty = mkdtempSync(join(tmpdir(), "dhtl-standardize-"));
    await expect(planStandardize({ root: empty, projectType: "generic" })).rejects.toMatchObject({
      code: "badInput",
      file: "pyproject.toml",
    });
    writeFileSync(join(empty, "pyproject.toml"), "[project\nname = 1\n");
    await expect(planStandardize({ root: empty, projectType: "generic" })).rejects.toMatchObject({
      code: "badInput",
      file: "pyproject.toml",
      line: 1,
    });
  });
});

describe("helpers", () => {
  test.each([
    [">=3.9", "3.9"],
    [">=3.8.1,<4", "3.8"],
    ["~=3.11", "3.11"],
    ["<3", null],
    [null, null],
  ])("oldest minor allowed by %s is %s", (spec, minor) => {
    expect(oldestSupportedMinor(spec)).toBe(minor);
  });

  test("the unified diff applies with the real `patch` tool", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-diff-"));
    const before = `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n")}\n`;
    const after = before.replace("line 2\n", "line two\n").replace("line 20\n", "").concat("tail\n");
    writeFileSync(join(dir, "f.txt"), before);
    const diff = unifiedDiff("f.txt", before, after);
    expect(diff.split("\n").filter((l) => l.startsWith("@@"))).toHaveLength(3);
    execFileSync("patch", ["-p1", "--quiet"], { cwd: dir, input: diff });
    expect(read(dir, "f.txt")).toBe(after);
    expect(unifiedDiff("f.txt", before, before)).toBe("");
  });
});

describe("the standardize command", () => {
  test("--dry-run shows the diff and exits 0; no --yes refuses with 4; --yes writes; the next run is a no-op", async () => {
    const { standardizeCommand } = await import("../../src/cli/commands/standardize.js");
    const root = copyFixtureDir("standardize/fresh");
    const before = read(root, "pyproject.toml");
    const runWith = async (options: Record<string, unknown>) => {
      const out = captureOutput();
      const code = await standardizeCommand.run({ args: [root], options, out, debug: false });
      return { code, text: out.lines.join("\n") };
    };
    const dry = await runWith({ dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.text).toContain("+++ b/pyproject.toml");
    expect(dry.text).toContain('+    "pytest-asyncio",');
    expect(dry.text.endsWith("dry run: nothing written")).toBe(true);
    expect((await runWith({})).code).toBe(4);
    expect(read(root, "pyproject.toml")).toBe(before);
    const written = await runWith({ yes: true });
    expect(written.code).toBe(0);
    expect(read(root, "pyproject.toml")).not.toBe(before);
    const again = await runWith({ yes: true, json: true });
    expect(JSON.parse(again.text)).toMatchObject({ written: false, changes: [] });
  }, 30_000);
});
