// AssemblyScript, compiled to WebAssembly by scripts/build-line-skimmer.mjs (not part of the TypeScript
// build). The import scanner (src/facts/imports/scanner.ts) hands each file's text here, as UTF-16 at
// textBase(), and asks for the logical lines that cannot matter to it to be skipped. Those are most lines
// of a tree, and WebAssembly runs them at full speed from the first file, where the same loop in
// JavaScript waits for V8's optimising compiler (a large first scan took ~3× longer that way).
//
// The rule that keeps the two in step: a line is skipped here only when the scanner itself would do
// nothing with it but close the blocks indented deeper than it (`plainLine` in scanner.ts, with the
// lexer's `skipStatementAt`/`skipHeader`). Anything the scanner could read, note or report — imports,
// try/except/else clauses, guards, `;`, f-strings, a line that may leave a bracket unclosed, the end of
// the text — is handed back, and the scanner reads that line as it always did. Handing back too much only
// costs time; skipping too much would change a result, so every test below errs towards handing back.

const MAX_INDENT: i32 = 0x7fffffff;

/** The lowest indentation among the lines the last `skim` passed; MAX_INDENT when it passed none. */
export let minIndent: i32 = MAX_INDENT;

/**
 * Whether the line the last `skim` stopped at starts with a word the scanner reads the line for (a
 * compound keyword, an import, `print`, `sys` …: scanner.ts `startsTellingStatement`), so the scanner need
 * not look again. Only meaningful when `skim` returned its `start`.
 */
export let telling: i32 = 0;

/** Characters below 128 that end or nest something: 1 in any statement, 2 only in a header (`:`, `l`). */
const CLASSES: usize = memory.data(128);
const SPECIAL_ANYWHERE = "\n'\"#\\()[]{};";
for (let i = 0; i < SPECIAL_ANYWHERE.length; i++) {
  store<u8>(CLASSES + <usize>SPECIAL_ANYWHERE.charCodeAt(i), 1);
}
store<u8>(CLASSES + 58, 2); // :
store<u8>(CLASSES + 108, 2); // l (lambda)

/** Where the caller writes the text: after the static data, aligned. */
export function textBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

function charAt(i: i32): u32 {
  return <u32>load<u16>(((__heap_base + 15) & ~(<usize>15)) + ((<usize>i) << 1));
}

function isWordChar(c: u32): bool {
  return c - 97 < 26 || c - 65 < 26 || c - 48 < 10 || c === 95 || c >= 128;
}

/** `word` starts at `p` and no identifier character follows it (the end of the text counts as none). */
function wordAt(p: i32, length: i32, word: string): bool {
  const n = word.length;
  if (p + n > length) return false;
  for (let i = 0; i < n; i++) if (charAt(p + i) !== <u32>word.charCodeAt(i)) return false;
  return p + n >= length || !isWordChar(charAt(p + n));
}

/** `text` occurs between `from` and `to`. */
function contains(from: i32, to: i32, text: string): bool {
  const n = text.length;
  const first = <u32>text.charCodeAt(0);
  for (let p = from; p + n <= to; p++) {
    if (charAt(p) !== first) continue;
    let i = 1;
    while (i < n && charAt(p + i) === <u32>text.charCodeAt(i)) i++;
    if (i === n) return true;
  }
  return false;
}

// What a logical line's first word makes it (scanner.ts `startsTellingStatement`, `logicalLine`).
const PLAIN: i32 = 0;
/** A compound statement whose header the scanner skips unread (`def`, `class`, `for` …). */
const SKIPPED_HEADER: i32 = 1;
/** `if`: read for guards; plain unless its header names one. */
const IF_HEADER: i32 = 2;
/** `with`: read for `suppress(ImportError)`; plain unless its header names `suppress`. */
const WITH_HEADER: i32 = 3;
/** Imports, clauses of try/if chains, Python 2 statements, `sys.path` calls, `;`: the scanner's own. */
const HAND_BACK: i32 = -1;

/** The kind of the line whose first token starts at `p`; `keywordLength` gets the keyword's length. */
let keywordLength: i32 = 0;
function classify(p: i32, length: i32): i32 {
  keywordLength = 0;
  switch (charAt(p)) {
    case 59: // ;
      return HAND_BACK;
    case 97: // a
      return keyword(p, length, "async", SKIPPED_HEADER);
    case 99: // c
      if (wordAt(p, length, "class")) return keyword(p, length, "class", SKIPPED_HEADER);
      return keyword(p, length, "case", SKIPPED_HEADER);
    case 100: // d
      return keyword(p, length, "def", SKIPPED_HEADER);
    case 101: // e
      return wordAt(p, length, "else") ||
        wordAt(p, length, "elif") ||
        wordAt(p, length, "except") ||
        wordAt(p, length, "exec")
        ? HAND_BACK
        : PLAIN;
    case 102: // f
      if (wordAt(p, length, "from") || wordAt(p, length, "finally")) return HAND_BACK;
      return keyword(p, length, "for", SKIPPED_HEADER);
    case 105: // i
      if (wordAt(p, length, "import")) return HAND_BACK;
      return keyword(p, length, "if", IF_HEADER);
    case 109: // m
      if (wordAt(p, length, "monkeypatch")) return HAND_BACK;
      return keyword(p, length, "match", SKIPPED_HEADER);
    case 112: // p
      return wordAt(p, length, "print") ? HAND_BACK : PLAIN;
    case 115: // s
      return wordAt(p, length, "sys") || wordAt(p, length, "site") ? HAND_BACK : PLAIN;
    case 116: // t
      return wordAt(p, length, "try") ? HAND_BACK : PLAIN;
    case 119: // w
      if (wordAt(p, length, "with")) return keyword(p, length, "with", WITH_HEADER);
      return keyword(p, length, "while", SKIPPED_HEADER);
    default:
      return PLAIN;
  }
}

function keyword(p: i32, length: i32, word: string, kind: i32): i32 {
  if (!wordAt(p, length, word)) return PLAIN;
  keywordLength = word.length;
  return kind;
}

/** Column of the first token `lineGap` reached; -1 when unknown (then it is counted back). */
let gapColumn: i32 = -1;

/**
 * Blank lines, comments and continuations before a logical line's first token (lexer.ts `LINE_GAP`),
 * counting that token's column on the way (scanner.ts `indentationAt`: tabs to multiples of 8, form feeds
 * resetting). `column` is that of `p`, or -1 when unknown.
 */
function lineGap(p: i32, length: i32, column: i32): i32 {
  while (p < length) {
    const c = charAt(p);
    if (c === 32) {
      if (column >= 0) column++;
    } else if (c === 10) {
      column = 0;
    } else if (c === 9) {
      if (column >= 0) column = (column / 8 + 1) * 8;
    } else if (c === 12) {
      if (column >= 0) column = 0;
    } else if (c === 35) {
      p = lineEnd(p, length);
      continue;
    } else if (c === 92) {
      // A continuation's newline starts a physical line too; a stray backslash is a column.
      if (p + 1 < length && charAt(p + 1) === 10) {
        column = 0;
        p += 2;
        continue;
      }
      if (column >= 0) column++;
    } else {
      break;
    }
    p++;
  }
  gapColumn = column;
  return p;
}

function lineEnd(p: i32, length: i32): i32 {
  while (p < length && charAt(p) !== 10) p++;
  return p;
}

/** Column of `p`, tabs to multiples of 8 and form feeds resetting (scanner.ts `indentationAt`). */
function indentation(p: i32): i32 {
  let start = p;
  while (start > 0 && charAt(start - 1) !== 10) start--;
  let column = 0;
  for (let i = start; i < p; i++) {
    const c = charAt(i);
    if (c === 9) column = (column / 8 + 1) * 8;
    else if (c === 12) column = 0;
    else column++;
  }
  return column;
}

function isPrefixLetter(c: u32): bool {
  const lower = c | 0x20;
  return lower === 114 || lower === 98 || lower === 117 || lower === 102 || lower === 116;
}

/** Whether the string whose quote is at `quote` has an f/t prefix (lexer.ts `prefixBefore`). */
function formatPrefix(quote: i32): bool {
  let start = quote;
  while (start > 0 && quote - start < 2 && isPrefixLetter(charAt(start - 1))) start--;
  while (start < quote && start > 0 && isWordChar(charAt(start - 1))) start++;
  let format = false;
  for (let i = start; i < quote; i++) {
    const lower = charAt(i) | 0x20;
    if (lower === 102 || lower === 116) format = true;
    else if (lower !== 114 && lower !== 98 && lower !== 117) return false;
  }
  return format;
}

/** The offset after a string that is not an f-string (lexer.ts `skipString`); `length` if it never ends. */
function skipString(quoteAt: i32, length: i32): i32 {
  const quote = charAt(quoteAt);
  const triple = quoteAt + 2 < length && charAt(quoteAt + 1) === quote && charAt(quoteAt + 2) === quote;
  if (triple) {
    const bodyStart = quoteAt + 3;
    let p = bodyStart;
    for (;;) {
      while (p + 2 < length && !(charAt(p) === quote && charAt(p + 1) === quote && charAt(p + 2) === quote))
        p++;
      if (p + 2 >= length) return length;
      // Closing quotes preceded by an odd run of backslashes are escaped.
      let backslashes = 0;
      while (p - backslashes - 1 >= bodyStart && charAt(p - backslashes - 1) === 92) backslashes++;
      if ((backslashes & 1) === 0) return p + 3;
      p++;
    }
  }
  let p = quoteAt + 1;
  while (p < length) {
    const c = charAt(p);
    if (c === 92) p += 2;
    else if (c === quote) return p + 1;
    else if (c === 10) return p;
    else p++;
  }
  return length;
}

/**
 * Skips one logical line from `p` (after its keyword, for a header) as lexer.ts `skipUntil` does; a header
 * must end at its top-level `:` with nothing but a comment after it on the line. Returns the offset after
 * the line's newline, or -1 to hand the line back. `headerEnd` gets the offset of the colon or newline.
 */
let headerEnd: i32 = 0;
function skipLine(p: i32, length: i32, header: bool): i32 {
  let depth = 0;
  let lambdas = 0;
  const mask: u32 = header ? 3 : 1;
  while (p < length) {
    let c = charAt(p);
    while (c >= 128 || (<u32>load<u8>(CLASSES + <usize>c) & mask) === 0) {
      if (++p >= length) return -1;
      c = charAt(p);
    }
    if (c === 10) {
      if (depth === 0) {
        headerEnd = p;
        return p + 1;
      }
      // A statement keyword on the next line may mean the bracket was never closed: a problem to report.
      let next = p + 1;
      while (next < length && (charAt(next) === 32 || charAt(next) === 9)) next++;
      if (next < length) {
        const d = charAt(next);
        if (d === 100 || d === 99 || d === 105 || d === 102 || d === 97) return -1;
      }
      p++;
    } else if (c === 39 || c === 34) {
      if (formatPrefix(p)) return -1;
      p = skipString(p, length);
      // Running into the end of the text may be an unterminated string, a problem to report.
      if (p >= length) return -1;
    } else if (c === 35) {
      p = lineEnd(p, length);
    } else if (c === 92) {
      p += p + 1 < length && charAt(p + 1) === 10 ? 2 : 1;
    } else if (c === 40 || c === 91 || c === 123) {
      depth++;
      p++;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
      p++;
    } else if (c === 59) {
      if (depth === 0) return -1;
      p++;
    } else if (c === 58) {
      if (!header || depth > 0) {
        p++;
      } else if (p + 1 < length && charAt(p + 1) === 61) {
        p += 2; // :=
      } else if (lambdas > 0) {
        lambdas--;
        p++;
      } else {
        headerEnd = p;
        return afterHeaderColon(p + 1, length);
      }
    } else if (
      c === 108 &&
      header &&
      depth === 0 &&
      wordAt(p, length, "lambda") &&
      !(p > 0 && isWordChar(charAt(p - 1)))
    ) {
      lambdas++;
      p += 6;
    } else {
      p++;
    }
  }
  return -1;
}

/** After a header's colon: the offset after the newline when only a comment follows, else -1. */
function afterHeaderColon(p: i32, length: i32): i32 {
  while (p < length) {
    const c = charAt(p);
    if (c === 32 || c === 9 || c === 12) p++;
    else if (c === 35) p = lineEnd(p, length);
    else if (c === 92) p += p + 1 < length && charAt(p + 1) === 10 ? 2 : 1;
    else if (c === 10) return p + 1;
    else return -1;
  }
  return -1;
}

/** Whether an `if` header may be a guard the scanner reads (`version_info`, `modules`, `__name__`, flags). */
function mayGuard(from: i32, to: i32): bool {
  return (
    contains(from, to, "version_info") ||
    contains(from, to, "modules") ||
    contains(from, to, "__name__") ||
    contains(from, to, "TYPE_CHECKING") ||
    contains(from, to, "PY")
  );
}

/**
 * Skips the logical lines from `start` (a line start, as the lexer's `lineStart` leaves it) that the
 * scanner would only close blocks at; stops at the first it must read, at the end of the text, or at a
 * line starting after `stopAt` once no try block is open. A try block is open until a line is indented
 * no deeper than `tryFloor` (the outermost open try's indentation, -1 when none is open). Returns where
 * the scanner goes on; `minIndent` tells which blocks the skipped lines closed.
 */
export function skim(length: i32, start: i32, stopAt: i32, tryFloor: i32): i32 {
  let p = start;
  let lowest = MAX_INDENT;
  let triesOpen = tryFloor >= 0;
  // After a newline the column is 0; at `start` only when a line begins there.
  let column = start === 0 || charAt(start - 1) === 10 ? 0 : -1;
  for (;;) {
    const line = lineGap(p, length, column);
    if (line >= length || (line > stopAt && !triesOpen)) {
      p = line;
      break;
    }
    column = gapColumn;
    const kind = classify(line, length);
    telling = kind !== PLAIN ? 1 : 0;
    if (kind === HAND_BACK) {
      p = line;
      break;
    }
    const end = skipLine(line + keywordLength, length, kind !== PLAIN);
    if (end < 0) {
      p = line;
      break;
    }
    if (kind === IF_HEADER && mayGuard(line, headerEnd)) {
      p = line;
      break;
    }
    if (kind === WITH_HEADER && contains(line, headerEnd, "suppress")) {
      p = line;
      break;
    }
    const indent = column >= 0 ? column : indentation(line);
    if (indent < lowest) lowest = indent;
    if (indent <= tryFloor) triesOpen = false;
    p = end;
    column = 0;
  }
  minIndent = lowest;
  return p;
}
