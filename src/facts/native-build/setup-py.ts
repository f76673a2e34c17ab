/**
 * The C libraries a setup.py builds its extensions against, read from its tokens (never run): the
 * `libraries=[…]` of `Extension(…)`, the modules of `pkg-config` commands (`"pkg-config --cflags
 * cairo"`, `["pkg-config", "--libs", "x"]`, `pkgconfig.parse("x")`), a list of module names the file
 * tries with pkg-config one after another (mysqlclient: `["mysqlclient", "mariadb", "libmariadb", …]`),
 * and `*-config` programs (`mysql_config`, `pg_config`).
 */
import { type Token, tokenize } from "../../formats/python-source/tokenizer.js";
import { nativeLibraryOf } from "../system-deps/native-libraries.js";
import type { NativeNeed } from "./types.js";

const MODULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

export function setupPyNativeNeeds(text: string, file: string): NativeNeed[] {
  let tokens: Token[];
  try {
    tokens = tokenize(text, file);
  } catch {
    return []; // a setup.py Python cannot parse is reported by the manifest reader
  }
  const needs: NativeNeed[] = [];
  const add = (line: number, via: string, names: string[], kind: "pkgConfig" | "link" | "tools") => {
    const known = names.map((name) => nativeLibraryOf(kind, name)).find((key) => key !== null) ?? null;
    if (known) needs.push({ file, line, via, names, kind, library: known });
  };
  const usesPkgConfig = tokens.some(
    (token) =>
      (token.kind === "string" && /(^|\s)pkg-config(\s|$)/.test(token.text)) ||
      (token.kind === "name" && token.text === "pkgconfig"),
  );
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === "name" && token.text === "libraries" && isOp(tokens[i + 1], "=")) {
      for (const name of stringsInBrackets(tokens, i + 2)) add(token.line, "libraries=", [name], "link");
      continue;
    }
    if (token.kind === "name" && token.text === "pkgconfig" && isOp(tokens[i + 1], ".")) {
      const call = tokens[i + 3];
      if (isOp(call, "(") && tokens[i + 4]?.kind === "string")
        for (const name of tokens[i + 4]!.text.split(/\s+/).filter((n) => MODULE_NAME.test(n)))
          add(token.line, "pkgconfig", [name], "pkgConfig");
      continue;
    }
    if (token.kind !== "string") continue;
    const words = token.text.trim().split(/\s+/);
    if (words[0] === "pkg-config" && words.length === 1) {
      // argv form: the module names are the strings after "pkg-config" in the same list
      for (const name of stringsInBrackets(tokens, i, true).filter((w) => !w.startsWith("-")))
        add(token.line, "pkg-config", [name], "pkgConfig");
      continue;
    }
    const at = words.indexOf("pkg-config");
    if (at >= 0) {
      for (const word of words.slice(at + 1)) {
        if (word.startsWith("-") || !MODULE_NAME.test(word)) continue;
        add(token.line, "pkg-config", [word], "pkgConfig");
      }
      continue;
    }
    const program = words[0]?.split("/").pop() ?? "";
    if (/[-_]config$/.test(program) && nativeLibraryOf("tools", program)) {
      add(token.line, program, [program], "tools");
      continue;
    }
    // A list of module names tried one after another: every string in it is a pkg-config name dhtl knows.
    if (usesPkgConfig && isOp(tokens[i - 1], "[", "(") && isCandidateList(tokens, i - 1)) {
      const list = stringsInBrackets(tokens, i - 1);
      if (
        list[0] === token.text &&
        list.length > 1 &&
        list.every((name) => nativeLibraryOf("pkgConfig", name))
      )
        add(token.line, "pkg-config", list, "pkgConfig");
    }
  }
  return needs;
}

/**
 * A list bound to a variable (`packages = [...]` as a statement) or looped over (`for pkg in [...]`): the
 * shape of names tried in turn. A keyword argument (`setup(packages=[...])`) is something else.
 */
function isCandidateList(tokens: Token[], open: number): boolean {
  const before = tokens[open - 1];
  if (before?.kind === "name" && before.text === "in") return true;
  if (!isOp(before, "=") || tokens[open - 2]?.kind !== "name") return false;
  const start = tokens[open - 3];
  return (
    start === undefined || start.kind === "newline" || start.kind === "indent" || start.kind === "dedent"
  );
}

function isOp(token: Token | undefined, ...ops: string[]): boolean {
  return token?.kind === "op" && ops.includes(token.text);
}

/**
 * The plain strings of a bracketed list of literals starting at `open` (`[`/`(`), or — with `within` —
 * of the list the string at `open` belongs to, from there on. Empty when anything else is in it.
 */
function stringsInBrackets(tokens: Token[], open: number, within = false): string[] {
  const strings: string[] = [];
  let i = open;
  if (!within) {
    if (!isOp(tokens[i], "[", "(")) return [];
    i++;
  }
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === "string" && token.prefix.indexOf("f") < 0) strings.push(token.text);
    else if (isOp(token, ",")) continue;
    else if (isOp(token, "]", ")")) return strings;
    else return within ? strings : [];
  }
  return strings;
}
