/**
 * Python projects below the project root: the members of a uv workspace (installed together with the root,
 * into the root's `.venv`, as `uv sync --all-packages` does) and nested projects of their own (an app in
 * `backend/`, several projects side by side), each set up in its own directory, as `cd backend && uv sync`
 * would. Read-only; no project code runs.
 */
import { type Dirent, existsSync, lstatSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { compareText } from "../core/compare.js";
import { readTextFileSync } from "../core/fs.js";
import { tryParseToml } from "../formats/toml.js";
import { readManifests } from "./manifests/registry.js";
import type { ManifestFacts } from "./manifests/types.js";
import { mergeManifests } from "./merge.js";
import { listManifestCandidates, projectReadContext } from "./project-files.js";
import type { CodeFacts, ProjectModel, Subproject } from "./types.js";

export type { Subproject };

/** `[tool.uv.workspace]` of the root's pyproject.toml: member and exclude globs, relative to the root. */
export interface UvWorkspace {
  members: string[];
  exclude: string[];
}

/** Deepest folder level searched for nested projects (the root is level 0), as for Node/Go/Rust components. */
const MAX_NESTED_DEPTH = 3;

/**
 * Folders that never hold a project of the repository's own: environments, build output, tooling state,
 * and test data (a test suite's fixture projects are inputs, not parts of the repository to set up).
 */
const SKIPPED_DIRS = new Set([
  "node_modules",
  "venv",
  "env",
  "site-packages",
  "__pycache__",
  "build",
  "dist",
  "target",
  "vendor",
  "tests",
  "test",
  "testing",
  "fixtures",
  "__fixtures__",
  "testdata",
  "test_data",
  "docs",
  "doc",
  // mybinder.org's configuration describes the root's notebooks, not a project of its own.
  "binder",
]);

/** The workspace the root's pyproject.toml declares, or null when it declares none. */
export function uvWorkspaceOf(project: Pick<ProjectModel, "manifests">): UvWorkspace | null {
  const pyproject = project.manifests.find((manifest) => manifest.file === "pyproject.toml");
  const workspace = pyproject?.details.pyproject?.uv?.workspace;
  if (!workspace || typeof workspace !== "object" || Array.isArray(workspace)) return null;
  const { members, exclude } = workspace as { members?: unknown; exclude?: unknown };
  return { members: stringList(members), exclude: stringList(exclude) };
}

/** True when `uv sync` of this project must name `--all-packages` to install every workspace member. */
export function isUvWorkspace(project: Pick<ProjectModel, "manifests">): boolean {
  return uvWorkspaceOf(project) !== null;
}

/**
 * True when the root itself holds a Python project: a manifest that names a project, declares
 * dependencies, a build system or a workspace. Python version files and tool settings alone do not count.
 */
export function hasPythonManifest(project: Pick<ProjectModel, "manifests">): boolean {
  return project.manifests.some(declaresProject);
}

function declaresProject(manifest: ManifestFacts): boolean {
  if (/^(requirements|pipfile|conda|setup\.py)/.test(manifest.kind)) return true;
  if (manifest.kind === "setup.cfg") return true;
  if (!manifest.kind.startsWith("pyproject")) return false;
  return (
    manifest.name !== null ||
    manifest.buildSystem !== null ||
    manifest.dependencies.length > 0 ||
    Object.keys(manifest.dependencyGroups).length > 0 ||
    manifest.details.pyproject?.uv?.workspace !== undefined
  );
}

/**
 * Every Python project below `root`: the uv workspace's members (when the root declares a workspace), then
 * nested projects up to MAX_NESTED_DEPTH levels down that no workspace includes. A found project's own
 * folders are not searched further: what lies inside it is its business.
 */
export function findSubprojects(root: string, project: Pick<ProjectModel, "manifests">): Subproject[] {
  const workspace = uvWorkspaceOf(project);
  const members = workspace ? workspaceMemberDirs(root, workspace) : [];
  const found: Subproject[] = members.map((dir) => describeSubproject(root, dir, "workspace-member"));
  const taken = new Set(members);
  const visit = (dir: string, depth: number) => {
    for (const entry of listDirectories(join(root, dir))) {
      const child = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (taken.has(child)) continue;
      if (holdsProject(join(root, child))) {
        found.push(describeSubproject(root, child, "nested"));
        continue;
      }
      if (depth + 1 < MAX_NESTED_DEPTH) visit(child, depth + 1);
    }
  };
  visit("", 0);
  return found.sort((a, b) => compareText(a.dir, b.dir));
}

/**
 * Directories below the root whose modules are the project's own (hook for import locality): each
 * subproject's folder and, when it has one, its `src/` — where `import app` inside `backend/` is found.
 * Names found there are never suggested from PyPI.
 */
export function subprojectImportRoots(root: string, subprojects: Subproject[]): string[] {
  const roots: string[] = [];
  for (const { dir } of subprojects) {
    roots.push(dir);
    if (isDirectory(join(root, dir, "src"))) roots.push(`${dir}/src`);
  }
  return roots.sort(compareText);
}

/**
 * The top-level module names importable from the subprojects' folders (`app` for `backend/app/`): local
 * to the repository, so never a distribution to fetch.
 */
export function subprojectModuleNames(root: string, subprojects: Subproject[]): string[] {
  const names = new Set<string>();
  for (const dir of subprojectImportRoots(root, subprojects)) {
    for (const entry of safeReaddir(join(root, dir))) {
      if (entry.isDirectory() && /^[A-Za-z_][A-Za-z0-9_]*$/.test(entry.name)) {
        if (existsSync(join(root, dir, entry.name, "__init__.py"))) names.add(entry.name);
      } else if (entry.isFile() && /^[A-Za-z_][A-Za-z0-9_]*\.py$/.test(entry.name)) {
        names.add(entry.name.slice(0, -3));
      }
    }
  }
  return [...names].sort(compareText);
}

/**
 * Code facts with the subprojects' own modules (`subprojectModuleNames`) counted local: `import app` inside
 * `backend/` is the repository's code, never a distribution to suggest from PyPI (dependency confusion).
 */
export function withSubprojectModulesLocal(code: CodeFacts, names: string[]): CodeFacts {
  if (names.length === 0 || !code.imports) return code;
  const own = new Set(names);
  const foreign = (name: string) => !own.has(name.split(".")[0]!);
  const imports = code.imports;
  return {
    ...code,
    imports: {
      ...imports,
      thirdParty: imports.thirdParty.filter(foreign),
      optional: imports.optional.filter(foreign),
      typeOnly: imports.typeOnly.filter(foreign),
      uses: imports.uses.map((use) =>
        use.kind === "thirdParty" && !foreign(use.name) ? { ...use, kind: "local" as const } : use,
      ),
      local: [...new Set([...imports.local, ...imports.thirdParty.filter((name) => !foreign(name))])].sort(
        compareText,
      ),
    },
    inferred: code.inferred && {
      ...code.inferred,
      undeclared: code.inferred.undeclared.filter((entry) => foreign(entry.import)),
      undeclaredOptional: code.inferred.undeclaredOptional.filter((entry) => foreign(entry.import)),
      undeclaredTypeOnly: code.inferred.undeclaredTypeOnly.filter((entry) => foreign(entry.import)),
      undeclaredTooling: code.inferred.undeclaredTooling.filter((entry) => foreign(entry.import)),
      notImportable: code.inferred.notImportable.filter((entry) => foreign(entry.import)),
    },
  };
}

/**
 * The member directories a workspace's globs match (each must hold a pyproject.toml, as uv requires),
 * minus the excluded ones; root-relative, sorted. Matches never leave the root.
 */
export function workspaceMemberDirs(root: string, workspace: UvWorkspace): string[] {
  const excluded = workspace.exclude.map(globToRegExp);
  const dirs = new Set<string>();
  for (const pattern of workspace.members) {
    for (const dir of expandGlob(root, pattern)) {
      if (dir === "" || excluded.some((regex) => regex.test(dir))) continue;
      if (existsSync(join(root, dir, "pyproject.toml"))) dirs.add(dir);
    }
  }
  return [...dirs].sort(compareText);
}

/**
 * The root of the uv workspace that includes `dir` as a member, looking upwards as uv does, or null when
 * `dir` is no member of any. Inside a git repository only up to its top: a directory above it (`/tmp`, a
 * home folder) never claims a checkout as its member. Outside any repository uv itself looks up to the
 * file system's root (and writes uv.lock there), so dhtl does too.
 */
export function enclosingWorkspaceRoot(dir: string): string | null {
  const start = resolve(dir);
  const top = repositoryTop(start);
  if (top === start || dirname(start) === start) return null;
  let current = dirname(start);
  for (;;) {
    const workspace = readWorkspaceTable(join(current, "pyproject.toml"));
    if (workspace) {
      const rel = relative(current, start).split(sep).join("/");
      const member = workspace.members.some((glob) => globToRegExp(glob).test(rel));
      const excluded = workspace.exclude.some((glob) => globToRegExp(glob).test(rel));
      if (member && !excluded) return current;
    }
    if (current === top || dirname(current) === current) return null;
    current = dirname(current);
  }
}

/** The nearest directory at or above `start` that holds `.git`, or null. */
function repositoryTop(start: string): string | null {
  let current = start;
  for (;;) {
    if (existsSync(join(current, ".git"))) return current;
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function readWorkspaceTable(pyproject: string): UvWorkspace | null {
  if (!isFile(pyproject)) return null;
  const text = readTextOrEmpty(pyproject);
  if (!/\[tool\.uv\.workspace\]|workspace\s*=/.test(text)) return null;
  const doc = tryParseToml(text).doc;
  const tool = doc?.tool as { uv?: { workspace?: { members?: unknown; exclude?: unknown } } } | undefined;
  const workspace = tool?.uv?.workspace;
  if (!workspace || typeof workspace !== "object") return null;
  return { members: stringList(workspace.members), exclude: stringList(workspace.exclude) };
}

function describeSubproject(root: string, dir: string, kind: Subproject["kind"]): Subproject {
  const path = join(root, dir);
  const candidates = listManifestCandidates(path);
  let name: string | null = null;
  let manifests: string[] = [];
  try {
    const read = readManifests(candidates, projectReadContext(path)).filter(declaresProject);
    name = mergeManifests(read).name;
    manifests = [...new Set(read.map((manifest) => `${dir}/${manifest.file}`))];
  } catch {
    // An unreadable subproject is still listed: `dhtl analyze <dir>` says what is wrong with it.
  }
  return { dir, name, kind, manifests: manifests.sort(compareText) };
}

/**
 * True when a folder holds a Python project: a pyproject.toml that declares one, a setup.py outside a
 * package (`config/settings/setup.py` inside a package is a module), a Pipfile, a requirements.txt or a
 * conda environment file.
 */
function holdsProject(path: string): boolean {
  const pyproject = join(path, "pyproject.toml");
  if (isFile(pyproject)) {
    const doc = tryParseToml(readTextOrEmpty(pyproject)).doc;
    const tool = (doc?.tool ?? {}) as Record<string, unknown>;
    const uv = (tool.uv ?? {}) as Record<string, unknown>;
    if (
      doc &&
      (doc.project !== undefined ||
        doc["build-system"] !== undefined ||
        doc["dependency-groups"] !== undefined ||
        tool.poetry !== undefined ||
        uv.workspace !== undefined)
    )
      return true;
  }
  if (isFile(join(path, "setup.py")) && !existsSync(join(path, "__init__.py"))) return true;
  return ["Pipfile", "requirements.txt", "environment.yml", "environment.yaml"].some((name) =>
    isFile(join(path, name)),
  );
}

/** Sub-folders worth searching: no dot-folders, no symlinks (no loops, nothing outside), none of SKIPPED_DIRS. */
function listDirectories(path: string): Dirent[] {
  return safeReaddir(path)
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !SKIPPED_DIRS.has(entry.name))
    .sort((a, b) => compareText(a.name, b.name));
}

/** Root-relative directories matching a workspace glob (`packages/*`, `libs/**`), never through a symlink. */
function expandGlob(root: string, pattern: string): string[] {
  const parts = pattern
    .replace(/\\/g, "/")
    .split("/")
    .filter((part) => part !== "" && part !== ".");
  if (parts.some((part) => part === "..")) return [];
  let current = [""];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of current) {
      if (part === "**") next.push(dir, ...descendants(root, dir, 4));
      else if (!/[*?[]/.test(part)) {
        const child = dir === "" ? part : `${dir}/${part}`;
        if (isRealDirectory(join(root, child))) next.push(child);
      } else {
        const regex = globToRegExp(part);
        for (const entry of safeReaddir(join(root, dir))) {
          if (entry.isDirectory() && regex.test(entry.name))
            next.push(dir === "" ? entry.name : `${dir}/${entry.name}`);
        }
      }
    }
    current = [...new Set(next)];
  }
  return current;
}

function descendants(root: string, dir: string, depth: number): string[] {
  if (depth === 0) return [];
  return safeReaddir(join(root, dir))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules")
    .flatMap((entry) => {
      const child = dir === "" ? entry.name : `${dir}/${entry.name}`;
      return [child, ...descendants(root, child, depth - 1)];
    });
}

/** A workspace glob as a regular expression over root-relative posix paths: `*` and `?` stay inside a folder. */
function globToRegExp(glob: string): RegExp {
  const parts = glob
    .replace(/\\/g, "/")
    .split("/")
    .filter((part) => part !== "" && part !== ".");
  let body = "";
  parts.forEach((part, index) => {
    if (part === "**") {
      body += index === 0 ? "(?:[^/]+/)*" : "(?:/[^/]+)*";
      return;
    }
    const separator = index === 0 || (index === 1 && parts[0] === "**") ? "" : "/";
    body += separator + globSegment(part);
  });
  return new RegExp(`^${body}$`);
}

function globSegment(part: string): string {
  return [...part]
    .map((ch) => (ch === "*" ? "[^/]*" : ch === "?" ? "[^/]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
}

/** A manifest's text, or "" when it cannot be read as one (too large, binary, unreadable). */
function readTextOrEmpty(path: string): string {
  try {
    return readTextFileSync(path);
  } catch {
    return "";
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function safeReaddir(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A directory that is not a symbolic link (a workspace glob never leads through one). */
function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
