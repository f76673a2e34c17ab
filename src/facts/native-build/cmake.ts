/**
 * What a `CMakeLists.txt` requires of the system: `find_package(ZLIB REQUIRED)` and
 * `pkg_check_modules(CAIRO REQUIRED cairo>=1.10)` / `pkg_search_module(X REQUIRED a b)` (alternatives).
 * Packages found without REQUIRED are optional features: left out.
 */
import { nativeLibraryOf } from "../system-deps/native-libraries.js";
import type { NativeNeed } from "./types.js";

const PKG_KEYWORDS = new Set([
  "REQUIRED",
  "QUIET",
  "IMPORTED_TARGET",
  "GLOBAL",
  "NO_CMAKE_PATH",
  "NO_CMAKE_ENVIRONMENT_PATH",
]);

export function cmakeNativeNeeds(text: string, file: string): NativeNeed[] {
  const source = text.replace(/#[^\n]*/g, (comment) => " ".repeat(comment.length));
  const needs: NativeNeed[] = [];
  const lineOf = (index: number) => source.slice(0, index).split("\n").length;
  const call = /\b(find_package|pkg_check_modules|pkg_search_module)\s*\(([^)]*)\)/gi;
  for (let match = call.exec(source); match; match = call.exec(source)) {
    const command = match[1]!.toLowerCase();
    const words = match[2]!.trim().split(/\s+/).filter(Boolean);
    if (!words.includes("REQUIRED")) continue;
    if (command === "find_package") {
      const name = words[0] ?? "";
      const library = nativeLibraryOf("cmake", name);
      if (library)
        needs.push({
          file,
          line: lineOf(match.index),
          via: "find_package",
          names: [name],
          kind: "cmake",
          library,
        });
      continue;
    }
    const modules = words
      .slice(1)
      .filter((word) => !PKG_KEYWORDS.has(word))
      .map((word) => word.replace(/[<>=].*$/, ""));
    const alternatives = command === "pkg_search_module" ? [modules] : modules.map((module) => [module]);
    for (const names of alternatives) {
      const library = names.map((name) => nativeLibraryOf("pkgConfig", name)).find((key) => key !== null);
      if (library)
        needs.push({ file, line: lineOf(match.index), via: command, names, kind: "pkgConfig", library });
    }
  }
  return needs;
}
