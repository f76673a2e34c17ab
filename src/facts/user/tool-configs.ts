/** Configuration files of Python tools (linters, formatters, test runners) in the project and in home. */
import { join } from "node:path";
import { configHome, displayPath, isFile, type UserContext } from "./context.js";

export interface ToolConfigFile {
  tool: string;
  /** `ruff.toml` in the project, `~/.config/ruff/ruff.toml` in home. */
  file: string;
  scope: "project" | "home";
}

/** File name → tool, as each tool looks for it in a project directory. */
const PROJECT_FILES: [string, string][] = [
  [".coveragerc", "coverage"],
  [".editorconfig", "editorconfig"],
  [".flake8", "flake8"],
  [".isort.cfg", "isort"],
  [".mypy.ini", "mypy"],
  [".pre-commit-config.yaml", "pre-commit"],
  [".pre-commit-config.yml", "pre-commit"],
  [".pydocstyle", "pydocstyle"],
  [".pylintrc", "pylint"],
  [".ruff.toml", "ruff"],
  [".yamllint", "yamllint"],
  ["mypy.ini", "mypy"],
  ["pylintrc", "pylint"],
  ["pyrightconfig.json", "pyright"],
  ["pytest.ini", "pytest"],
  ["ruff.toml", "ruff"],
  ["tox.ini", "tox"],
];

/** Per-user files, relative to home or to `$XDG_CONFIG_HOME`. */
const HOME_FILES: [string, string][] = [
  [".editorconfig", "editorconfig"],
  [".isort.cfg", "isort"],
  [".mypy.ini", "mypy"],
  [".pylintrc", "pylint"],
];
const CONFIG_HOME_FILES: [string, string][] = [
  ["flake8", "flake8"],
  ["mypy/config", "mypy"],
  ["pycodestyle", "pycodestyle"],
  ["pylintrc", "pylint"],
  ["ruff/pyproject.toml", "ruff"],
  ["ruff/ruff.toml", "ruff"],
  ["yamllint/config", "yamllint"],
];

export function findToolConfigFiles(context: UserContext): ToolConfigFile[] {
  const found: ToolConfigFile[] = [];
  const add = (path: string, tool: string, scope: ToolConfigFile["scope"]) => {
    if (isFile(path)) found.push({ tool, file: displayPath(context, path), scope });
  };
  for (const [name, tool] of PROJECT_FILES) add(join(context.root, name), tool, "project");
  // A project inside home must not list its own files twice.
  if (context.root !== context.home) {
    for (const [name, tool] of HOME_FILES) add(join(context.home, name), tool, "home");
  }
  for (const [name, tool] of CONFIG_HOME_FILES) add(join(configHome(context), name), tool, "home");
  return found.sort(
    (a, b) =>
      (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
  );
}
