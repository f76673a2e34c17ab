/**
 * A tokenizer-level view of Python source with exact offsets: names, strings (every prefix, triple quotes,
 * nested f-strings, via the import scanner's string reader), comments, brackets and logical newlines. Enough
 * to find statements, match their brackets and split call arguments without disturbing a byte around them.
 */
import { skipString } from "../../formats/python-source/lexer.js";

export type TokenKind = "name" | "string" | "number" | "comment" | "op" | "newline";

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Bracket depth before this token (a closing bracket has the depth of what it closes). */
  depth: number;
  /** True when this token is the first one on its physical line (only indentation before it). */
  lineStart: boolean;
}

const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);
const STRING_PREFIX = /^(?:[rRuUbBfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;

export function scan(src: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let depth = 0;
  let lineStart = true;
  const push = (kind: TokenKind, start: number, end: number, tokenDepth = depth) => {
    tokens.push({ kind, start, end, depth: tokenDepth, lineStart });
    lineStart = false;
  };
  while (pos < src.length) {
    const c = src[pos] as string;
    if (c === " " || c === "\t" || c === "\f" || c === "\r") {
      pos++;
    } else if (c === "\\" && src[pos + 1] === "\n") {
      pos += 2;
    } else if (c === "\n") {
      if (depth === 0) push("newline", pos, pos + 1);
      pos++;
      lineStart = true;
    } else if (c === "#") {
      const eol = src.indexOf("\n", pos);
      const end = eol < 0 ? src.length : eol;
      push("comment", pos, end);
      pos = end;
    } else if (c === '"' || c === "'") {
      const end = skipString(src, pos, false, false);
      push("string", pos, end);
      pos = end;
    } else if (/[\p{L}_]/u.test(c)) {
      let end = pos + 1;
      while (end < src.length && /[\p{L}\p{N}_]/u.test(src[end] as string)) end++;
      const word = src.slice(pos, end);
      if ((src[end] === '"' || src[end] === "'") && STRING_PREFIX.test(word)) {
        const lower = word.toLowerCase();
        const stringEnd = skipString(src, end, lower.includes("r"), /[ft]/.test(lower));
        push("string", pos, stringEnd);
        pos = stringEnd;
      } else {
        push("name", pos, end);
        pos = end;
      }
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[pos + 1] ?? ""))) {
      let end = pos + 1;
      while (end < src.length && /[0-9A-Za-z_.]/.test(src[end] as string)) {
        if (/[eE]/.test(src[end] as string) && /[+-]/.test(src[end + 1] ?? "")) end++;
        end++;
      }
      push("number", pos, end);
      pos = end;
    } else if (OPEN.has(c)) {
      push("op", pos, pos + 1);
      depth++;
      pos++;
    } else if (CLOSE.has(c)) {
      depth = Math.max(0, depth - 1);
      push("op", pos, pos + 1);
      pos++;
    } else {
      push("op", pos, pos + 1);
      pos++;
    }
  }
  return tokens;
}

export function textOf(src: string, token: Token | undefined): string {
  return token ? src.slice(token.start, token.end) : "";
}

/** Index of the bracket closing the one at `open`, or -1 when the file ends first. */
export function matchingClose(src: string, tokens: Token[], open: number): number {
  const depth = tokens[open]?.depth ?? 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === "op" && t.depth === depth && CLOSE.has(src[t.start] ?? "")) return i;
  }
  return -1;
}

/** One call argument as written: its text, keyword if any, and the comments that follow it. */
export interface Arg {
  text: string;
  keyword: string | null;
  /** Comments between this argument and the next one (or the closing bracket). */
  comments: string[];
}

/** Splits the arguments between the brackets at `open` and `close` at top-level commas. */
export function splitArgs(src: string, tokens: Token[], open: number, close: number): Arg[] {
  const depth = (tokens[open]?.depth ?? 0) + 1;
  const args: Arg[] = [];
  let current: Token[] = [];
  let pendingComments: string[] = [];
  const finish = () => {
    const code = current.filter((t) => t.kind !== "comment");
    const first = code[0];
    const last = code.at(-1);
    if (first && last) {
      const isKeyword =
        first.kind === "name" &&
        textOf(src, code[1]) === "=" &&
        textOf(src, code[2]) !== "=" &&
        code.length > 2;
      const start = isKeyword ? (code[2] as Token).start : first.start;
      args.push({
        text: src.slice(start, last.end),
        keyword: isKeyword ? textOf(src, first) : null,
        comments: current
          .filter((t) => t.kind === "comment" && t.start > last.end)
          .map((t) => textOf(src, t)),
      });
    } else if (pendingComments.length > 0 && args.length > 0) {
      args.at(-1)?.comments.push(...pendingComments);
    }
    pendingComments = [];
    current = [];
  };
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i] as Token;
    if (t.kind === "op" && t.depth === depth && textOf(src, t) === ",") {
      // Comments right after a comma on the same line describe the argument before it.
      const lineEnd = src.indexOf("\n", t.end);
      let k = i + 1;
      while (
        k < close &&
        tokens[k]?.kind === "comment" &&
        (lineEnd < 0 || (tokens[k]?.start ?? 0) < lineEnd)
      ) {
        current.push(tokens[k] as Token);
        k++;
      }
      i = k - 1;
      finish();
      continue;
    }
    current.push(t);
  }
  finish();
  return args;
}

/** Indentation of the physical line holding `offset`. */
export function indentAt(src: string, offset: number): string {
  const lineStart = src.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(src.slice(lineStart))?.[0] ?? "";
}
