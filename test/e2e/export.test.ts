import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs, repoRoot, tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";
import {
  findValidator,
  runValidator,
  validateDevcontainer,
  validatorsRequired,
} from "../support/validators.js";

afterAll(removeTempDirs);

/**
 * `dhtl export` on three real projects set up by the real dhtl and uv: a uv project with pytest (the
 * quick-start example), a requirements app pinned to 3.12.1 with unittest tests, and a Poetry project
 * (converted by setup into a hashed lock) tested through tox. Every exported file is checked by the real
 * validators: hadolint, actionlint (with shellcheck for `run:` scripts) and the devcontainer schema.
 */
const TARGETS = ["docker", "devcontainer", "ci"] as const;
const WORKFLOW = ".github/workflows/dhtl.yml";
const DEVCONTAINER_JSON = ".devcontainer/devcontainer.json";
const FILES = {
  docker: ["Dockerfile", ".dockerignore"],
  devcontainer: [DEVCONTAINER_JSON, ".devcontainer/Dockerfile"],
  ci: [WORKFLOW],
};

interface Project {
  name: string;
  root: string;
}

function setUp(name: string, copy: () => string): Project {
  const root = copy();
  const setup = runCli(["setup", "--yes"], root);
  if (setup.code !== 0) throw new Error(`setup of ${name} failed\n${describeRun(setup)}`);
  return { name, root };
}

function copyExample(): string {
  const root = tempDir("dhtl-hello-app-");
  cpSync(join(repoRoot, "examples", "hello-app"), root, { recursive: true });
  return root;
}

const projects: Project[] = [];
beforeAll(() => {
  projects.push(
    setUp("uv + pytest", copyExample),
    setUp("requirements + unittest", () => copyFixtureDir("export/req-unittest")),
    setUp("poetry + tox", () => copyFixtureDir("export/poetry-tox")),
  );
}, 300_000);

function exportAll(root: string): void {
  for (const target of TARGETS) {
    const result = runCli(["export", target], root);
    expect(result.code, describeRun(result)).toBe(0);
  }
}

describe("dhtl export (e2e)", () => {
  it("--dry-run shows every file and writes nothing", () => {
    for (const { root } of projects) {
      const before = treeHash(root, { ignore: ["__pycache__"] });
      for (const target of TARGETS) {
        const result = runCli(["export", target, "--dry-run"], root);
        expect(result.code, describeRun(result)).toBe(0);
        for (const file of FILES[target]) expect(result.stdout).toContain(`new file ${file}:`);
        expect(result.stdout).toMatch(/dry run: nothing written/);
      }
      expect(treeHash(root, { ignore: ["__pycache__"] })).toBe(before);
    }
  });

  it("writes the files; a second run (and a copy of the project) gives the same bytes", () => {
    for (const { root } of projects) {
      exportAll(root);
      const first = Object.values(FILES)
        .flat()
        .map((file) => readFileSync(join(root, file), "utf8"));
      for (const target of TARGETS) {
        const again = runCli(["export", target], root);
        expect(again.code, describeRun(again)).toBe(0);
        expect(again.stdout).toMatch(/up to date: nothing to write/);
      }
      const copy = tempDir("dhtl-export-copy-");
      cpSync(root, copy, { recursive: true });
      for (const file of Object.values(FILES).flat()) rmSync(join(copy, file));
      exportAll(copy);
      const second = Object.values(FILES)
        .flat()
        .map((file) => readFileSync(join(copy, file), "utf8"));
      expect(second).toEqual(first);
      for (const text of first) expect(text).not.toContain(root);
    }
  });

  it("the files carry each project's facts: exact Python, its lock, its test runner", () => {
    const [uv, req, poetry] = projects.map((p) => p.root) as [string, string, string];
    const read = (root: string, file: string) => readFileSync(join(root, file), "utf8");
    const uvPython = /version: (\S+)/.exec(read(uv, ".dhtconfig"))?.[1];
    expect(read(uv, "Dockerfile")).toContain(`FROM python:${uvPython}-slim-bookworm AS build`);
    expect(read(uv, "Dockerfile")).toContain("RUN uv sync --frozen --all-groups --no-install-local");
    expect(read(uv, "Dockerfile")).toContain('CMD ["hello"]');
    expect(read(uv, WORKFLOW)).toContain("run: .venv/bin/python -m pytest");
    expect(read(uv, WORKFLOW)).toContain('- python: "3.10"');
    expect(read(req, "Dockerfile")).toContain("FROM python:3.12.1-slim-bookworm AS build");
    expect(read(req, "Dockerfile")).toContain("uv pip sync --require-hashes");
    expect(read(req, WORKFLOW)).toContain("-m unittest discover -s tests\n");
    expect(read(poetry, "Dockerfile")).toContain(
      "RUN uv pip install --no-deps --python /app/.venv/bin/python -e .",
    );
    expect(read(poetry, WORKFLOW)).toMatch(/tox -e '\$\{\{ matrix\.toxenv \}\}'/);
    expect(JSON.parse(read(uv, ".devcontainer/devcontainer.json")).postCreateCommand).toEqual([
      "dhtl",
      "regenerate",
    ]);
  });

  const hadolint = findValidator("hadolint");
  it.skipIf(!hadolint && !validatorsRequired)("hadolint passes every exported Dockerfile", () => {
    expect(hadolint, "hadolint is not installed: run .ci/run").not.toBeNull();
    for (const { name, root } of projects) {
      for (const file of ["Dockerfile", ".devcontainer/Dockerfile"]) {
        const verdict = runValidator(hadolint!, [file], root);
        expect(verdict.ok, `${name} ${file}: ${verdict.output}`).toBe(true);
      }
    }
    // The validator can fail: a Dockerfile that breaks its rules is rejected.
    const bad = tempDir("dhtl-hadolint-");
    writeFileSync(join(bad, "Dockerfile"), "FROM python:latest\nRUN apt-get install curl\n");
    expect(runValidator(hadolint!, ["Dockerfile"], bad).ok).toBe(false);
  });

  const actionlint = findValidator("actionlint");
  it.skipIf(!actionlint && !validatorsRequired)("actionlint (with shellcheck) passes every workflow", () => {
    expect(actionlint, "actionlint is not installed: run .ci/run").not.toBeNull();
    if (validatorsRequired) expect(findValidator("shellcheck"), "shellcheck for actionlint").not.toBeNull();
    for (const { name, root } of projects) {
      const verdict = runValidator(actionlint!, [WORKFLOW], root);
      expect(verdict.ok, `${name}: ${verdict.output}`).toBe(true);
    }
    const bad = tempDir("dhtl-actionlint-");
    mkdirSync(join(bad, ".github", "workflows"), { recursive: true });
    writeFileSync(
      join(bad, WORKFLOW),
      `on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo \${{ matrix.nope }}\n`,
    );
    expect(runValidator(actionlint!, [WORKFLOW], bad).ok).toBe(false);
  });

  it("every devcontainer.json satisfies the devcontainer spec's schema", () => {
    for (const { name, root } of projects) {
      const verdict = validateDevcontainer(readFileSync(join(root, DEVCONTAINER_JSON), "utf8"));
      expect(verdict.ok, `${name}: ${verdict.output}`).toBe(true);
    }
    expect(validateDevcontainer('{"build": {"dockerfile": 1}, "remoteUser": 2}').ok).toBe(false);
  });

  it("a file that differs is shown as a diff and kept without --force; --force overwrites it", () => {
    const root = projects[0]!.root;
    const dockerfile = join(root, "Dockerfile");
    const exported = readFileSync(dockerfile, "utf8");
    const edited = exported.replace('CMD ["hello"]', 'CMD ["python", "-m", "hello_app"]');
    writeFileSync(dockerfile, edited);
    rmSync(join(root, ".dockerignore"));
    const refused = runCli(["export", "docker"], root);
    expect(refused.code, describeRun(refused)).toBe(4);
    expect(refused.stdout).toContain('-CMD ["python", "-m", "hello_app"]');
    expect(refused.stdout).toContain('+CMD ["hello"]');
    expect(refused.stdout).toMatch(/nothing written/);
    expect(readFileSync(dockerfile, "utf8")).toBe(edited);
    // All or nothing: the missing .dockerignore was not written either.
    expect(() => readFileSync(join(root, ".dockerignore"))).toThrow();
    const json = cliJson<{
      files: { path: string; status: string; diff: string | null }[];
      written: string[];
    }>(runCli(["export", "docker", "--json"], root));
    expect(json.written).toEqual([]);
    expect(json.files.map((f) => [f.path, f.status])).toEqual([
      ["Dockerfile", "changed"],
      [".dockerignore", "new"],
    ]);
    expect(json.files[0]!.diff).toContain('+CMD ["hello"]');
    const forced = runCli(["export", "docker", "--force"], root);
    expect(forced.code, describeRun(forced)).toBe(0);
    expect(readFileSync(dockerfile, "utf8")).toBe(exported);
    expect(readFileSync(join(root, ".dockerignore"), "utf8")).toContain(".dhtl/envs");
  });

  it("refuses to write through a symlinked folder, an unknown target, and a project without .dhtconfig", () => {
    const root = copyFixtureDir("export/req-unittest");
    const missing = runCli(["export", "docker"], root);
    expect(missing.code, describeRun(missing)).toBe(2);
    expect(missing.stderr).toMatch(/no \.dhtconfig/);
    const missingJson = runCli(["export", "docker", "--json"], root);
    expect(missingJson.code).toBe(2);
    expect(cliJson<{ ok: boolean; error: { code: string } }>(missingJson)).toMatchObject({
      ok: false,
      error: { code: "badInput" },
    });
    const unknown = runCli(["export", "kubernetes"], root);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown export target "kubernetes"/);

    const project = projects[1]!.root;
    const outside = tempDir("dhtl-outside-");
    rmSync(join(project, ".github"), { recursive: true, force: true });
    symlinkSync(outside, join(project, ".github"));
    const linked = runCli(["export", "ci"], project);
    expect(linked.code, describeRun(linked)).toBe(4);
    expect(linked.stderr).toMatch(/\.github is a symbolic link/);
    expect(treeHash(outside)).toBe(treeHash(tempDir("dhtl-empty-")));
    rmSync(join(project, ".github"));
  });

  it("a lock changed since .dhtconfig was written is drift, not exported", () => {
    const root = copyFixtureDir("export/req-unittest");
    expect(runCli(["setup", "--yes"], root).code).toBe(0);
    writeFileSync(join(root, ".dhtl", "requirements.lock"), "six==1.16.0\n");
    const result = runCli(["export", "ci"], root);
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stderr).toMatch(/changed since \.dhtconfig was written/);
  });
});
