/**
 * Import roots a project's configuration names: where packaging finds its packages (`package_dir`,
 * `packages.find.where`, Poetry `packages.from`, Hatch `packages`/`sources`) and what pytest puts on
 * `sys.path` (`pythonpath`). Read from the project root and each nested project (workspace members);
 * a file that cannot be read or parsed names no roots (the manifest readers report it).
 */
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { type IniDocument, iniGet, parseIni } from "../../formats/ini.js";
import { tryParseToml } from "../../formats/toml.js";
import { isTable, type Table, tableAt } from "../../formats/toml-table.js";
import type { SysPathEntry } from "./scanner.js";

/** Roots named by the configuration of the project at `projectDir` ("" for the root), relative to the root. */
export function configuredRoots(root: string, projectDir: string): string[] {
  // Relative to the project's directory, like everything its configuration names.
  const found: string[] = projectDir === "" ? [] : [".", "src"];
  const read = (name: string) => readSmallText(join(root, projectDir, name));
  const pyproject = read("pyproject.toml");
  if (pyproject !== null) found.push(...pyprojectRoots(pyproject));
  for (const [name, section] of [
    ["pytest.ini", "pytest"],
    ["tox.ini", "pytest"],
    ["setup.cfg", "tool:pytest"],
  ] as const) {
    const doc = iniOf(read(name), name);
    const pythonpath = doc ? iniGet(doc, section, "pythonpath")?.value : undefined;
    if (pythonpath) found.push(...pythonpath.split(/\s+/).filter(Boolean));
    if (name === "setup.cfg" && doc) {
      const packageDir = iniGet(doc, "options", "package_dir")?.value;
      const rootPackage = packageDir ? /(?:^|\n)\s*=\s*(\S+)/.exec(packageDir)?.[1] : undefined;
      if (rootPackage) found.push(rootPackage);
      const where = iniGet(doc, "options.packages.find", "where")?.value;
      if (where) found.push(...where.split(/\s+/).filter(Boolean));
    }
  }
  const setupPy = read("setup.py");
  if (setupPy !== null) {
    // package_dir={"": "lib"} and find_packages("lib") / find_packages(where="lib"): read, never run.
    const packageDir = /package_dir\s*=\s*\{\s*(['"])\1\s*:\s*['"]([^'"]+)['"]/.exec(setupPy)?.[2];
    if (packageDir) found.push(packageDir);
    for (const match of setupPy.matchAll(
      /find(?:_namespace)?_packages\(\s*(?:where\s*=\s*)?['"]([^'"]+)['"]/g,
    )) {
      found.push(match[1] as string);
    }
  }
  return [
    ...new Set(
      found.map((dir) => normalizeRoot(projectDir, dir)).filter((dir): dir is string => dir !== null),
    ),
  ];
}

/**
 * Directories a file's `sys.path` insertions name, relative to the root. A path built from `__file__`
 * starts at the file's directory; a bare literal is relative to the working directory, which is the
 * root for tests and tools and the file's directory for scripts and Sphinx, so both are kept.
 */
export function sysPathRoots(file: string, entries: readonly SysPathEntry[]): string[] {
  const own = posix.dirname(file) === "." ? "" : posix.dirname(file);
  const found: string[] = [];
  for (const entry of entries) {
    const bases = entry.fromFile ? [climb(own, entry.up)] : [own, ""];
    for (const base of bases) {
      if (base === null) continue;
      const dir = normalizeRoot(base, entry.parts.join("/"));
      if (dir !== null) found.push(dir);
    }
  }
  return found;
}

function climb(dir: string, levels: number): string | null {
  let current = dir;
  for (let i = 0; i < levels; i++) {
    if (current === "") return null;
    current = posix.dirname(current) === "." ? "" : posix.dirname(current);
  }
  return current;
}

/** `dir` joined to `base`, posix, "" for the root; null when it leaves the project or is absolute. */
function normalizeRoot(base: string, dir: string): string | null {
  if (dir.startsWith("/") || /^[A-Za-z]:/.test(dir)) return null;
  const joined = posix.normalize(posix.join(base || ".", dir || "."));
  if (joined === ".." || joined.startsWith("../")) return null;
  return joined === "." ? "" : joined.replace(/\/$/, "");
}

function pyprojectRoots(text: string): string[] {
  const data: Table | undefined = tryParseToml(text).doc;
  if (!data) return [];
  const found: string[] = [];
  const strings = (value: unknown): string[] =>
    typeof value === "string"
      ? [value]
      : Array.isArray(value)
        ? value.filter((v): v is string => typeof v === "string")
        : [];
  for (const path of [
    ["tool", "pytest", "ini_options"],
    ["tool", "pytest"],
  ]) {
    found.push(...strings(tableAt(data, path)?.pythonpath));
  }
  const setuptools = tableAt(data, ["tool", "setuptools"]);
  const packageDir = setuptools?.["package-dir"];
  if (isTable(packageDir)) found.push(...strings(packageDir[""]));
  found.push(...strings(tableAt(data, ["tool", "setuptools", "packages", "find"])?.where));
  const poetryPackages = tableAt(data, ["tool", "poetry"])?.packages;
  if (Array.isArray(poetryPackages)) {
    for (const entry of poetryPackages) if (isTable(entry)) found.push(...strings(entry.from));
  }
  const wheel = tableAt(data, ["tool", "hatch", "build", "targets", "wheel"]);
  // Hatch `packages = ["lib/foo"]` ships lib/foo as foo: lib is the root.
  for (const path of strings(wheel?.packages)) if (path.includes("/")) found.push(posix.dirname(path));
  if (isTable(wheel?.sources)) {
    for (const [from, to] of Object.entries(wheel.sources)) if (to === "") found.push(from);
  }
  return found;
}

function iniOf(text: string | null, file: string): IniDocument | null {
  if (text === null) return null;
  try {
    return parseIni(text, file, { inlineCommentPrefixes: ["#", ";"] });
  } catch {
    return null;
  }
}

/** Configuration files are small; anything large or unreadable names no roots. */
function readSmallText(path: string): string | null {
  try {
    const bytes = readFileSync(path);
    return bytes.length > 1024 * 1024 ? null : bytes.toString("utf8");
  } catch {
    return null;
  }
}
