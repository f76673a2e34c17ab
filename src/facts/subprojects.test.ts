import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collectProject } from "./collect.js";
import {
  enclosingWorkspaceRoot,
  hasPythonManifest,
  isUvWorkspace,
  subprojectImportRoots,
  subprojectModuleNames,
  workspaceMemberDirs,
} from "./subprojects.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "dhtl-subprojects-"));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const member = (name: string) => `[project]\nname = "${name}"\nversion = "0.1.0"\n`;

describe("subprojects", () => {
  it("fullstack-fastapi-template 2024: no Python project at the root, the app in backend/", () => {
    const root = project({
      "frontend/package.json": "{}",
      "backend/pyproject.toml": member("app"),
      "backend/app/__init__.py": "",
      "backend/app/main.py": "import app.core\n",
      "backend/app/core/__init__.py": "",
      "backend/scripts/test.sh": "",
    });
    const facts = collectProject(root);
    expect(hasPythonManifest(facts.project)).toBe(false);
    expect(facts.subprojects).toEqual([
      { dir: "backend", name: "app", kind: "nested", manifests: ["backend/pyproject.toml"] },
    ]);
    // The hook for import locality: `import app` inside backend/ is the project's own.
    expect(subprojectImportRoots(root, facts.subprojects)).toEqual(["backend"]);
    expect(subprojectModuleNames(root, facts.subprojects)).toEqual(["app"]);
  });

  it("a uv workspace: members from the globs (minus exclude), nested projects apart, test data skipped", () => {
    const root = project({
      "pyproject.toml": `${member("mcp")}\n[tool.uv.workspace]\nmembers = ["examples/servers/*"]\nexclude = ["examples/servers/old"]\n`,
      "examples/servers/simple-tool/pyproject.toml": member("mcp-simple-tool"),
      "examples/servers/simple-tool/src/mcp_simple_tool/__init__.py": "",
      "examples/servers/old/pyproject.toml": member("old"),
      "examples/servers/notes/README.md": "not a project: no pyproject.toml",
      "examples/clients/chatbot/pyproject.toml": member("chatbot"),
      "tests/fixtures/proj/pyproject.toml": member("fixture"),
      "docs/pyproject.toml": member("docs"),
      "config/settings/debug_toolbar/__init__.py": "",
      "config/settings/debug_toolbar/setup.py": "DEBUG_TOOLBAR = True\n",
      "ruff-only/pyproject.toml": "[tool.ruff]\nline-length = 100\n",
    });
    const facts = collectProject(root);
    expect(isUvWorkspace(facts.project)).toBe(true);
    expect(hasPythonManifest(facts.project)).toBe(true);
    expect(facts.subprojects.map((s) => [s.dir, s.name, s.kind])).toEqual([
      ["examples/clients/chatbot", "chatbot", "nested"],
      ["examples/servers/old", "old", "nested"],
      ["examples/servers/simple-tool", "mcp-simple-tool", "workspace-member"],
    ]);
    expect(subprojectImportRoots(root, facts.subprojects)).toContain("examples/servers/simple-tool/src");
  });

  it("expands `*`, `?` and `**` globs inside the root, never through a symbolic link", () => {
    const root = project({
      "packages/a/pyproject.toml": member("a"),
      "packages/b1/pyproject.toml": member("b1"),
      "libs/deep/x/pyproject.toml": member("x"),
    });
    const outside = project({ "evil/pyproject.toml": member("evil") });
    symlinkSync(join(outside, "evil"), join(root, "packages", "evil"));
    expect(workspaceMemberDirs(root, { members: ["packages/*"], exclude: [] })).toEqual([
      "packages/a",
      "packages/b1",
    ]);
    expect(workspaceMemberDirs(root, { members: ["packages/b?", "libs/**"], exclude: [] })).toEqual([
      "libs/deep/x",
      "packages/b1",
    ]);
    expect(workspaceMemberDirs(root, { members: ["../*", "/etc"], exclude: [] })).toEqual([]);
  });

  it("a member's workspace root is found upwards, inside the repository only", () => {
    const root = project({
      ".git/HEAD": "ref: refs/heads/main\n",
      "pyproject.toml": '[tool.uv.workspace]\nmembers = ["backend"]\n',
      "backend/pyproject.toml": member("app"),
      "other/pyproject.toml": member("other"),
    });
    expect(enclosingWorkspaceRoot(join(root, "backend"))).toBe(root);
    expect(enclosingWorkspaceRoot(join(root, "other"))).toBeNull();
    expect(enclosingWorkspaceRoot(root)).toBeNull();
    // Above the repository's top nothing claims it: a parent directory's workspace is not the project's.
    const parent = project({ "pyproject.toml": '[tool.uv.workspace]\nmembers = ["*"]\n' });
    mkdirSync(join(parent, "checkout", ".git"), { recursive: true });
    writeFileSync(join(parent, "checkout", "pyproject.toml"), member("checkout"));
    expect(enclosingWorkspaceRoot(join(parent, "checkout"))).toBeNull();
  });

  it("outside any git repository a member's workspace is found upwards as uv finds it (uv writes uv.lock there)", () => {
    const root = project({
      "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
      "packages/a/pyproject.toml": member("a"),
    });
    expect(enclosingWorkspaceRoot(join(root, "packages", "a"))).toBe(root);
    expect(enclosingWorkspaceRoot(root)).toBeNull();
  });

  it("Python version files and tool settings alone are no Python project", () => {
    const root = project({ ".python-version": "3.12\n", "setup.cfg": "[flake8]\nmax-line-length = 100\n" });
    expect(hasPythonManifest(collectProject(root).project)).toBe(false);
    const declared = project({ "requirements.txt": "" });
    expect(hasPythonManifest(collectProject(declared).project)).toBe(true);
  });
});
