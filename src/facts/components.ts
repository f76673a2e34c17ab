import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { compareText } from "../core/compare.js";
import { type Diagnostic, diagnostic } from "../core/diagnostics.js";
import { lineOf, MAX_MANIFEST_BYTES, stripBom } from "../core/fs.js";
import { tryParseToml } from "../formats/toml.js";
import { type Table, tableOrNull } from "../formats/toml-table.js";

/** A part of the project written in another language, with the toolchain version it asks for. */
export interface Component {
  language: "node" | "rust" | "go";
  /** Root-relative posix directory, "." for the root. */
  dir: string;
  /** Root-relative path of the manifest (`frontend/package.json`). */
  manifest: string;
  /** The toolchain version requested, as written, and the file that says it. */
  version: { value: string; file: string; kind: "exact" | "range" } | null;
  /** npm | yarn | pnpm | bun for Node (from the lock file, else package.json `packageManager`); cargo; go. */
  packageManager: string | null;
  /** Root-relative path of the component's lock file. */
  lockfile: string | null;
}

export type ComponentLanguage = Component["language"];

export interface ComponentScan {
  components: Component[];
  diagnostics: Diagnostic[];
}

/** Deepest folder level searched below the root (the root is level 0). */
export const MAX_COMPONENT_DEPTH = 3;

/** Folders that hold installed or built things, never a component of their own. */
const SKIPPED_DIRS = new Set([
  "node_modules",
  ".venv",
  ".dhtl",
  ".git",
  "target",
  "dist",
  "build",
  "vendor",
  "__pycache__",
]);

const MANIFESTS: Record<string, ComponentLanguage> = {
  "package.json": "node",
  "Cargo.toml": "rust",
  "go.mod": "go",
};

/** Lock files in the order a tool would pick them; the first present wins. */
const NODE_LOCKS: [string, string][] = [
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
];

/** The Node, Rust and Go components of a project (see `scanComponents`). */
export function detectComponents(root: string): Component[] {
  return scanComponents(root).components;
}

/**
 * Finds `package.json`, `Cargo.toml` and `go.mod` at the root and in sub-folders up to
 * MAX_COMPONENT_DEPTH levels deep, with the version each asks for. Members of a Cargo or npm workspace
 * are not reported: the workspace root installs them. Read-only; malformed files become diagnostics.
 */
export function scanComponents(root: string): ComponentScan {
  const components: Component[] = [];
  const diagnostics: Diagnostic[] = [];
  // Directories whose workspace already covers what lies below them, per language.
  const workspaces: { language: ComponentLanguage; dir: string }[] = [];
  const visit = (dir: string, depth: number) => {
    const entries = listDir(join(root, dir));
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const language = MANIFESTS[entry.name];
      if (!language || insideWorkspace(workspaces, language, dir)) continue;
      const found = readComponent(root, dir, entry.name, language, diagnostics);
      components.push(found.component);
      if (found.isWorkspace) workspaces.push({ language, dir });
    }
    if (depth >= MAX_COMPONENT_DEPTH) return;
    for (const entry of entries) {
      // Dot-folders (.git, .tox, .mypy_cache …) hold tooling state, not components; symlinks are not followed.
      if (!entry.isDirectory() || entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) continue;
      visit(dir === "." ? entry.name : `${dir}/${entry.name}`, depth + 1);
    }
  };
  visit(".", 0);
  components.sort((a, b) => compareText(a.dir, b.dir) || compareText(a.language, b.language));
  return { components, diagnostics };
}

function listDir(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name));
  } catch {
    return [];
  }
}

function insideWorkspace(
  workspaces: { language: ComponentLanguage; dir: string }[],
  language: ComponentLanguage,
  dir: string,
): boolean {
  return workspaces.some((w) => w.language === language && (w.dir === "." || dir.startsWith(`${w.dir}/`)));
}

interface Found {
  component: Component;
  isWorkspace: boolean;
}

function readComponent(
  root: string,
  dir: string,
  file: string,
  language: ComponentLanguage,
  diagnostics: Diagnostic[],
): Found {
  const manifest = relPath(dir, file);
  const text = readSmallText(root, manifest);
  if (language === "node") return readNode(root, dir, manifest, text, diagnostics);
  if (language === "rust") return readRust(root, dir, manifest, text, diagnostics);
  return readGo(root, dir, manifest, text);
}

// ---------------------------------------------------------------- Node

function readNode(
  root: string,
  dir: string,
  manifest: string,
  text: string | null,
  diagnostics: Diagnostic[],
): Found {
  const json = text === null ? null : parseJson(text, manifest, diagnostics);
  const lock = NODE_LOCKS.find(([name]) => isFile(root, relPath(dir, name)));
  const declaredManager = typeof json?.packageManager === "string" ? json.packageManager : null;
  const packageManager = lock?.[1] ?? managerName(declaredManager);
  const version = pinFileVersion(root, dir, [".nvmrc", ".node-version"]) ?? engineVersion(json, manifest);
  return {
    component: {
      language: "node",
      dir,
      manifest,
      version,
      packageManager,
      lockfile: lock ? relPath(dir, lock[0]) : null,
    },
    isWorkspace: json !== null && json.workspaces !== undefined,
  };
}

/** `pnpm@8.15.0+sha256…` → `pnpm`; anything else is not a manager we know. */
function managerName(declared: string | null): string | null {
  const name = declared?.split("@")[0]?.trim() ?? "";
  return ["npm", "yarn", "pnpm", "bun"].includes(name) ? name : null;
}

function engineVersion(json: Table | null, manifest: string): Component["version"] {
  const node = tableOrNull(json?.engines)?.node;
  if (typeof node !== "string" || !node.trim()) return null;
  return versionOf(node.trim(), manifest);
}

function parseJson(text: string, file: string, diagnostics: Diagnostic[]): Table | null {
  try {
    const value = tableOrNull(JSON.parse(text));
    if (value) return value;
    diagnostics.push(diagnostic("warning", file, "expected a JSON object; the file is ignored", 1));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = message.match(/at position (\d+)/);
    const line = position ? lineOf(text, Number(position[1])) : null;
    diagnostics.push(diagnostic("warning", file, `not valid JSON: ${message.split("\n")[0]}`, line));
  }
  return null;
}

// ---------------------------------------------------------------- Rust

function readRust(
  root: string,
  dir: string,
  manifest: string,
  text: string | null,
  diagnostics: Diagnostic[],
): Found {
  const toml = text === null ? null : parseTomlFile(text, manifest, diagnostics);
  const pkg = tableOrNull(toml?.package);
  const rustVersion = typeof pkg?.["rust-version"] === "string" ? pkg["rust-version"] : null;
  const version =
    toolchainFileVersion(root, dir, diagnostics) ??
    (rustVersion ? { value: rustVersion, file: manifest, kind: "range" as const } : null);
  const lock = findUp(root, dir, "Cargo.lock");
  return {
    component: { language: "rust", dir, manifest, version, packageManager: "cargo", lockfile: lock },
    isWorkspace: toml?.workspace !== undefined,
  };
}

/** `rust-toolchain.toml` `[toolchain] channel`, or the legacy one-line `rust-toolchain`; component dir first. */
function toolchainFileVersion(root: string, dir: string, diagnostics: Diagnostic[]): Component["version"] {
  for (const base of dirsUpToRoot(dir)) {
    for (const name of ["rust-toolchain.toml", "rust-toolchain"]) {
      const file = relPath(base, name);
      const text = readSmallText(root, file);
      if (text === null) continue;
      const firstLine = text.trim().split("\n")[0]?.trim() ?? "";
      // The legacy file may hold just a channel name, or the same TOML as rust-toolchain.toml.
      if (name === "rust-toolchain" && firstLine && !firstLine.startsWith("[")) {
        return versionOf(firstLine, file);
      }
      const toolchain = tableOrNull(parseTomlFile(text, file, diagnostics)?.toolchain);
      const channel = toolchain?.channel;
      if (typeof channel === "string" && channel.trim()) return versionOf(channel.trim(), file);
    }
  }
  return null;
}

function parseTomlFile(text: string, file: string, diagnostics: Diagnostic[]): Table | null {
  const { doc, problem } = tryParseToml(text);
  if (problem)
    diagnostics.push(diagnostic("warning", file, `not valid TOML: ${problem.reason}`, problem.line));
  return doc ?? null;
}

// ---------------------------------------------------------------- Go

/** `toolchain go1.22.3` names an exact toolchain; `go 1.22` is the minimum the module needs. */
function readGo(root: string, dir: string, manifest: string, text: string | null): Found {
  let go: { value: string; line: number } | null = null;
  let toolchain: string | null = null;
  (text ?? "").split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, "").trim();
    const goMatch = line.match(/^go\s+(\d+(?:\.\d+){0,2}(?:rc\d+|beta\d+)?)$/);
    if (goMatch) go = { value: goMatch[1]!, line: index + 1 };
    const toolchainMatch = line.match(/^toolchain\s+go(\d+\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)$/);
    if (toolchainMatch) toolchain = toolchainMatch[1]!;
  });
  const goVersion = go as { value: string; line: number } | null;
  const version: Component["version"] = toolchain
    ? { value: toolchain, file: manifest, kind: exactness(toolchain) }
    : goVersion
      ? { value: goVersion.value, file: manifest, kind: "range" }
      : null;
  const sum = relPath(dir, "go.sum");
  return {
    component: {
      language: "go",
      dir,
      manifest,
      version,
      packageManager: "go",
      lockfile: isFile(root, sum) ? sum : null,
    },
    isWorkspace: false,
  };
}

// ---------------------------------------------------------------- shared

/** `.nvmrc`-style files: the first non-comment line, component dir first, then up to the root. */
function pinFileVersion(root: string, dir: string, names: string[]): Component["version"] {
  for (const base of dirsUpToRoot(dir)) {
    for (const name of names) {
      const file = relPath(base, name);
      const text = readSmallText(root, file);
      if (text === null) continue;
      const value = text
        .split(/\r?\n/)
        .map((line) => line.replace(/#.*$/, "").trim())
        .find(Boolean);
      if (value) return versionOf(value, file);
    }
  }
  return null;
}

function versionOf(value: string, file: string): NonNullable<Component["version"]> {
  return { value, file, kind: exactness(value) };
}

/** Exact means one release: `20.18.0`, `v20.18.0`, `1.75.0`, `=1.2.3`. */
function exactness(value: string): "exact" | "range" {
  return /^[=v]?\d+\.\d+\.\d+([-+.]?[0-9A-Za-z.]*)?$/.test(value.trim()) && !/[xX*]/.test(value)
    ? "exact"
    : "range";
}

/** `a/b` → [`a/b`, `a`, `.`]. */
function dirsUpToRoot(dir: string): string[] {
  const dirs: string[] = [];
  let current = dir;
  while (current !== "." && current !== "") {
    dirs.push(current);
    current = posix.dirname(current);
  }
  dirs.push(".");
  return dirs;
}

/** A Cargo workspace member shares the workspace's Cargo.lock. */
function findUp(root: string, dir: string, name: string): string | null {
  return (
    dirsUpToRoot(dir)
      .map((base) => relPath(base, name))
      .find((file) => isFile(root, file)) ?? null
  );
}

function relPath(dir: string, name: string): string {
  return dir === "." ? name : `${dir}/${name}`;
}

function isFile(root: string, rel: string): boolean {
  try {
    return statSync(join(root, rel)).isFile();
  } catch {
    return false;
  }
}

/** The text of a small file, or null when it is missing, too large or unreadable. */
function readSmallText(root: string, rel: string): string | null {
  try {
    const path = join(root, rel);
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_MANIFEST_BYTES) return null;
    return stripBom(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}
