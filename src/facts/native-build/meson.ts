/**
 * What a `meson.build` asks of the system: `dependency('cairo', version: …)` (pkg-config names, the
 * positional names being alternatives) and `cc.find_library('m')`, unless marked `required: false`.
 */
import { nativeLibraryOf } from "../system-deps/native-libraries.js";
import type { NativeNeed } from "./types.js";

export function mesonNativeNeeds(text: string, file: string): NativeNeed[] {
  const source = withoutComments(text);
  const needs: NativeNeed[] = [];
  const call = /(?<![\w.])dependency\s*\(|\.find_library\s*\(/g;
  for (let match = call.exec(source); match; match = call.exec(source)) {
    const args = argumentsFrom(source, match.index + match[0].length);
    if (args === null || /\brequired\s*:\s*false\b/.test(args)) continue;
    const names = leadingStrings(args);
    if (names.length === 0) continue;
    const kind = match[0].startsWith(".") ? ("link" as const) : ("pkgConfig" as const);
    const library = names.map((name) => nativeLibraryOf(kind, name)).find((key) => key !== null) ?? null;
    if (!library) continue;
    const line = source.slice(0, match.index).split("\n").length;
    needs.push({
      file,
      line,
      via: kind === "link" ? "find_library()" : "dependency()",
      names,
      kind,
      library,
    });
  }
  return needs;
}

/** `# …` to the end of the line, outside `'…'` strings (meson has no other comment form). */
function withoutComments(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === "\\" && quoted) i++;
        else if (c === "'") quoted = !quoted;
        else if (c === "#" && !quoted) return line.slice(0, i);
      }
      return line;
    })
    .join("\n");
}

/** The text between a call's parentheses (from just after `(`), or null when unbalanced. */
function argumentsFrom(source: string, start: number): string | null {
  let depth = 1;
  let quoted = false;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === "'") quoted = false;
    } else if (c === "'") quoted = true;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") {
      depth--;
      if (depth === 0) return source.slice(start, i);
    }
  }
  return null;
}

/** The positional `'string'` arguments before the first keyword argument or other expression. */
function leadingStrings(args: string): string[] {
  const names: string[] = [];
  const item = /\s*'([^'\\]*)'\s*(,|$)/y;
  for (let match = item.exec(args); match; match = item.exec(args)) {
    names.push(match[1]!);
    if (match[2] === "") break;
  }
  return names;
}
