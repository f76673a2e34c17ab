/**
 * `.gitignore` patterns, implemented from the rules in git's gitignore(5) documentation:
 * `#` comments, `!` negation, trailing `/` for directories only, a `/` at the start or in the middle
 * anchors the pattern to the .gitignore's directory, `*` `?` `[…]` never match `/`, and `**` spans
 * directories in `**​/x`, `x/**` and `a/**​/b`. The last matching pattern wins.
 */

interface Rule {
  regex: RegExp;
  negate: boolean;
  directoryOnly: boolean;
}

export interface IgnoreFile {
  /** Directory of the .gitignore, relative to the walk root ("" for the root or above it). */
  base: string;
  /** For a .gitignore above the walk root: the root's path from it, with a trailing `/`. */
  prefix: string;
  rules: Rule[];
}

/** `base`: the file's directory relative to the walk root; `prefix`: the walk root seen from a parent's file. */
export function parseGitignore(text: string, base: string, prefix = ""): IgnoreFile {
  const rules: Rule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const rule = compileRule(rawLine);
    if (rule) rules.push(rule);
  }
  return { base, prefix, rules };
}

function compileRule(rawLine: string): Rule | null {
  // Trailing spaces are ignored unless escaped with a backslash.
  let pattern = rawLine.replace(/(?<!\\)[ \t]+$/, "");
  if (pattern === "" || pattern.startsWith("#")) return null;
  let negate = false;
  if (pattern.startsWith("!")) {
    negate = true;
    pattern = pattern.slice(1);
  } else if (pattern.startsWith("\\!") || pattern.startsWith("\\#")) {
    pattern = pattern.slice(1);
  }
  let directoryOnly = false;
  if (pattern.endsWith("/")) {
    directoryOnly = true;
    pattern = pattern.replace(/\/+$/, "");
  }
  if (pattern === "") return null;
  const anchored = pattern.includes("/");
  if (pattern.startsWith("/")) pattern = pattern.slice(1);
  const body = translate(pattern);
  const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
  return { regex, negate, directoryOnly };
}

/** Glob to regular expression source; paths are posix and relative to the .gitignore's directory. */
function translate(pattern: string): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      const atStart = i === 0 || pattern[i - 1] === "/";
      const next = pattern[i + 2];
      if (atStart && next === "/") {
        out += "(?:.*/)?"; // `**/` : zero or more directories
        i += 3;
        continue;
      }
      if (atStart && next === undefined) {
        out += ".*"; // trailing `/**` : everything inside
        i += 2;
        continue;
      }
      // Any other `**` is an ordinary `*`.
      while (pattern[i] === "*") i++;
      out += "[^/]*";
      continue;
    }
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const close = characterClassEnd(pattern, i);
      if (close < 0) out += "\\[";
      else {
        let inner = pattern.slice(i + 1, close);
        const negated = inner.startsWith("!") || inner.startsWith("^");
        if (negated) inner = inner.slice(1);
        inner = inner.replace(/\\/g, "\\\\").replace(/\]/g, "\\]");
        out += `(?!/)[${negated ? "^" : ""}${inner}]`;
        i = close + 1;
        continue;
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      out += escapeRegExp(pattern[i + 1] as string);
      i += 2;
      continue;
    } else out += escapeRegExp(c);
    i++;
  }
  return out;
}

/** Index of the `]` closing a class opened at `open` (a `]` right after `[` or `[!` is literal), or -1. */
function characterClassEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) if (pattern[i] === "]") return i;
  return -1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Whether `path` (relative to the walk root) is ignored by the given files, which are ordered
 * from the root down, so deeper files and later lines take precedence.
 */
export function isIgnored(path: string, isDirectory: boolean, files: readonly IgnoreFile[]): boolean {
  let ignored = false;
  for (const file of files) {
    if (file.base !== "" && !path.startsWith(`${file.base}/`)) continue;
    const relative = file.prefix + (file.base === "" ? path : path.slice(file.base.length + 1));
    for (const rule of file.rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.regex.test(relative)) ignored = !rule.negate;
    }
  }
  return ignored;
}
