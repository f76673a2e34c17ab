/**
 * A tokenizer-level lexer for Python source: just enough to know where statements start.
 *
 * It understands every string form (prefixes, triple quotes, 3.12 nested f-strings), comments,
 * bracket depth (newlines inside brackets do not end a statement) and backslash continuations.
 * Numbers, operators and names are returned as coarse tokens; nothing is parsed.
 * The source must use `\n` line endings (see `normalizeNewlines`).
 */

export const EOF = 0;
export const NEWLINE = 1;
export const NAME = 2;
export const NUMBER = 3;
export const STRING = 4;
export const OP = 5;

/** `op` value of the walrus `:=`, so a header colon is never confused with it. */
export const COLON_EQUALS = -1;

const LF = 10;
const HASH = 35;
const BACKSLASH = 92;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COLON = 58;
const EQUALS = 61;

export function normalizeNewlines(source: string): string {
  return source.includes("\r") ? source.replace(/\r\n?/g, "\n") : source;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isQuote(c: number): boolean {
  return c === SINGLE_QUOTE || c === DOUBLE_QUOTE;
}

/** Flags of a string prefix (`rb`, `F`, `Rt` …), or null when the name is not one. */
function stringPrefix(src: string, start: number, end: number): { raw: boolean; format: boolean } | null {
  if (end - start > 2) return null;
  let raw = false;
  let format = false;
  for (let i = start; i < end; i++) {
    switch (src.charCodeAt(i) | 0x20) {
      case 114: // r
        raw = true;
        break;
      case 102: // f
      case 116: // t (3.14 template strings lex like f-strings)
        format = true;
        break;
      case 98: // b
      case 117: // u
        break;
      default:
        return null;
    }
  }
  return { raw, format };
}

export class Lexer {
  /** Offset of the next character to read. */
  pos = 0;
  /** Span of the token `next()` returned. */
  start = 0;
  end = 0;
  /** Character code of an OP token (or COLON_EQUALS). */
  op = 0;
  /** Broken places where lexing resumed (an unclosed bracket, an unterminated string), by offset. */
  readonly problems: { offset: number; message: string }[] = [];
  private depth = 0;
  /** Offset of the outermost bracket still open. */
  private openedAt = 0;
  private lineHasTokens = false;
  private readonly length: number;

  constructor(readonly src: string) {
    this.length = src.length;
  }

  /**
   * At the start of a logical line: skips blank lines, comments and continuations up to the line's first
   * token and returns its offset (the source's length at the end). Nothing is lexed: `next()` or
   * `skipStatementAt()` goes on from there.
   */
  lineStart(): number {
    LINE_GAP.lastIndex = this.pos;
    LINE_GAP.test(this.src);
    this.pos = LINE_GAP.lastIndex;
    return this.pos;
  }

  /**
   * Skips a whole simple statement whose first token starts at `at` (as `lineStart()` found it), as
   * `next()` then `skipStatement()` would: returns NEWLINE, EOF or OP for a top-level `;`.
   */
  skipStatementAt(at: number): number {
    this.pos = this.start = at;
    this.lineHasTokens = true;
    return this.skipUntil(false);
  }

  /** True inside brackets, where newlines and colons do not end anything. */
  nested(): boolean {
    return this.depth > 0;
  }

  text(): string {
    return this.src.slice(this.start, this.end);
  }

  /** True when the current token is the name `word`, without allocating a string. */
  is(word: string): boolean {
    return this.end - this.start === word.length && this.src.startsWith(word, this.start);
  }

  /**
   * Skips the rest of a statement without producing tokens (the fast path: most statements are not
   * imports). Returns NEWLINE or EOF at the end of the logical line, or OP for a top-level `;`.
   */
  skipStatement(): number {
    return this.skipUntil(false);
  }

  /**
   * Skips a compound statement header (`def f(x: int) -> T`) up to its top-level `:`, which is returned
   * as an OP token. A colon ending a top-level `lambda` or starting `:=` does not count.
   * Returns NEWLINE, EOF or OP `;` like skipStatement when there is no such colon (`match = 1`).
   */
  skipHeader(): number {
    return this.skipUntil(true);
  }

  private skipUntil(headerColon: boolean): number {
    const src = this.src;
    const length = this.length;
    let pos = this.pos;
    let depth = this.depth;
    let lambdas = 0;
    const run = headerColon ? HEADER_RUN : STATEMENT_RUN;
    while (pos < length) {
      run.lastIndex = pos;
      run.test(src);
      pos = run.lastIndex;
      if (pos >= length) break;
      const c = src.charCodeAt(pos);
      if (c === LF) {
        if (depth === 0 || this.unclosedBefore(pos)) {
          this.pos = pos + 1;
          this.depth = 0;
          this.lineHasTokens = false;
          this.start = pos;
          this.end = pos + 1;
          return NEWLINE;
        }
        pos++;
      } else if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
        const prefix = prefixBefore(src, pos);
        pos = this.string(pos, prefix?.raw ?? false, prefix?.format ?? false);
      } else if (c === HASH) {
        const eol = src.indexOf("\n", pos);
        pos = eol < 0 ? length : eol;
      } else if (c === BACKSLASH) {
        pos += src.charCodeAt(pos + 1) === LF ? 2 : 1;
      } else if (c === 40 || c === 91 || c === OPEN_BRACE) {
        if (depth === 0) this.openedAt = pos;
        depth++;
        pos++;
      } else if (c === 41 || c === 93 || c === CLOSE_BRACE) {
        if (depth > 0) depth--;
        pos++;
      } else if ((c === 59 || (c === COLON && headerColon && lambdas === 0)) && depth === 0) {
        if (c === COLON && src.charCodeAt(pos + 1) === EQUALS) {
          pos += 2;
          continue;
        }
        this.pos = this.end = pos + 1;
        this.start = pos;
        this.depth = 0;
        this.op = c;
        return OP;
      } else if (c === COLON && headerColon && depth === 0) {
        if (src.charCodeAt(pos + 1) !== EQUALS) lambdas--;
        pos++;
      } else if (c === 108 && headerColon && depth === 0 && isWordAt(src, pos, "lambda")) {
        lambdas++;
        pos += 6;
      } else {
        pos++;
      }
    }
    this.pos = length;
    this.depth = depth;
    return this.next();
  }

  next(): number {
    const src = this.src;
    const length = this.length;
    for (;;) {
      if (this.pos >= length) {
        this.start = this.end = length;
        if (this.lineHasTokens) {
          // An unclosed bracket at the end of the file still ends the statement.
          this.lineHasTokens = false;
          this.depth = 0;
          return NEWLINE;
        }
        return EOF;
      }
      const c = src.charCodeAt(this.pos);
      if (c === LF) {
        this.pos++;
        if (this.lineHasTokens && (this.depth === 0 || this.unclosedBefore(this.pos - 1))) {
          this.depth = 0;
          this.lineHasTokens = false;
          this.start = this.pos - 1;
          this.end = this.pos;
          return NEWLINE;
        }
        continue;
      }
      if (c === 32 || c === 9 || c === 12) {
        this.pos++;
        continue;
      }
      if (c === HASH) {
        const eol = src.indexOf("\n", this.pos);
        this.pos = eol < 0 ? length : eol;
        continue;
      }
      if (c === BACKSLASH) {
        // A continuation joins the next physical line; a stray backslash is skipped.
        this.pos += src.charCodeAt(this.pos + 1) === LF ? 2 : 1;
        continue;
      }
      this.start = this.pos;
      this.lineHasTokens = true;
      if (isIdentStart(c)) {
        let p = this.pos + 1;
        while (p < length && isIdentPart(src.charCodeAt(p))) p++;
        if (isQuote(src.charCodeAt(p))) {
          const prefix = stringPrefix(src, this.pos, p);
          if (prefix) {
            this.pos = this.end = this.string(p, prefix.raw, prefix.format);
            return STRING;
          }
        }
        this.pos = this.end = p;
        return NAME;
      }
      if (isQuote(c)) {
        this.pos = this.end = this.string(this.pos, false, false);
        return STRING;
      }
      if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(this.pos + 1)))) {
        this.pos = this.end = skipNumber(src, this.pos);
        return NUMBER;
      }
      this.pos++;
      if (c === 40 || c === 91 || c === OPEN_BRACE) {
        if (this.depth === 0) this.openedAt = this.start;
        this.depth++;
      } else if ((c === 41 || c === 93 || c === CLOSE_BRACE) && this.depth > 0) this.depth--;
      if (c === COLON && src.charCodeAt(this.pos) === EQUALS) {
        this.pos++;
        this.op = COLON_EQUALS;
      } else {
        this.op = c;
      }
      this.end = this.pos;
      return OP;
    }
  }

  /** Skips a string literal starting at `quote`; a triple-quoted one that never ends is a problem. */
  private string(quote: number, raw: boolean, format: boolean): number {
    const end = skipString(this.src, quote, raw, format);
    if (end === this.length) {
      const q = this.src.charCodeAt(quote);
      const triple = this.src.charCodeAt(quote + 1) === q && this.src.charCodeAt(quote + 2) === q;
      if (triple && !(end - quote >= 6 && this.src.endsWith(String.fromCharCode(q).repeat(3)))) {
        this.problems.push({
          offset: quote,
          message: UNTERMINATED_TRIPLE_QUOTE,
        });
      }
    }
    return end;
  }

  /**
   * Whether the line after the newline at `newline`, while a bracket is open, starts a statement that can
   * never stand inside brackets (`def`, `class`, `import`, `from x import`): the bracket was never closed.
   * Python stops there with a SyntaxError; the scan notes the problem and resumes at that line.
   */
  private unclosedBefore(newline: number): boolean {
    const src = this.src;
    let i = newline + 1;
    while (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9) i++;
    const c = src.charCodeAt(i);
    // d(ef) c(lass) i(mport) f(rom) a(sync def)
    if (c !== 100 && c !== 99 && c !== 105 && c !== 102 && c !== 97) return false;
    if (!STATEMENT_START.test(src.slice(i, i + 200))) return false;
    this.problems.push({
      offset: this.openedAt,
      message: UNCLOSED_BRACKET,
    });
    return true;
  }
}

/** The problems the lexer reports (the WebAssembly scanner reports them in the same words). */
export const UNTERMINATED_TRIPLE_QUOTE =
  "unterminated triple-quoted string: the rest of the file is not scanned";
export const UNCLOSED_BRACKET = "bracket never closed (scanning resumed at the statement on the next line)";

/** Statements that cannot continue an expression inside brackets. */
const STATEMENT_START =
  /^(?:(?:async[ \t]+)?def[ \t]+\w|class[ \t]+\w|import[ \t]+\w|from[ \t]+\.*[\w.]*[ \t]+import\b)/;

/** What lies between two logical lines: blank lines, comments, continuations (as `next()` skips them). */
const LINE_GAP = /(?:[ \t\f\n]+|#[^\n]*|\\\n?)*/y;

/**
 * What the statement skipper passes over without a look: characters that end or nest nothing, comments,
 * line continuations and complete single-line strings that cannot be f-strings (no `f`/`t` in the two
 * characters before the quote; not the start of a triple quote). Matched natively by the regular
 * expression engine, so a cold scan does not wait for the JIT; anything else is left to `skipUntil`.
 */
const STATEMENT_RUN =
  /(?:[^\n'"#\\()[\]{};]+|#[^\n]*|\\\n|(?<![fFtT]|[fFtT][\s\S])"(?!"")(?:[^"\\\n]|\\[\s\S])*"|(?<![fFtT]|[fFtT][\s\S])'(?!'')(?:[^'\\\n]|\\[\s\S])*')*/y;
/** The same inside a compound statement's header, where `:` and `lambda` matter too. */
const HEADER_RUN =
  /(?:[^\n'"#\\()[\]{};:l]+|#[^\n]*|\\\n|(?<![fFtT]|[fFtT][\s\S])"(?!"")(?:[^"\\\n]|\\[\s\S])*"|(?<![fFtT]|[fFtT][\s\S])'(?!'')(?:[^'\\\n]|\\[\s\S])*')*/y;

/** Whether `word` stands at `pos` as a whole identifier, not inside a longer one. */
function isWordAt(src: string, pos: number, word: string): boolean {
  return (
    src.startsWith(word, pos) &&
    !(pos > 0 && isIdentPart(src.charCodeAt(pos - 1))) &&
    !isIdentPart(src.charCodeAt(pos + word.length))
  );
}

/** True for the letters a string prefix may use: r b u f t, either case. */
function isPrefixLetter(c: number): boolean {
  const lower = c | 0x20;
  return lower === 114 || lower === 98 || lower === 117 || lower === 102 || lower === 116;
}

/**
 * The prefix flags of a string whose quote is at `quote`, found by looking back (at most two letters,
 * not preceded by another identifier character: `in"x"` and `or"x"` have no prefix).
 */
function prefixBefore(src: string, quote: number): { raw: boolean; format: boolean } | null {
  let start = quote;
  while (start > 0 && quote - start < 2 && isPrefixLetter(src.charCodeAt(start - 1))) start--;
  while (start < quote && start > 0 && isIdentPart(src.charCodeAt(start - 1))) start++;
  return start === quote ? null : stringPrefix(src, start, quote);
}

function skipNumber(src: string, pos: number): number {
  const length = src.length;
  while (pos < length) {
    const c = src.charCodeAt(pos);
    if (isIdentPart(c) || c === 46) {
      pos++;
      // Exponent sign: `1e-5`.
      if ((c === 101 || c === 69) && (src.charCodeAt(pos) === 43 || src.charCodeAt(pos) === 45)) pos++;
    } else {
      break;
    }
  }
  return pos;
}

/**
 * Whether the string `skipString` last skipped was closed by its quote (false: it ran into the end of its
 * line or of the source). A variable rather than a result object: the import scanner skips millions.
 */
export let stringTerminated = true;

/**
 * Returns the offset just past the string literal whose opening quote is at `pos`: every string form
 * Python has (prefixes, triple quotes, nested f-string fields) for both the import scanner and the
 * setup.py tokenizer. An unterminated single-quoted string stops at the end of its line, as the
 * tokenizer would report it there (`stringTerminated` then says so).
 */
export function skipString(src: string, pos: number, raw: boolean, format: boolean): number {
  const length = src.length;
  const quote = src.charCodeAt(pos);
  const triple = src.charCodeAt(pos + 1) === quote && src.charCodeAt(pos + 2) === quote;
  pos += triple ? 3 : 1;
  stringTerminated = true;
  // Docstrings are a tenth of a typical tree: without replacement fields, the closing quotes are found
  // by a search, and a quote is escaped when an odd run of backslashes precedes it.
  if (triple && !format) {
    const closing = quote === DOUBLE_QUOTE ? '"""' : "'''";
    for (let at = src.indexOf(closing, pos); at >= 0; at = src.indexOf(closing, at + 1)) {
      let backslashes = 0;
      while (at - backslashes - 1 >= pos && src.charCodeAt(at - backslashes - 1) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) return at + 3;
    }
    stringTerminated = false;
    return length;
  }
  while (pos < length) {
    const c = src.charCodeAt(pos);
    if (c === BACKSLASH) {
      const d = src.charCodeAt(pos + 1);
      // In f-strings `\{` is not an escape: the brace still opens a replacement field.
      if (format && (d === OPEN_BRACE || d === CLOSE_BRACE)) {
        pos++;
        continue;
      }
      // `\N{EM DASH}` names a character; its braces are not a field.
      if (format && !raw && d === 78 && src.charCodeAt(pos + 2) === OPEN_BRACE) {
        const close = src.indexOf("}", pos + 3);
        pos = close < 0 ? length : close + 1;
        continue;
      }
      pos += 2;
      continue;
    }
    if (c === quote) {
      if (!triple) return pos + 1;
      if (src.charCodeAt(pos + 1) === quote && src.charCodeAt(pos + 2) === quote) return pos + 3;
      pos++;
      continue;
    }
    if (c === LF && !triple) {
      stringTerminated = false;
      return pos;
    }
    if (format && c === OPEN_BRACE) {
      if (src.charCodeAt(pos + 1) === OPEN_BRACE) {
        pos += 2;
        continue;
      }
      pos = skipReplacementField(src, pos + 1, quote, triple);
      // A nested string in the field has reset the flag: this string is still open.
      stringTerminated = true;
      continue;
    }
    pos++;
  }
  stringTerminated = false;
  return length;
}

/** Skips an f-string replacement field's expression (after `{`), its `!conversion` and `:format spec`. */
function skipReplacementField(src: string, pos: number, quote: number, triple: boolean): number {
  const length = src.length;
  let depth = 0;
  while (pos < length) {
    const c = src.charCodeAt(pos);
    if (isIdentStart(c)) {
      let p = pos + 1;
      while (p < length && isIdentPart(src.charCodeAt(p))) p++;
      const prefix = isQuote(src.charCodeAt(p)) ? stringPrefix(src, pos, p) : null;
      pos = prefix ? skipString(src, p, prefix.raw, prefix.format) : p;
      continue;
    }
    if (isQuote(c)) {
      pos = skipString(src, pos, false, false);
      continue;
    }
    if (c === HASH) {
      const eol = src.indexOf("\n", pos);
      pos = eol < 0 ? length : eol;
      continue;
    }
    if (c === 40 || c === 91 || c === OPEN_BRACE) depth++;
    else if (c === 41 || c === 93) depth = Math.max(0, depth - 1);
    else if (c === CLOSE_BRACE) {
      if (depth === 0) return pos + 1;
      depth--;
    } else if (depth === 0 && c === COLON) {
      // `!r` conversions need no care: `!` and the name lex like any operator and identifier.
      return skipFormatSpec(src, pos + 1, quote, triple);
    }
    pos++;
  }
  return length;
}

/** Skips a format spec up to and including the `}` that closes its field; nested fields recurse. */
function skipFormatSpec(src: string, pos: number, quote: number, triple: boolean): number {
  const length = src.length;
  while (pos < length) {
    const c = src.charCodeAt(pos);
    if (c === CLOSE_BRACE) return pos + 1;
    if (c === OPEN_BRACE) {
      pos = skipReplacementField(src, pos + 1, quote, triple);
      continue;
    }
    // The enclosing string's end (or line end) inside a spec is an error; let the string close there.
    if (
      c === quote &&
      (!triple || (src.charCodeAt(pos + 1) === quote && src.charCodeAt(pos + 2) === quote))
    ) {
      return pos;
    }
    if (c === LF && !triple) return pos;
    pos += c === BACKSLASH ? 2 : 1;
  }
  return length;
}
