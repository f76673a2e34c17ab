import { spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ValidationReport } from "../../src/verify/validate.js";
import { gitFixtureDir } from "../support/git-fixture.js";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

function python(venv: string, code: string, cwd: string): { status: number | null; output: string } {
  const result = spawnSync(join(venv, "bin", "python"), ["-c", code], { cwd, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function envDirs(root: string): string[] {
  return readdirSync(join(root, ".dhtl", "envs")).filter((entry) => !entry.endsWith(".trash"));
}

/** Class 5 (issue 10 #5): uv workspaces are one environment with every member; nested projects are seen. */
describe("a uv workspace (modelcontextprotocol/python-sdk's shape)", () => {
  it("installs every member; validate-env, fix-env and regenerate agree with setup", () => {
    const root = gitFixtureDir("projects/uv-workspace");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stderr).toContain("uv sync --frozen --all-groups --all-packages");
    // The member, its dependency and the root's own package are all importable from the one .venv.
    const imported = python(join(root, ".venv"), "import mcp_simple_tool.server, packaging, mcp, six", root);
    expect(imported.status, imported.output).toBe(0);

    const report = cliJson<ValidationReport>(runCli(["validate-env", "--json"], root));
    expect(report.drift.missing).toEqual([]);
    expect(report.ok).toBe(true);
    const fix = runCli(["fix-env", "--json"], root);
    expect(fix.code, describeRun(fix)).toBe(0);
    expect(cliJson<{ upToDate: boolean }>(fix).upToDate).toBe(true);
    const before = envDirs(root);
    const regenerate = runCli(["regenerate", "--json"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(cliJson<{ upToDate: boolean }>(regenerate).upToDate).toBe(true);
    expect(envDirs(root)).toEqual(before);
  });

  it("lists the members in analyze; naming a member sets up its workspace", () => {
    const root = gitFixtureDir("projects/uv-workspace");
    const analyze = runCli(["analyze", "--json", "--no-machine", "--no-user", "--no-imports"], root);
    expect(analyze.code, describeRun(analyze)).toBe(0);
    expect(cliJson<{ subprojects: unknown[] }>(analyze).subprojects).toEqual([
      {
        dir: "examples/servers/simple-tool",
        name: "mcp-simple-tool",
        kind: "workspace-member",
        manifests: ["examples/servers/simple-tool/pyproject.toml"],
      },
    ]);
    const member = join(root, "examples", "servers", "simple-tool");
    const dryRun = runCli(["setup", member, "--dry-run", "--json"], root);
    expect(dryRun.code, describeRun(dryRun)).toBe(0);
    expect(dryRun.stderr).toMatch(/examples\/servers\/simple-tool\/ is a member of the uv workspace/);
    expect(JSON.stringify(cliJson(dryRun))).toContain("--all-packages");
    expect(existsSync(join(member, ".venv"))).toBe(false);
  });

  it("a virtual workspace root (fullstack-fastapi-template's): the member is installed with the root's groups", () => {
    const root = gitFixtureDir("projects/nested-backend");
    writeFileSync(
      join(root, "pyproject.toml"),
      '[dependency-groups]\ndev = ["idna>=3"]\n\n[tool.uv.workspace]\nmembers = ["backend"]\n',
    );
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(lstatSync(join(root, ".venv")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(root, "backend", ".venv"))).toBe(false);
    const imported = python(join(root, ".venv"), "import app.main, idna", join(root, "backend"));
    expect(imported.status, imported.output).toBe(0);
    expect(runCli(["validate-env"], root).code).toBe(0);
  });
});

describe("a project nested in backend/ (fullstack-fastapi-template at 81048277)", () => {
  it("analyze lists it, and its package is the repository's own: `app` is never suggested from PyPI", () => {
    const root = gitFixtureDir("projects/nested-backend");
    const analyze = runCli(["analyze", "--json", "--no-machine", "--no-user"], root);
    expect(analyze.code, describeRun(analyze)).toBe(0);
    const facts = cliJson<{
      subprojects: { dir: string; kind: string }[];
      imports: { local: string[]; thirdParty: string[] };
      inferred: { undeclared: { import: string }[] };
    }>(analyze);
    expect(facts.subprojects).toMatchObject([{ dir: "backend", kind: "nested" }]);
    expect(facts.imports.local).toContain("app");
    expect(facts.imports.thirdParty).not.toContain("app");
    expect(facts.inferred.undeclared.map((entry) => entry.import)).not.toContain("app");
  });

  it("a root with no Python project and one below it: that one is set up in its own directory, and said so", () => {
    const root = gitFixtureDir("projects/nested-backend");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stderr).toMatch(
      /no Python project at .*; setting up backend\/ \(app\), the only one below it/,
    );
    const backend = join(root, "backend");
    expect(lstatSync(join(backend, ".venv")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(root, ".venv"))).toBe(false);
    const imported = python(join(backend, ".venv"), "import app.main, idna", backend);
    expect(imported.status, imported.output).toBe(0);
    // The Node app beside it is not part of the backend: no Node locked, no npm run.
    expect(existsSync(join(root, "frontend", "node_modules"))).toBe(false);
    expect(existsSync(join(backend, ".dhtl", "node.lock"))).toBe(false);
    // validate-env and regenerate at the root find the same project.
    expect(runCli(["validate-env"], root).code).toBe(0);
    const regenerate = runCli(["regenerate", "--json"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(cliJson<{ upToDate: boolean }>(regenerate).upToDate).toBe(true);
  });

  it("several projects side by side: setup names them (exit 2); --all sets up each in its own directory", () => {
    const root = gitFixtureDir("projects/nested-backend");
    mkdirSync(join(root, "worker"));
    cpSync(join(root, "backend", "pyproject.toml"), join(root, "worker", "pyproject.toml"));
    writeFileSync(
      join(root, "worker", "pyproject.toml"),
      '[project]\nname = "worker"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["idna>=3"]\n\n[tool.uv]\npackage = false\n',
    );
    const ambiguous = runCli(["setup", "--yes"], root);
    expect(ambiguous.code, describeRun(ambiguous)).toBe(2);
    expect(ambiguous.stderr).toMatch(/no Python project at .*, and 2 below it: backend\/, worker\//);
    expect(ambiguous.stderr).toContain("dhtl setup --all");

    const all = runCli(["setup", "--all", "--yes", "--json"], root);
    expect(all.code, describeRun(all)).toBe(0);
    const outcome = cliJson<{ ok: boolean; projects: { dir: string; ok: boolean }[] }>(all);
    expect(outcome.ok).toBe(true);
    expect(outcome.projects.map((project) => [project.dir, project.ok])).toEqual([
      ["backend", true],
      ["worker", true],
    ]);
    expect(python(join(root, "worker", ".venv"), "import idna", root).status).toBe(0);
    expect(python(join(root, "backend", ".venv"), "import app.main", join(root, "backend")).status).toBe(0);
  });
});
