/**
 * A noxfile's test sessions, read statically (never run): the string literals given to
 * `session.install(…)` in sessions named like tests (`test`, `tests`, `pytest`, `unit`, `tests-…`) become the
 * group `nox`: requirements, `-r file` (followed), `.[test]`/`-e .[test]` (extras the dev workflow installs).
 * Arguments that are not literals are named in an info diagnostic. The noxfile is a secondary source: what
 * cannot be read in it is a warning, never fatal.
 * Spec: https://nox.thea.codes/en/stable/config.html
 */
import { diagnostic } from "../../../core/diagnostics.js";
import { isDhtlError } from "../../../core/errors.js";
import { type Token, tokenize } from "../../../formats/python-source/tokenizer.js";
import type { LogicalLine } from "../../../formats/requirements.js";
import { readToolRequirementLines } from "../requirements/tool-lines.js";
import { emptyManifest, type ManifestFacts, type ManifestReader, type SourceFile } from "../types.js";

/** The group the test sessions' installs go to. */
export const NOX_GROUP = "nox";

/** Session names that run the test suite. */
const TEST_SESSION = /^(tests?|pytest|unit|unittests?)([-_].+)?$/i;
/** pip options that take a value: kept with it on one line. */
const OPTIONS_WITH_VALUE = new Set(["-r", "--requirement", "-c", "--constraint", "-e", "--editable"]);

/** One `session.install(…)` call: its arguments as written, null for one that is not a string literal. */
interface InstallCall {
  args: (string | null)[];
  line: number;
}

interface Session {
  name: string;
  installs: InstallCall[];
}

export const noxReader: ManifestReader = {
  name: "nox",
  spec: "https://nox.thea.codes/en/stable/config.html",
  claims: (relPath) => relPath === "noxfile.py",
  read(file, ctx) {
    const manifest = emptyManifest("nox", file.path);
    let sessions: Session[];
    try {
      sessions = readSessions(tokenize(file.text, file.path));
    } catch (error) {
      if (!isDhtlError(error)) throw error;
      manifest.diagnostics.push(
        diagnostic("warning", file.path, `noxfile not read: ${error.message}`, error.line ?? null),
      );
      return [manifest];
    }
    for (const session of sessions.filter((s) => TEST_SESSION.test(s.name))) {
      const lines = session.installs.flatMap((call) => pipLines(call, file, manifest));
      readToolRequirementLines(lines, file, ctx, manifest, NOX_GROUP);
    }
    const found = Object.keys(manifest.dependencyGroups).length > 0 || (manifest.devExtras?.length ?? 0) > 0;
    return found || manifest.diagnostics.some((d) => d.severity !== "info") ? [manifest] : [];
  },
};

/** pip argument lines of one call; non-literal arguments are reported and skipped. */
function pipLines(call: InstallCall, file: SourceFile, manifest: ManifestFacts): LogicalLine[] {
  const lines: LogicalLine[] = [];
  for (let i = 0; i < call.args.length; i++) {
    const arg = call.args[i];
    if (arg === null || arg === undefined) {
      manifest.diagnostics.push(
        diagnostic(
          "info",
          file.path,
          "session.install() argument is not a string literal: not read",
          call.line,
        ),
      );
      continue;
    }
    if (OPTIONS_WITH_VALUE.has(arg)) {
      const value = call.args[++i];
      if (typeof value === "string") lines.push({ text: `${arg} ${value}`, line: call.line });
      continue;
    }
    // Install-tuning flags (`-U`, `--quiet`) say nothing about what is installed.
    if (arg.startsWith("-") && !/^-[rce]\S/.test(arg)) continue;
    lines.push({ text: arg, line: call.line });
  }
  return lines;
}

/** Every function decorated with `@nox.session` (or `@session`), with the install calls in its body. */
export function readSessions(tokens: Token[]): Session[] {
  const sessions: Session[] = [];
  let decoratedName: string | null | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isOp(token, "@") && atStatementStart(tokens, i)) {
      const decorator = readDecorator(tokens, i + 1);
      if (decorator.isSession) decoratedName = decorator.name;
      i = decorator.end - 1;
      continue;
    }
    if (token.kind === "name" && token.text === "def" && atStatementStart(tokens, i)) {
      const isSession = decoratedName !== undefined;
      const name = decoratedName ?? null;
      decoratedName = undefined;
      if (!isSession) continue;
      const fn = tokens[i + 1];
      const param = tokens[i + 3];
      if (fn?.kind !== "name" || !isOp(tokens[i + 2], "(") || param?.kind !== "name") continue;
      const body = functionBody(tokens, i);
      sessions.push({ name: name ?? fn.text, installs: installCalls(tokens, body, param.text) });
      i = body.end - 1;
    } else if (token.kind === "newline" && decoratedName !== undefined && !isDecoratorLineEnd(tokens, i)) {
      // Something other than another decorator or the function came between: that decorator was not ours.
      decoratedName = undefined;
    }
  }
  return sessions;
}

/** A decorator's dotted name and, for a session, its `name="…"` argument; `end` is the token after it. */
function readDecorator(
  tokens: Token[],
  start: number,
): { isSession: boolean; name: string | null; end: number } {
  const parts: string[] = [];
  let i = start;
  while (tokens[i]?.kind === "name") {
    parts.push(tokens[i]!.text);
    if (!isOp(tokens[i + 1], ".")) break;
    i += 2;
  }
  i++;
  const isSession =
    (parts.length === 1 && parts[0] === "session") ||
    (parts.length === 2 && parts.join(".") === "nox.session");
  let name: string | null = null;
  if (isOp(tokens[i], "(")) {
    const close = matchingClose(tokens, i);
    for (let k = i + 1; k < close; k++) {
      const key = tokens[k]!;
      if (
        key.kind === "name" &&
        key.text === "name" &&
        isOp(tokens[k + 1], "=") &&
        isLiteral(tokens[k + 2])
      ) {
        name = tokens[k + 2]!.text;
      }
    }
    i = close + 1;
  }
  return { isSession, name, end: i };
}

/** Token range of a function's body: its indented block, or the rest of the line for `def f(s): …`. */
function functionBody(tokens: Token[], defIndex: number): { start: number; end: number } {
  let i = matchingClose(tokens, defIndex + 2) + 1;
  while (i < tokens.length && !isOp(tokens[i], ":")) i++;
  i++;
  if (tokens[i]?.kind !== "newline") {
    let end = i;
    while (end < tokens.length && tokens[end]!.kind !== "newline") end++;
    return { start: i, end };
  }
  if (tokens[i + 1]?.kind !== "indent") return { start: i, end: i };
  let depth = 0;
  let end = i + 1;
  for (; end < tokens.length; end++) {
    const kind = tokens[end]!.kind;
    if (kind === "indent") depth++;
    else if (kind === "dedent" && --depth === 0) break;
  }
  return { start: i + 2, end };
}

/** `session.install(…)` calls in a body (`session` being the function's first parameter). */
function installCalls(tokens: Token[], body: { start: number; end: number }, param: string): InstallCall[] {
  const calls: InstallCall[] = [];
  for (let i = body.start; i < body.end; i++) {
    const t = tokens[i]!;
    if (t.kind !== "name" || t.text !== param || isOp(tokens[i - 1], ".")) continue;
    if (!isOp(tokens[i + 1], ".") || tokens[i + 2]?.text !== "install" || !isOp(tokens[i + 3], "(")) continue;
    const close = matchingClose(tokens, i + 3);
    calls.push({ args: callArguments(tokens, i + 4, close), line: t.line });
    i = close;
  }
  return calls;
}

/** Positional arguments between `start` and `close`: the literal's value, or null; keywords are left out. */
function callArguments(tokens: Token[], start: number, close: number): (string | null)[] {
  const args: (string | null)[] = [];
  let current: Token[] = [];
  const flush = () => {
    if (current.length === 0) return;
    const isKeyword = current[0]?.kind === "name" && isOp(current[1], "=");
    if (!isKeyword) args.push(current.every(isLiteral) ? current.map((t) => t.text).join("") : null);
    current = [];
  };
  for (let i = start; i < close; i++) {
    const t = tokens[i]!;
    if (isOp(t, ",")) {
      flush();
      continue;
    }
    if (isOp(t, "(") || isOp(t, "[") || isOp(t, "{")) {
      const end = matchingClose(tokens, i);
      current.push(...tokens.slice(i, end + 1));
      i = end;
      continue;
    }
    if (t.kind !== "newline" && t.kind !== "indent" && t.kind !== "dedent") current.push(t);
  }
  flush();
  return args;
}

/** A plain string literal (f-strings and bytes are not values known before running). */
function isLiteral(token: Token | undefined): boolean {
  return token?.kind === "string" && !/[fb]/.test(token.prefix);
}

function isOp(token: Token | undefined, op: string): boolean {
  return token?.kind === "op" && token.text === op;
}

function atStatementStart(tokens: Token[], i: number): boolean {
  const previous = tokens[i - 1]?.kind;
  return previous === undefined || previous === "newline" || previous === "indent" || previous === "dedent";
}

/** True when the newline at `i` ends a decorator line (the next statement is another decorator or `def`). */
function isDecoratorLineEnd(tokens: Token[], i: number): boolean {
  const next = tokens[i + 1];
  return isOp(next, "@") || (next?.kind === "name" && (next.text === "def" || next.text === "async"));
}

/** Index of the bracket closing the one at `open` (the last token when unbalanced). */
function matchingClose(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "op") continue;
    if (t.text === "(" || t.text === "[" || t.text === "{") depth++;
    else if ((t.text === ")" || t.text === "]" || t.text === "}") && --depth === 0) return i;
  }
  return tokens.length - 1;
}
