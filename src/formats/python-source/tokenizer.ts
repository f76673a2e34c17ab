/**
 * A Python tokenizer good enough to parse setup.py files statically: names, numbers, strings (all prefixes,
 * triple quotes, f-strings with nested quotes; their extent read by lexer.ts, as the import scanner reads
 * them), operators, NEWLINE/INDENT/DEDENT with implicit joining inside brackets and `\` continuations.
 * Errors Python itself would raise become DhtlError(badInput) with the line.
 */
import { DhtlError } from "../../core/errors.js";
import { skipString, stringTerminated } from "./lexer.js";

export type TokenKind = "name" | "number" | "string" | "op" | "newline" | "indent" | "dedent" | "end";

export interface Token {
  kind: TokenKind;
  /** For strings: the decoded value (f-strings: the raw body); otherwise the source text. */
  text: string;
  line: number;
  /** String prefix letters, lower-cased (`f`, `rb` …); "" for other tokens. */
  prefix: string;
}

const OPERATORS = [
  "**=",
  "//=",
  ">>=",
  "<<=",
  "...",
  "->",
  ":=",
  "**",
  "//",
  "<<",
  ">>",
  "<=",
  ">=",
  "==",
  "!=",
  "<>",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "@=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "@",
  "&",
  "|",
  "^",
  "~",
  "<",
  ">",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  ";",
  ".",
  "=",
  "!",
];
const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
/** CPython's own limits (200 nested brackets, 100 indentation levels) keep the recursive parser safe. */
const MAX_NESTING = 200;
const MAX_INDENTS = 100;
const NAME_START = /[\p{L}\p{Nl}_]/u;
const NAME_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]/u;
const NUMBER =
  /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJlL]?)/;
// `ur` is Python 2 only, still seen in old setup.py files.
const STRING_PREFIX = /^(?:[rR][bBfF]|[bBfF][rR]|[uU][rR]|[rRuUbBfF])(?=['"])/;

export function tokenize(source: string, file: string): Token[] {
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const tokens: Token[] = [];
  const brackets: { char: string; line: number }[] = [];
  const indents = [0];
  let pos = 0;
  let line = 1;
  let atLineStart = true;
  const fail = (message: string, at = line): never => {
    throw new DhtlError("badInput", `Python syntax error: ${message}`, { file, line: at });
  };
  const push = (kind: TokenKind, value: string, prefix = "") =>
    tokens.push({ kind, text: value, line, prefix });

  while (pos < text.length) {
    if (atLineStart && brackets.length === 0) {
      // Measure indentation; blank and comment-only lines do not count.
      let col = 0;
      let p = pos;
      while (p < text.length && (text[p] === " " || text[p] === "\t" || text[p] === "\f")) {
        col = text[p] === "\t" ? (Math.floor(col / 8) + 1) * 8 : text[p] === "\f" ? 0 : col + 1;
        p++;
      }
      const next = text[p];
      if (next === "\n" || next === "#" || next === undefined || (next === "\\" && text[p + 1] === "\n")) {
        pos = p;
        atLineStart = next === "\n" || next === undefined;
        if (next === "#") {
          while (pos < text.length && text[pos] !== "\n") pos++;
        }
        if (text[pos] === "\n") {
          pos++;
          line++;
          atLineStart = true;
        }
        if (next === "\\") {
          pos += 2;
          line++;
        }
        continue;
      }
      pos = p;
      atLineStart = false;
      const current = indents[indents.length - 1] ?? 0;
      if (col > current) {
        indents.push(col);
        if (indents.length > MAX_INDENTS) fail("too many levels of indentation");
        push("indent", "");
      } else {
        while (col < (indents[indents.length - 1] ?? 0)) {
          indents.pop();
          push("dedent", "");
        }
        if (col !== (indents[indents.length - 1] ?? 0))
          fail("unindent does not match any outer indentation level");
      }
    }
    const ch = text[pos] ?? "";
    if (ch === " " || ch === "\t" || ch === "\f") {
      pos++;
      continue;
    }
    if (ch === "#") {
      while (pos < text.length && text[pos] !== "\n") pos++;
      continue;
    }
    if (ch === "\\") {
      if (text[pos + 1] !== "\n") fail("unexpected character after line continuation character");
      pos += 2;
      line++;
      continue;
    }
    if (ch === "\n") {
      if (brackets.length === 0) {
        push("newline", "");
        atLineStart = true;
      }
      pos++;
      line++;
      continue;
    }
    const rest = text.slice(pos, pos + 3);
    const prefixMatch = STRING_PREFIX.exec(text.slice(pos, pos + 3));
    if (ch === '"' || ch === "'" || prefixMatch) {
      const prefix = prefixMatch ? prefixMatch[0] : "";
      const startLine = line;
      const { value, end, lines } = readString(text, pos + prefix.length, prefix.toLowerCase(), () =>
        fail("unterminated string literal", startLine),
      );
      tokens.push({ kind: "string", text: value, line: startLine, prefix: prefix.toLowerCase() });
      line += lines;
      pos = end;
      continue;
    }
    if (NAME_START.test(ch) || isHighSurrogate(ch)) {
      let end = pos + 1;
      while (end < text.length && (NAME_PART.test(text[end] ?? "") || isSurrogate(text[end] ?? ""))) end++;
      push("name", text.slice(pos, end));
      pos = end;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(text[pos + 1] ?? ""))) {
      const m = NUMBER.exec(text.slice(pos, pos + 200));
      const number = m?.[0] ?? ch;
      push("number", number);
      pos += number.length;
      continue;
    }
    const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!op) fail(`invalid character '${ch}'`);
    const operator = op as string;
    if (OPENERS[operator]) {
      brackets.push({ char: operator, line });
      if (brackets.length > MAX_NESTING) fail("too many nested parentheses");
    } else if (operator === ")" || operator === "]" || operator === "}") {
      const open = brackets.pop();
      if (!open) fail(`unmatched '${operator}'`);
      else if (OPENERS[open.char] !== operator)
        fail(
          `closing parenthesis '${operator}' does not match opening parenthesis '${open.char}' on line ${open.line}`,
        );
    }
    push("op", operator);
    pos += operator.length;
  }
  const unclosed = brackets.pop();
  if (unclosed) fail(`'${unclosed.char}' was never closed`, unclosed.line);
  if (tokens.length > 0 && tokens[tokens.length - 1]?.kind !== "newline") push("newline", "");
  while (indents.length > 1) {
    indents.pop();
    push("dedent", "");
  }
  push("end", "");
  return tokens;
}

/**
 * Reads a string literal starting at its opening quote; returns the decoded value (f-strings: the raw
 * body) and the newlines crossed. Where it ends is the import scanner's `skipString`: one reading of
 * Python's string forms for both.
 */
function readString(
  text: string,
  start: number,
  prefix: string,
  unterminated: () => never,
): { value: string; end: number; lines: number } {
  const raw = prefix.includes("r");
  const isF = prefix.includes("f");
  const end = skipString(text, start, raw, isF);
  if (!stringTerminated) unterminated();
  const quote = text[start] ?? '"';
  const delimiter = text.startsWith(quote.repeat(3), start) ? 3 : 1;
  const literal = text.slice(start, end);
  const body = literal.slice(delimiter, literal.length - delimiter);
  let lines = 0;
  for (let at = literal.indexOf("\n"); at >= 0; at = literal.indexOf("\n", at + 1)) lines++;
  return { value: raw || isF ? body : decodeEscapes(body), end, lines };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

/** Decodes the backslash escapes of a non-raw string literal body. */
export function decodeEscapes(body: string): string {
  return body.replace(
    /\\(\n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)/g,
    (whole, esc: string) => {
      if (esc === "\n") return "";
      if (esc in SIMPLE_ESCAPES && esc.length === 1 && !/[1-7]/.test(esc))
        return SIMPLE_ESCAPES[esc] ?? whole;
      if (/^[xuU]/.test(esc)) return String.fromCodePoint(Number.parseInt(esc.slice(1), 16));
      if (/^[0-7]+$/.test(esc)) return String.fromCodePoint(Number.parseInt(esc, 8));
      return whole;
    },
  );
}

/** Identifiers outside the BMP arrive as surrogate pairs; any astral letter is accepted as part of a name. */
function isHighSurrogate(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdbff;
}

function isSurrogate(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdfff;
}
