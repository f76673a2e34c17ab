/**
 * The system packages the project's own compiled parts need to build: read statically from setup.py,
 * meson.build and CMakeLists.txt (never run), mapped through facts/system-deps/native-libraries.ts. They
 * are build needs of the project itself, whether uv builds it (an editable install, `uv lock` reading
 * its metadata) or the developer does (pycairo: `uv sync`, then `meson setup` with the venv's meson).
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../../core/compare.js";
import { NATIVE_LIBRARIES, NINJA_TOOL, nativeLibraryOf } from "../system-deps/native-libraries.js";
import { isValidSystemPackageName } from "../system-deps/package-names.js";
import { PKG_CONFIG } from "../system-deps/packages.js";
import { COMPILER, MANAGERS, type TableManager } from "../system-deps/table.js";
import type { SystemDependency } from "../types.js";
import { cmakeNativeNeeds } from "./cmake.js";
import { mesonNativeNeeds } from "./meson.js";
import { setupPyNativeNeeds } from "./setup-py.js";
import type { NativeBuildFacts, NativeNeed } from "./types.js";

export type { NativeBuildFacts, NativeNeed } from "./types.js";

/** Directories whose build files are not the project's own build (vendored code, outputs, tools). */
const SKIPPED_DIRS = new Set([
  "subprojects",
  "third_party",
  "thirdparty",
  "vendor",
  "extern",
  "external",
  "deps",
  "node_modules",
  "build",
  "_build",
  "builddir",
  "dist",
]);
const MAX_DEPTH = 4;
const MAX_FILE_BYTES = 1 << 20;

export function readNativeBuild(root: string): NativeBuildFacts {
  const systems: NativeBuildFacts["systems"] = [];
  const needs: NativeNeed[] = [];
  const setupPy = readSmall(root, "setup.py");
  if (setupPy !== null) {
    const found = setupPyNativeNeeds(setupPy, "setup.py");
    if (found.length > 0) systems.push("setuptools");
    needs.push(...found);
  }
  if (readSmall(root, "meson.build") !== null) {
    systems.push("meson");
    for (const file of findFiles(root, "meson.build"))
      needs.push(...mesonNativeNeeds(readSmall(root, file) ?? "", file));
  }
  if (readSmall(root, "CMakeLists.txt") !== null) {
    systems.push("cmake");
    for (const file of findFiles(root, "CMakeLists.txt"))
      needs.push(...cmakeNativeNeeds(readSmall(root, file) ?? "", file));
  }
  return { systems, needs };
}

/**
 * The build-phase system packages these needs come to, per manager (default: all), each attributed to
 * the project (`because`) and marked as its own: the first alternative with packages for the manager,
 * pkg-config where a build asks it, a compiler, and ninja for meson.
 */
export function nativeBuildDependencies(
  facts: NativeBuildFacts,
  because: string,
  managers: readonly string[] = MANAGERS,
): SystemDependency[] {
  if (facts.needs.length === 0 && !facts.systems.includes("meson")) return [];
  const evidence = facts.needs.map(describeNeed).join("; ");
  const result: SystemDependency[] = [];
  for (const manager of managers) {
    const source = (manager === "yum" ? "dnf" : manager) as TableManager;
    if (!(MANAGERS as readonly string[]).includes(manager)) continue;
    const names = new Set<string>(COMPILER[source] ?? []);
    const throughPkgConfig =
      facts.systems.includes("meson") || facts.needs.some((need) => need.kind === "pkgConfig");
    if (throughPkgConfig) for (const name of PKG_CONFIG[source] ?? []) names.add(name);
    if (facts.systems.includes("meson")) for (const name of NINJA_TOOL[source] ?? []) names.add(name);
    for (const need of facts.needs) for (const name of packagesFor(need, source)) names.add(name);
    for (const name of [...names].sort(compareText)) {
      if (!isValidSystemPackageName(manager, name)) continue;
      result.push({ name, manager, because, phase: "build", own: true, evidence });
    }
  }
  return result;
}

/** `setup.py:18 pkg-config mysqlclient|mariadb` */
export function describeNeed(need: NativeNeed): string {
  return `${need.file}:${need.line} ${need.via} ${need.names.join("|")}`;
}

/** The packages of the first alternative this manager has packages for. */
function packagesFor(need: NativeNeed, manager: TableManager): string[] {
  for (const name of need.names) {
    const key = nativeLibraryOf(need.kind, name);
    const packages = key ? NATIVE_LIBRARIES[key]?.build[manager] : undefined;
    if (packages && packages.length > 0) return packages;
  }
  return [];
}

function readSmall(root: string, file: string): string | null {
  try {
    const path = join(root, file);
    const stat = lstatSync(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return null;
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Project-relative paths of every file of this name, skipping hidden, vendored and output directories. */
function findFiles(root: string, name: string): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isFile() && entry.name === name) found.push(path);
      else if (
        entry.isDirectory() &&
        depth < MAX_DEPTH &&
        !entry.name.startsWith(".") &&
        !SKIPPED_DIRS.has(entry.name)
      )
        visit(path, depth + 1);
    }
  };
  visit("", 0);
  return found;
}
