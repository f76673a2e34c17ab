import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectDevTools, preCommitHookTypes } from "./dev-tools.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "dhtl-devtools-"));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const names = (root: string) => detectDevTools(root).tools.map((tool) => tool.name);

describe("detectDevTools", () => {
  it("finds each tool by its configuration, with where it was seen", () => {
    const root = project({
      "pyproject.toml": "[tool.ruff]\nline-length = 100\n\n[tool.black]\n\n[tool.mypy]\nstrict = true\n",
      "setup.cfg": "[flake8]\nmax-line-length = 100\n\n[tool:isort]\nprofile = black\n",
      "noxfile.py": "import nox\n",
    });
    const { tools } = detectDevTools(root);
    expect(tools.map((tool) => tool.name)).toEqual(["black", "flake8", "isort", "mypy", "nox", "ruff"]);
    expect(tools.find((tool) => tool.name === "flake8")?.evidence).toEqual(["[flake8] in setup.cfg"]);
    expect(tools.find((tool) => tool.name === "ruff")?.evidence).toEqual(["[tool.ruff] in pyproject.toml"]);
  });

  it("tox.ini counts for tox only with a [tox] or [testenv] section (a [flake8]-only tox.ini is flake8's)", () => {
    expect(names(project({ "tox.ini": "[flake8]\nignore = E501\n" }))).toEqual(["flake8"]);
    expect(names(project({ "tox.ini": "[testenv]\ncommands = pytest\n" }))).toEqual(["tox"]);
    expect(names(project({ "pyproject.toml": "[tool.tox]\nlegacy_tox_ini = ''\n" }))).toEqual(["tox"]);
    expect(names(project({ "setup.cfg": "[tox:tox]\nenvlist = py3\n" }))).toEqual(["tox"]);
  });

  it("reads .pre-commit-config.yaml: pre-commit itself, local hooks' commands, mirrors' revs as versions", () => {
    const root = project({
      ".pre-commit-config.yaml": `repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.4.4
    hooks:
      - id: ruff
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
      - id: mypy
  - repo: local
    hooks:
      - id: lint
        name: lint
        entry: ruff check --fix
        language: system
      - id: types
        name: types
        entry: mypy
        language: python
        additional_dependencies: [mypy==1.10.0]
      - id: own-script
        name: own
        entry: ./scripts/check.sh
        language: script
`,
      "mypy.ini": "[mypy]\n",
    });
    const { tools } = detectDevTools(root);
    expect(tools.map((tool) => [tool.name, tool.versionHint])).toEqual([
      ["mypy", "1.10.0"],
      ["pre-commit", null],
      ["ruff", "0.4.4"],
    ]);
    // The python hook brings its own mypy: only mypy.ini shows the project runs it directly.
    expect(tools.find((tool) => tool.name === "mypy")?.evidence).toEqual(["mypy.ini"]);
    expect(tools.find((tool) => tool.name === "ruff")?.evidence).toEqual([
      ".pre-commit-config.yaml:12 (local hook lint)",
    ]);
  });

  it("an exact required-version names the version; a malformed file is a warning, never an error", () => {
    const root = project({
      "pyproject.toml": '[tool.ruff]\nrequired-version = "==0.5.7"\n',
      ".pre-commit-config.yaml": "repos: [\n",
    });
    const { tools, diagnostics } = detectDevTools(root);
    expect(tools.map((tool) => [tool.name, tool.versionHint])).toEqual([
      ["pre-commit", null],
      ["ruff", "0.5.7"],
    ]);
    expect(diagnostics).toMatchObject([{ file: ".pre-commit-config.yaml", severity: "warning" }]);
    expect(
      detectDevTools(project({ "pyproject.toml": '[tool.ruff]\nrequired-version = ">=0.5"\n' })).tools[0]
        ?.versionHint,
    ).toBeNull();
  });

  it("nothing configured: no tools", () => {
    expect(names(project({ "requirements.txt": "ruff\n" }))).toEqual([]);
  });
});

describe("preCommitHookTypes", () => {
  it("takes default_install_hook_types, keeping only types pre-commit knows", () => {
    expect(preCommitHookTypes("repos: []\n")).toEqual(["pre-commit"]);
    expect(
      preCommitHookTypes("default_install_hook_types: [pre-push, commit-msg, ../../evil]\nrepos: []\n"),
    ).toEqual(["commit-msg", "pre-push"]);
  });
});
