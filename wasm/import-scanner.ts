// AssemblyScript, compiled to WebAssembly by scripts/build-import-scanner.mjs (not part of the TypeScript
// build). The import scanner of src/facts/imports/scanner.ts and the lexer of
// src/formats/python-source/lexer.ts, line for line, for one file's text at a time: JavaScript writes the
// text (UTF-16) at textBase(), calls `scan`, and reads the imports, problems and Python 2 evidence back
// from the output area (src/facts/imports/wasm-scan.ts). Run as JavaScript, the scanner spends most of a
// large first scan waiting for V8's optimising compiler; WebAssembly runs at full speed from its first file.
//
// The JavaScript scanner stays the reference: both must find exactly the same in every file
// (src/facts/imports/wasm-scan.test.ts, and bench/scan-dump.ts with DHTL_SCAN_WASM=0 on real trees). The
// few things that need JavaScript's regular expressions or its version-guard parser are asked of it
// through the imports below. Names and comments here point to the JavaScript they mirror.

// ---- What JavaScript answers (src/facts/imports/wasm-scan.ts) ----
// Imported from the module named after this file, "import-scanner".

/**
 * An `if`/`elif` header that may be a guard (text from `start` to `end`): bit 0 a top-level main guard,
 * bit 1 a `"x" in sys.modules` test, bit 2 a version guard whose mask `guardMask()` then gives.
 */
declare function ifHeader(start: i32, end: i32, indent: i32): i32;

declare function guardMask(): i32;

/**
 * A `sys.path.insert(`/`append(`, `site.addsitedir(` or `monkeypatch.syspath_prepend(` call at `start`:
 * JavaScript reads the path it adds.
 */
declare function sysPathCall(start: i32): void;

// ---- The text ----

const TEXT: usize = (__heap_base + 15) & ~(<usize>15);
let length: i32 = 0;

export function textBase(): usize {
  return TEXT;
}

/** The character at `i`, or 0 outside the text (JavaScript's NaN: it equals and matches nothing). */
function ch(i: i32): u32 {
  if (<u32>i >= <u32>length) return 0;
  return at(i);
}

/** The character at `i`, known to be inside the text. */
function at(i: i32): u32 {
  return <u32>load<u16>(TEXT + ((<usize>i) << 1));
}

function isIdentStart(c: u32): bool {
  return c - 97 < 26 || c - 65 < 26 || c === 95 || c >= 128;
}

function isIdentPart(c: u32): bool {
  return isIdentStart(c) || c - 48 < 10;
}

function isDigit(c: u32): bool {
  return c - 48 < 10;
}

function isQuote(c: u32): bool {
  return c === 39 || c === 34;
}

/** `text` starts at `p` (no boundary check). */
function startsWith(p: i32, text: string): bool {
  const n = text.length;
  if (p < 0 || p + n > length) return false;
  for (let i = 0; i < n; i++) if (at(p + i) !== <u32>text.charCodeAt(i)) return false;
  return true;
}

/** The current token is exactly `word` (lexer.ts `is`). */
function tokenIs(word: string): bool {
  return tokenEnd - tokenStart === word.length && startsWith(tokenStart, word);
}

/** Offset of the next newline from `p`, or the text's length (`indexOf("\n")`). */
function lineEnd(p: i32): i32 {
  while (p < length && at(p) !== 10) p++;
  return p < length ? p : length;
}

// ---- Output ----
// Records of i32 words from outPtr: IMPORT, PROBLEM and PYTHON2 records, then END. When they would not
// fit, the scan stops with OVERFLOW and JavaScript scans the file itself.

const END: i32 = 0;
const IMPORT: i32 = 1;
const PROBLEM: i32 = 2;
const PYTHON2: i32 = 3;
export const OVERFLOW: i32 = -2;

const UNTERMINATED_STRING: i32 = 1;
const UNCLOSED_BRACKET: i32 = 2;
const PRINT_STATEMENT: i32 = 1;
const EXEC_STATEMENT: i32 = 2;
const EXCEPT_COMMA: i32 = 3;

let out: usize = 0;
let outEnd: usize = 0;
let overflowed = false;

function emit(word: i32): void {
  if (out + 4 > outEnd) {
    overflowed = true;
    return;
  }
  store<i32>(out, word);
  out += 4;
}

/** Where the scan stopped early (past the last import, no try open), or -1. */
export let stoppedAt: i32 = -1;
/** A top-level `if __name__ == "__main__":` was read. */
export let mainGuard: i32 = 0;

// ---- Lexer (lexer.ts `Lexer`) ----

const EOF: i32 = 0;
const NEWLINE: i32 = 1;
const NAME: i32 = 2;
const NUMBER: i32 = 3;
const STRING: i32 = 4;
const OP: i32 = 5;
const COLON_EQUALS: i32 = -1;

let pos: i32 = 0;
let tokenStart: i32 = 0;
let tokenEnd: i32 = 0;
let op: i32 = 0;
let depth: i32 = 0;
let openedAt: i32 = 0;
let lineHasTokens = false;

/** While the scanner looks ahead (`isSysPathCall`), what the lexer meets is not reported. */
let peeking = false;

function problem(offset: i32, kind: i32): void {
  if (peeking) return;
  emit(PROBLEM);
  emit(offset);
  emit(kind);
}

/** lexer.ts `lineStart`: blank lines, comments and continuations up to the next token (`LINE_GAP`). */
function lineStart(): i32 {
  let p = pos;
  while (p < length) {
    const c = at(p);
    if (c === 32 || c === 9 || c === 12 || c === 10) p++;
    else if (c === 35) p = lineEnd(p);
    else if (c === 92) p += ch(p + 1) === 10 ? 2 : 1;
    else break;
  }
  pos = p;
  return p;
}

function skipStatementAt(start: i32): i32 {
  pos = start;
  tokenStart = start;
  lineHasTokens = true;
  return skipUntil(false);
}

/** Characters below 128 that end or nest something: 1 in any statement, 2 only in a header (`:`, `l`). */
const CLASSES: usize = memory.data(128);
const SPECIAL_ANYWHERE = "\n'\"#\\()[]{};";
for (let i = 0; i < SPECIAL_ANYWHERE.length; i++) {
  store<u8>(CLASSES + <usize>SPECIAL_ANYWHERE.charCodeAt(i), 1);
}
store<u8>(CLASSES + 58, 2); // :
store<u8>(CLASSES + 108, 2); // l (lambda)

/** lexer.ts `skipUntil`: the rest of a statement (or a header, up to its colon) without tokens. */
function skipUntil(headerColon: bool): i32 {
  let p = pos;
  let d = depth;
  let lambdas = 0;
  const mask: u32 = headerColon ? 3 : 1;
  while (p < length) {
    let c = at(p);
    // What the regular expressions STATEMENT_RUN/HEADER_RUN pass over: nothing happens there.
    while (c >= 128 || (<u32>load<u8>(CLASSES + <usize>c) & mask) === 0) {
      if (++p >= length) break;
      c = at(p);
    }
    if (p >= length) break;
    if (c === 10) {
      if (d === 0 || unclosedBefore(p)) {
        pos = p + 1;
        depth = 0;
        lineHasTokens = false;
        tokenStart = p;
        tokenEnd = p + 1;
        return NEWLINE;
      }
      p++;
    } else if (c === 39 || c === 34) {
      const prefix = prefixBefore(p);
      p = lexString(p, prefix >= 0 && (prefix & 1) !== 0, prefix >= 0 && (prefix & 2) !== 0);
    } else if (c === 35) {
      p = lineEnd(p);
    } else if (c === 92) {
      p += ch(p + 1) === 10 ? 2 : 1;
    } else if (c === 40 || c === 91 || c === 123) {
      if (d === 0) openedAt = p;
      d++;
      p++;
    } else if (c === 41 || c === 93 || c === 125) {
      if (d > 0) d--;
      p++;
    } else if ((c === 59 || (c === 58 && headerColon && lambdas === 0)) && d === 0) {
      if (c === 58 && ch(p + 1) === 61) {
        p += 2;
        continue;
      }
      pos = p + 1;
      tokenEnd = p + 1;
      tokenStart = p;
      depth = 0;
      op = <i32>c;
      return OP;
    } else if (c === 58 && headerColon && d === 0) {
      if (ch(p + 1) !== 61) lambdas--;
      p++;
    } else if (c === 108 && headerColon && d === 0 && isWordAt(p, "lambda")) {
      lambdas++;
      p += 6;
    } else {
      p++;
    }
  }
  pos = length;
  depth = d;
  return next();
}

/** lexer.ts `next`. */
function next(): i32 {
  for (;;) {
    if (pos >= length) {
      tokenStart = length;
      tokenEnd = length;
      if (lineHasTokens) {
        lineHasTokens = false;
        depth = 0;
        return NEWLINE;
      }
      return EOF;
    }
    const c = at(pos);
    if (c === 10) {
      pos++;
      if (lineHasTokens && (depth === 0 || unclosedBefore(pos - 1))) {
        depth = 0;
        lineHasTokens = false;
        tokenStart = pos - 1;
        tokenEnd = pos;
        return NEWLINE;
      }
      continue;
    }
    if (c === 32 || c === 9 || c === 12) {
      pos++;
      continue;
    }
    if (c === 35) {
      pos = lineEnd(pos);
      continue;
    }
    if (c === 92) {
      pos += ch(pos + 1) === 10 ? 2 : 1;
      continue;
    }
    tokenStart = pos;
    lineHasTokens = true;
    if (isIdentStart(c)) {
      let p = pos + 1;
      while (p < length && isIdentPart(at(p))) p++;
      if (isQuote(ch(p))) {
        const prefix = stringPrefix(pos, p);
        if (prefix >= 0) {
          pos = lexString(p, (prefix & 1) !== 0, (prefix & 2) !== 0);
          tokenEnd = pos;
          return STRING;
        }
      }
      pos = p;
      tokenEnd = p;
      return NAME;
    }
    if (isQuote(c)) {
      pos = lexString(pos, false, false);
      tokenEnd = pos;
      return STRING;
    }
    if (isDigit(c) || (c === 46 && isDigit(ch(pos + 1)))) {
      pos = skipNumber(pos);
      tokenEnd = pos;
      return NUMBER;
    }
    pos++;
    if (c === 40 || c === 91 || c === 123) {
      if (depth === 0) openedAt = tokenStart;
      depth++;
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
    if (c === 58 && ch(pos) === 61) {
      pos++;
      op = COLON_EQUALS;
    } else {
      op = <i32>c;
    }
    tokenEnd = pos;
    return OP;
  }
}

/** lexer.ts `Lexer.string`: a string, and a problem when a triple-quoted one never ends. */
function lexString(quote: i32, raw: bool, format: bool): i32 {
  const end = skipString(quote, raw, format);
  if (end === length) {
    const q = at(quote);
    const triple = ch(quote + 1) === q && ch(quote + 2) === q;
    const closed = end - quote >= 6 && at(length - 1) === q && at(length - 2) === q && at(length - 3) === q;
    if (triple && !closed) problem(quote, UNTERMINATED_STRING);
  }
  return end;
}

/** lexer.ts `unclosedBefore`: a statement keyword after a newline inside brackets ends them. */
function unclosedBefore(newline: i32): bool {
  let i = newline + 1;
  while (ch(i) === 32 || ch(i) === 9) i++;
  const c = ch(i);
  if (c !== 100 && c !== 99 && c !== 105 && c !== 102 && c !== 97) return false;
  if (!statementStartsAt(i)) return false;
  problem(openedAt, UNCLOSED_BRACKET);
  return true;
}

/** `\w` of a JavaScript regular expression without the `u` flag: ASCII letters, digits, underscore. */
function isAsciiWord(c: u32): bool {
  return c - 97 < 26 || c - 65 < 26 || c - 48 < 10 || c === 95;
}

/** Blanks (space, tab) from `p` while before `end`. */
function blanksBefore(p: i32, end: i32): i32 {
  while (p < end && (at(p) === 32 || at(p) === 9)) p++;
  return p;
}

/** `text` at `p`, ending before `end`. */
function startsWithBefore(p: i32, end: i32, text: string): bool {
  return p + text.length <= end && startsWith(p, text);
}

/** `word`, one or more blanks, then a `\w` character, from `p` and before `end`. */
function keywordThenName(p: i32, end: i32, word: string): bool {
  if (!startsWithBefore(p, end, word)) return false;
  const q = blanksBefore(p + word.length, end);
  return q > p + word.length && q < end && isAsciiWord(at(q));
}

/**
 * lexer.ts `STATEMENT_START` on the 200 characters from `p`:
 * `(?:async[ \t]+)?def[ \t]+\w|class[ \t]+\w|import[ \t]+\w|from[ \t]+\.*[\w.]*[ \t]+import\b`.
 */
function statementStartsAt(p: i32): bool {
  const end = p + 200 < length ? p + 200 : length;
  if (startsWithBefore(p, end, "async")) {
    const q = blanksBefore(p + 5, end);
    if (q > p + 5 && keywordThenName(q, end, "def")) return true;
  }
  if (keywordThenName(p, end, "def") || keywordThenName(p, end, "class") || keywordThenName(p, end, "import"))
    return true;
  if (!startsWithBefore(p, end, "from")) return false;
  const blanks = blanksBefore(p + 4, end);
  if (blanks === p + 4) return false;
  // Without a module name (`from . import`, dots included), the blanks split in two before `import`.
  if (blanks - (p + 4) >= 2 && importWordAt(blanks, end)) return true;
  // With one, it runs as far as it can, and blanks then `import` follow.
  let q = blanks;
  while (q < end && (isAsciiWord(at(q)) || at(q) === 46)) q++;
  if (q === blanks) return false;
  const importAt = blanksBefore(q, end);
  return importAt > q && importWordAt(importAt, end);
}

/** `import\b` at `p`, before `end` (the end of the searched text is a word boundary too). */
function importWordAt(p: i32, end: i32): bool {
  return startsWithBefore(p, end, "import") && (p + 6 === end || !isAsciiWord(at(p + 6)));
}

/** lexer.ts `isWordAt`: `word` at `p`, no identifier character on either side. */
function isWordAt(p: i32, word: string): bool {
  return startsWith(p, word) && !(p > 0 && isIdentPart(at(p - 1))) && !isIdentPart(ch(p + word.length));
}

function isPrefixLetter(c: u32): bool {
  const lower = c | 0x20;
  return lower === 114 || lower === 98 || lower === 117 || lower === 102 || lower === 116;
}

/** lexer.ts `stringPrefix`: -1 when `start..end` is no prefix, else bit 0 raw, bit 1 format. */
function stringPrefix(start: i32, end: i32): i32 {
  if (end - start > 2) return -1;
  let flags = 0;
  for (let i = start; i < end; i++) {
    const lower = at(i) | 0x20;
    if (lower === 114) flags |= 1;
    else if (lower === 102 || lower === 116) flags |= 2;
    else if (lower !== 98 && lower !== 117) return -1;
  }
  return flags;
}

/** lexer.ts `prefixBefore`. */
function prefixBefore(quote: i32): i32 {
  let start = quote;
  while (start > 0 && quote - start < 2 && isPrefixLetter(at(start - 1))) start--;
  while (start < quote && start > 0 && isIdentPart(at(start - 1))) start++;
  return start === quote ? -1 : stringPrefix(start, quote);
}

/** lexer.ts `skipNumber`. */
function skipNumber(p: i32): i32 {
  while (p < length) {
    const c = at(p);
    if (isIdentPart(c) || c === 46) {
      p++;
      if ((c === 101 || c === 69) && (ch(p) === 43 || ch(p) === 45)) p++;
    } else {
      break;
    }
  }
  return p;
}

/** lexer.ts `skipString`. */
function skipString(quoteAt: i32, raw: bool, format: bool): i32 {
  const quote = at(quoteAt);
  const triple = ch(quoteAt + 1) === quote && ch(quoteAt + 2) === quote;
  let p = quoteAt + (triple ? 3 : 1);
  if (triple && !format) {
    const bodyStart = p;
    for (;;) {
      while (p + 2 < length && !(at(p) === quote && at(p + 1) === quote && at(p + 2) === quote)) p++;
      if (p + 2 >= length) return length;
      let backslashes = 0;
      while (p - backslashes - 1 >= bodyStart && at(p - backslashes - 1) === 92) backslashes++;
      if ((backslashes & 1) === 0) return p + 3;
      p++;
    }
  }
  while (p < length) {
    const c = at(p);
    if (c === 92) {
      const d = ch(p + 1);
      if (format && (d === 123 || d === 125)) {
        p++;
        continue;
      }
      if (format && !raw && d === 78 && ch(p + 2) === 123) {
        let close = p + 3;
        while (close < length && at(close) !== 125) close++;
        p = close < length ? close + 1 : length;
        continue;
      }
      p += 2;
      continue;
    }
    if (c === quote) {
      if (!triple) return p + 1;
      if (ch(p + 1) === quote && ch(p + 2) === quote) return p + 3;
      p++;
      continue;
    }
    if (c === 10 && !triple) return p;
    if (format && c === 123) {
      if (ch(p + 1) === 123) {
        p += 2;
        continue;
      }
      p = skipReplacementField(p + 1, quote, triple);
      continue;
    }
    p++;
  }
  return length;
}

/** lexer.ts `skipReplacementField`. */
function skipReplacementField(p: i32, quote: u32, triple: bool): i32 {
  let d = 0;
  while (p < length) {
    const c = at(p);
    if (isIdentStart(c)) {
      let q = p + 1;
      while (q < length && isIdentPart(at(q))) q++;
      const prefix = isQuote(ch(q)) ? stringPrefix(p, q) : -1;
      p = prefix >= 0 ? skipString(q, (prefix & 1) !== 0, (prefix & 2) !== 0) : q;
      continue;
    }
    if (isQuote(c)) {
      p = skipString(p, false, false);
      continue;
    }
    if (c === 35) {
      p = lineEnd(p);
      continue;
    }
    if (c === 40 || c === 91 || c === 123) d++;
    else if (c === 41 || c === 93) d = d > 0 ? d - 1 : 0;
    else if (c === 125) {
      if (d === 0) return p + 1;
      d--;
    } else if (d === 0 && c === 58) {
      return skipFormatSpec(p + 1, quote, triple);
    }
    p++;
  }
  return length;
}

/** lexer.ts `skipFormatSpec`. */
function skipFormatSpec(p: i32, quote: u32, triple: bool): i32 {
  while (p < length) {
    const c = at(p);
    if (c === 125) return p + 1;
    if (c === 123) {
      p = skipReplacementField(p + 1, quote, triple);
      continue;
    }
    if (c === quote && (!triple || (ch(p + 1) === quote && ch(p + 2) === quote))) return p;
    if (c === 10 && !triple) return p;
    p += c === 92 ? 2 : 1;
  }
  return length;
}

// ---- Scanner state (scanner.ts `ImportScanner`) ----

const ALL_VERSIONS: i32 = -1;
const MAX_STACK: i32 = 1024;
const NO_BLOCK: i32 = -1;

// contexts: indent, try block (or NO_BLOCK), typeOnly, versions — four i32 each.
const CONTEXTS: usize = memory.data(MAX_STACK * 16);
let contextCount: i32 = 0;
// open try statements: indent, block.
const OPEN_TRIES: usize = memory.data(MAX_STACK * 8);
let openTryCount: i32 = 0;
// open if chains: indent, versions no branch took yet.
const OPEN_IFS: usize = memory.data(MAX_STACK * 8);
let openIfCount: i32 = 0;
// try blocks: whether a handler catches ImportError (one byte each).
const MAX_BLOCKS: i32 = 1 << 20;
const BLOCKS: usize = memory.data(MAX_BLOCKS);
let blockCount: i32 = 0;

export function blocksBase(): usize {
  return BLOCKS;
}

function newBlock(catches: bool): i32 {
  if (blockCount >= MAX_BLOCKS) {
    overflowed = true;
    return 0;
  }
  store<u8>(BLOCKS + <usize>blockCount, catches ? 1 : 0);
  return blockCount++;
}

function contextIndent(i: i32): i32 {
  return load<i32>(CONTEXTS + <usize>(i * 16));
}

function pushContext(indent: i32, block: i32, typeOnly: bool, versions: i32): void {
  if (contextCount >= MAX_STACK) {
    overflowed = true;
    return;
  }
  const base = CONTEXTS + <usize>(contextCount * 16);
  store<i32>(base, indent);
  store<i32>(base + 4, block);
  store<i32>(base + 8, typeOnly ? 1 : 0);
  store<i32>(base + 12, versions);
  contextCount++;
}

function tryIndent(i: i32): i32 {
  return load<i32>(OPEN_TRIES + <usize>(i * 8));
}

function tryBlock(i: i32): i32 {
  return load<i32>(OPEN_TRIES + <usize>(i * 8) + 4);
}

function ifIndent(i: i32): i32 {
  return load<i32>(OPEN_IFS + <usize>(i * 8));
}

function ifRemaining(i: i32): i32 {
  return load<i32>(OPEN_IFS + <usize>(i * 8) + 4);
}

function pushIf(indent: i32, remaining: i32): void {
  if (openIfCount >= MAX_STACK) {
    overflowed = true;
    return;
  }
  store<i32>(OPEN_IFS + <usize>(openIfCount * 8), indent);
  store<i32>(OPEN_IFS + <usize>(openIfCount * 8) + 4, remaining);
  openIfCount++;
}

let python2Noted = false;
let cursorOffset: i32 = 0;
let cursorLine: i32 = 1;

function notePython2(offset: i32, kind: i32): void {
  if (python2Noted) return;
  python2Noted = true;
  emit(PYTHON2);
  emit(offset);
  emit(kind);
}

/** scanner.ts `closeBlocksAt`. */
function closeBlocksAt(indent: i32): void {
  while (contextCount > 0 && contextIndent(contextCount - 1) >= indent) contextCount--;
  while (openTryCount > 0 && tryIndent(openTryCount - 1) >= indent) openTryCount--;
  while (openIfCount > 0 && ifIndent(openIfCount - 1) >= indent) openIfCount--;
}

/** scanner.ts `indentationAt`. */
function indentationAt(offset: i32): i32 {
  let start = offset;
  while (start > 0 && at(start - 1) !== 10) start--;
  let column = 0;
  for (let i = start; i < offset; i++) {
    const c = at(i);
    if (c === 9) column = (column / 8 + 1) * 8;
    else if (c === 12) column = 0;
    else column++;
  }
  return column;
}

/** scanner.ts `lineAt`: line numbers asked in increasing offsets. */
function lineAt(offset: i32): i32 {
  for (let i = cursorOffset; i < offset; i++) if (at(i) === 10) cursorLine++;
  cursorOffset = offset;
  return cursorLine;
}

function isWordCharacter(c: u32): bool {
  return c - 97 < 26 || c - 65 < 26 || c - 48 < 10 || c === 95 || c >= 128;
}

/** scanner.ts `isWordAt`. */
function wordAt(p: i32, word: string): bool {
  return startsWith(p, word) && !isWordCharacter(ch(p + word.length));
}

/** scanner.ts `startsTellingStatement`. */
function startsTellingStatement(p: i32): bool {
  switch (at(p)) {
    case 59:
      return true;
    case 97:
      return wordAt(p, "async");
    case 99:
      return wordAt(p, "class") || wordAt(p, "case");
    case 100:
      return wordAt(p, "def");
    case 101:
      return wordAt(p, "else") || wordAt(p, "elif") || wordAt(p, "except") || wordAt(p, "exec");
    case 102:
      return wordAt(p, "from") || wordAt(p, "for") || wordAt(p, "finally");
    case 105:
      return wordAt(p, "if") || wordAt(p, "import");
    case 109:
      return wordAt(p, "match") || wordAt(p, "monkeypatch");
    case 112:
      return wordAt(p, "print");
    case 115:
      return wordAt(p, "sys") || wordAt(p, "site");
    case 116:
      return wordAt(p, "try");
    case 119:
      return wordAt(p, "while") || wordAt(p, "with");
    default:
      return false;
  }
}

// Compound keywords (scanner.ts `COMPOUND`); NONE for any other token.
const NONE: i32 = 0;
const K_IF: i32 = 1;
const K_ELIF: i32 = 2;
const K_ELSE: i32 = 3;
const K_TRY: i32 = 4;
const K_EXCEPT: i32 = 5;
const K_FINALLY: i32 = 6;
const K_WITH: i32 = 7;
const K_OTHER: i32 = 8; // while for def class async match case

function compoundKeyword(): i32 {
  switch (tokenEnd - tokenStart) {
    case 2:
      return tokenIs("if") ? K_IF : NONE;
    case 3:
      return tokenIs("try") ? K_TRY : tokenIs("for") || tokenIs("def") ? K_OTHER : NONE;
    case 4:
      if (tokenIs("elif")) return K_ELIF;
      if (tokenIs("else")) return K_ELSE;
      if (tokenIs("with")) return K_WITH;
      return tokenIs("case") ? K_OTHER : NONE;
    case 5:
      return tokenIs("while") || tokenIs("class") || tokenIs("async") || tokenIs("match") ? K_OTHER : NONE;
    case 6:
      return tokenIs("except") ? K_EXCEPT : NONE;
    case 7:
      return tokenIs("finally") ? K_FINALLY : NONE;
    default:
      return NONE;
  }
}

// The header compoundHeader read (scanner.ts `Header`).
let headerEndToken: i32 = NEWLINE; // COLON_TOKEN, NEWLINE or SEMICOLON_TOKEN
const COLON_TOKEN: i32 = 58;
const SEMICOLON_TOKEN: i32 = 59;
let headerCatches = false;
let headerTypeChecking = false;
let headerSuppresses = false;
let headerTextStart: i32 = 0;
let headerTextEnd: i32 = 0;
let headerPython2Except = false;
let headerMayGuard = false;

function plainHeader(end: i32): void {
  headerEndToken = end;
  headerCatches = false;
  headerTypeChecking = false;
  headerSuppresses = false;
  headerTextStart = 0;
  headerTextEnd = 0;
  headerPython2Except = false;
  headerMayGuard = false;
}

/** scanner.ts `skipHeader`. */
function skipHeader(): void {
  const token = skipUntil(true);
  if (token !== OP) plainHeader(NEWLINE);
  else plainHeader(op === 58 ? COLON_TOKEN : SEMICOLON_TOKEN);
}

/** scanner.ts `GUARD_NAMES` (names starting with P or I whose length is one of theirs). */
function isGuardName(): bool {
  return (
    tokenIs("PY2") ||
    tokenIs("PY3") ||
    tokenIs("PY3K") ||
    tokenIs("IS_PY2") ||
    tokenIs("IS_PY3") ||
    tokenIs("PYTHON2") ||
    tokenIs("PYTHON3")
  );
}

/** scanner.ts `CATCHES_IMPORT_FAILURE`. */
function isImportFailureName(): bool {
  return (
    tokenIs("ImportError") ||
    tokenIs("ModuleNotFoundError") ||
    tokenIs("Exception") ||
    tokenIs("BaseException")
  );
}

/** scanner.ts `previousWasComma`. */
function previousWasComma(): bool {
  let i = tokenStart - 1;
  while (i >= 0 && (at(i) === 32 || at(i) === 9)) i--;
  return ch(i) === 44;
}

/** scanner.ts `compoundHeader`. */
function compoundHeader(): void {
  const textStart = tokenEnd;
  let lambdas = 0;
  let topLevelCommas = 0;
  let lowercaseAfterComma = false;
  let mayGuard = false;
  let namesAny = false;
  let namesImportFailure = false;
  let namesSuppress = false;
  let dottedOnly = true;
  let previousWasName = false;
  let lastIsTypeChecking = false;
  for (;;) {
    const token = next();
    if (token === NEWLINE || token === EOF) {
      plainHeader(NEWLINE);
      return;
    }
    if (token === OP && op === 59) {
      plainHeader(SEMICOLON_TOKEN);
      return;
    }
    if (token === OP && op === 58 && depth === 0) {
      if (lambdas > 0) {
        lambdas--;
        continue;
      }
      headerEndToken = COLON_TOKEN;
      headerCatches = !namesAny || namesImportFailure;
      headerTypeChecking = dottedOnly && previousWasName && lastIsTypeChecking;
      headerSuppresses = namesSuppress && namesImportFailure;
      headerTextStart = textStart;
      headerTextEnd = tokenStart;
      headerPython2Except = topLevelCommas === 1 && lowercaseAfterComma;
      headerMayGuard = mayGuard;
      return;
    }
    if (token === OP && op === 44 && depth === 0) topLevelCommas++;
    if (token === NAME && topLevelCommas === 1 && previousWasComma()) {
      const first = at(tokenStart);
      if (first >= 97 && first <= 122) lowercaseAfterComma = true;
    }
    if (token === NAME) {
      namesAny = true;
      const n = tokenEnd - tokenStart;
      lastIsTypeChecking = n === 13 && tokenIs("TYPE_CHECKING");
      if (n === 12 && tokenIs("version_info")) mayGuard = true;
      else if (n === 7 && tokenIs("modules")) mayGuard = true;
      else if (n === 8 && tokenIs("__name__")) mayGuard = true;
      else if ((at(tokenStart) === 80 || at(tokenStart) === 73) && isGuardName()) mayGuard = true;
      if (n === 6 && tokenIs("lambda")) lambdas++;
      else if (n === 8 && tokenIs("suppress")) namesSuppress = true;
      else if (n >= 9 && n <= 19 && isImportFailureName()) namesImportFailure = true;
      if (previousWasName) dottedOnly = false;
      previousWasName = true;
    } else {
      if (!(token === OP && op === 46)) dottedOnly = false;
      previousWasName = false;
    }
  }
}

// A context a line opens (scanner.ts `Context`), or none.
let openedValid = false;
let openedBlock: i32 = NO_BLOCK;
let openedTypeOnly = false;
let openedVersions: i32 = ALL_VERSIONS;

function open(block: i32, typeOnly: bool, versions: i32): void {
  openedValid = true;
  openedBlock = block;
  openedTypeOnly = typeOnly;
  openedVersions = versions;
}

/**
 * scanner.ts `branch`. `before`: the versions the chain this branch continues left (all for an `if`);
 * `chain`: that chain's index when it stays open (an `elif`), else -1.
 */
function branch(keyword: i32, indent: i32, chain: i32, before: i32): void {
  let versions = before;
  let loadedByCaller = false;
  if (keyword !== K_ELSE) {
    let guard = 0;
    let hasGuard = false;
    if (headerMayGuard) {
      const flags = ifHeader(headerTextStart, headerTextEnd, indent);
      if ((flags & 1) !== 0) mainGuard = 1;
      loadedByCaller = (flags & 2) !== 0;
      hasGuard = (flags & 4) !== 0;
      if (hasGuard) guard = guardMask();
    }
    versions = hasGuard ? before & guard : before;
    const remaining = before & (hasGuard ? ~guard : ALL_VERSIONS);
    if (chain >= 0) store<i32>(OPEN_IFS + <usize>(chain * 8) + 4, remaining);
    else pushIf(indent, remaining);
  }
  const typeOnly = keyword !== K_ELSE && headerTypeChecking;
  if (!typeOnly && !loadedByCaller && versions === ALL_VERSIONS) return;
  open(loadedByCaller ? newBlock(true) : NO_BLOCK, typeOnly, versions);
}

/** scanner.ts `plainLine`. */
function plainLine(start: i32): i32 {
  if (contextCount > 0 || openTryCount > 0 || openIfCount > 0) closeBlocksAt(indentationAt(start));
  const token = skipStatementAt(start);
  if (token !== OP) return token;
  const following = next();
  return following === NEWLINE || following === EOF ? following : simpleStatements(following);
}

/** scanner.ts `logicalLine`. */
function logicalLine(token: i32): i32 {
  const indent = indentationAt(tokenStart);
  while (contextCount > 0 && contextIndent(contextCount - 1) >= indent) contextCount--;
  while (openTryCount > 0 && tryIndent(openTryCount - 1) > indent) openTryCount--;
  while (openIfCount > 0 && ifIndent(openIfCount - 1) > indent) openIfCount--;
  const keyword = token === NAME ? compoundKeyword() : NONE;
  const clause = keyword === K_EXCEPT || keyword === K_ELSE || keyword === K_FINALLY;
  if (!clause && openTryCount > 0 && tryIndent(openTryCount - 1) === indent) openTryCount--;
  const ifClause = keyword === K_ELIF || keyword === K_ELSE;
  let chain = -1;
  let chainRemaining = ALL_VERSIONS;
  let hasChain = false;
  if (openIfCount > 0 && ifIndent(openIfCount - 1) === indent) {
    hasChain = true;
    chain = openIfCount - 1;
    chainRemaining = ifRemaining(chain);
  }
  if (hasChain && !(ifClause && keyword === K_ELIF)) {
    openIfCount--;
    chain = -1; // popped: its remaining versions are still read by an `else`
  }
  if (keyword === NONE) return simpleStatements(token);

  if (keyword === K_IF || keyword === K_ELIF || keyword === K_EXCEPT || keyword === K_WITH) compoundHeader();
  else skipHeader();
  if (headerEndToken !== COLON_TOKEN) {
    return headerEndToken === SEMICOLON_TOKEN ? simpleStatements(next()) : NEWLINE;
  }
  openedValid = false;
  if (keyword === K_TRY) {
    const block = newBlock(false);
    if (openTryCount >= MAX_STACK) overflowed = true;
    else {
      store<i32>(OPEN_TRIES + <usize>(openTryCount * 8), indent);
      store<i32>(OPEN_TRIES + <usize>(openTryCount * 8) + 4, block);
      openTryCount++;
    }
    open(block, false, ALL_VERSIONS);
  } else if (keyword === K_EXCEPT) {
    if (headerPython2Except) notePython2(headerTextStart, EXCEPT_COMMA);
    const found = firstTryAt(indent);
    if (found >= 0 && headerCatches) store<u8>(BLOCKS + <usize>tryBlock(found), 1);
  } else if (keyword === K_ELSE && firstTryAt(indent) >= 0) {
    const found = firstTryAt(indent);
    if (load<u8>(BLOCKS + <usize>tryBlock(found)) !== 0) open(newBlock(true), false, ALL_VERSIONS);
  } else if (keyword === K_IF || keyword === K_ELIF || keyword === K_ELSE) {
    // An `if` starts its own chain; `elif` and `else` continue the one at this indentation.
    const useChain = keyword !== K_IF && hasChain;
    branch(
      keyword,
      indent,
      keyword === K_ELIF && useChain ? chain : -1,
      useChain ? chainRemaining : ALL_VERSIONS,
    );
  } else if (keyword === K_WITH && headerSuppresses) {
    open(newBlock(true), false, ALL_VERSIONS);
  }
  const following = next();
  if (following === NEWLINE || following === EOF) {
    if (openedValid) pushContext(indent, openedBlock, openedTypeOnly, openedVersions);
    return following;
  }
  // `try: import x` — the body shares the header's line: the opened context holds for it alone.
  if (!openedValid) return simpleStatements(following);
  pushContext(indent, openedBlock, openedTypeOnly, openedVersions);
  const result = simpleStatements(following);
  contextCount--;
  return result;
}

/** The first open try (oldest first) at `indent`, or -1 (scanner.ts `openTries.find`). */
function firstTryAt(indent: i32): i32 {
  for (let i = 0; i < openTryCount; i++) if (tryIndent(i) === indent) return i;
  return -1;
}

/** scanner.ts `simpleStatements`. */
function simpleStatements(first: i32): i32 {
  let token = first;
  for (;;) {
    if (token === NAME && tokenIs("import")) token = importStatement();
    else if (token === NAME && tokenIs("from")) token = fromStatement();
    else if (token !== NEWLINE && token !== EOF && !(token === OP && op === 59)) {
      if (token === NAME && (tokenIs("print") || tokenIs("exec"))) token = maybePython2Statement();
      else if (token === NAME && (tokenIs("sys") || tokenIs("site") || tokenIs("monkeypatch"))) {
        // JavaScript reads the call's literal path; the statement is then skipped here as after it there.
        if (isSysPathCall()) sysPathCall(tokenStart);
        token = skipUntil(false);
      }
      if (token !== NEWLINE && token !== EOF && !(token === OP && op === 59)) token = skipUntil(false);
    }
    while (token !== NEWLINE && token !== EOF && !(token === OP && op === 59)) token = next();
    if (token === OP) {
      token = next();
      if (token !== NEWLINE && token !== EOF) continue;
    }
    return token === EOF ? EOF : NEWLINE;
  }
}

function spanIs(start: i32, end: i32, word: string): bool {
  return end - start === word.length && startsWith(start, word);
}

/**
 * Whether the statement starting with the current name is one scanner.ts `readSysPath` records:
 * `sys.path.insert(`, `sys.path.append(`, `site.addsitedir(`, `monkeypatch.syspath_prepend(`. Looks ahead
 * and puts the lexer back where it was.
 */
function isSysPathCall(): bool {
  const savedPos = pos;
  const savedStart = tokenStart;
  const savedEnd = tokenEnd;
  const savedOp = op;
  const savedDepth = depth;
  const savedOpenedAt = openedAt;
  const savedLineHasTokens = lineHasTokens;
  peeking = true;
  const firstStart = tokenStart;
  const firstEnd = tokenEnd;
  let secondStart = 0;
  let secondEnd = 0;
  let thirdStart = 0;
  let thirdEnd = 0;
  let names = 1;
  let chained = true;
  let token = next();
  while (token === OP && op === 46) {
    token = next();
    if (token !== NAME) {
      chained = false;
      break;
    }
    names++;
    if (names === 2) {
      secondStart = tokenStart;
      secondEnd = tokenEnd;
    } else if (names === 3) {
      thirdStart = tokenStart;
      thirdEnd = tokenEnd;
    }
    token = next();
  }
  const call =
    chained &&
    token === OP &&
    op === 40 &&
    ((names === 3 &&
      spanIs(firstStart, firstEnd, "sys") &&
      spanIs(secondStart, secondEnd, "path") &&
      (spanIs(thirdStart, thirdEnd, "insert") || spanIs(thirdStart, thirdEnd, "append"))) ||
      (names === 2 && spanIs(firstStart, firstEnd, "site") && spanIs(secondStart, secondEnd, "addsitedir")) ||
      (names === 2 &&
        spanIs(firstStart, firstEnd, "monkeypatch") &&
        spanIs(secondStart, secondEnd, "syspath_prepend")));
  peeking = false;
  pos = savedPos;
  tokenStart = savedStart;
  tokenEnd = savedEnd;
  op = savedOp;
  depth = savedDepth;
  openedAt = savedOpenedAt;
  lineHasTokens = savedLineHasTokens;
  return call;
}

/** scanner.ts `maybePython2Statement`. */
function maybePython2Statement(): i32 {
  const start = tokenStart;
  const isPrint = tokenIs("print");
  const token = next();
  const python2 =
    token === STRING ||
    token === NUMBER ||
    (token === NAME && !isKeywordAfterName()) ||
    (isPrint && token === OP && op === 62 && ch(tokenEnd) === 62);
  if (python2) notePython2(start, isPrint ? PRINT_STATEMENT : EXEC_STATEMENT);
  return token;
}

/** scanner.ts `KEYWORDS_AFTER_NAME`. */
function isKeywordAfterName(): bool {
  return (
    tokenIs("if") ||
    tokenIs("else") ||
    tokenIs("and") ||
    tokenIs("or") ||
    tokenIs("not") ||
    tokenIs("in") ||
    tokenIs("is") ||
    tokenIs("for") ||
    tokenIs("lambda")
  );
}

// One import's dotted name and names, gathered before the record is written (spans of the text).
const MAX_PARTS: i32 = 4096;
const PARTS: usize = memory.data(MAX_PARTS * 8);
let partCount: i32 = 0;
const NAMES: usize = memory.data(MAX_PARTS * 8);
let nameCount: i32 = 0;

function addSpan(list: usize, count: i32, start: i32, end: i32): bool {
  if (count >= MAX_PARTS) {
    overflowed = true;
    return false;
  }
  store<i32>(list + <usize>(count * 8), start);
  store<i32>(list + <usize>(count * 8) + 4, end);
  return true;
}

/** scanner.ts `dottedName`: the parts of `a.b.c` from the current NAME; returns the token after it. */
function dottedName(): i32 {
  partCount = 0;
  if (addSpan(PARTS, partCount, tokenStart, tokenEnd)) partCount++;
  let token = next();
  while (token === OP && op === 46) {
    token = next();
    if (token !== NAME) break;
    if (addSpan(PARTS, partCount, tokenStart, tokenEnd)) partCount++;
    token = next();
  }
  return token;
}

/** scanner.ts `importStatement`. */
function importStatement(): i32 {
  const line = lineAt(tokenStart);
  let token = next();
  while (token === NAME) {
    token = dottedName();
    nameCount = 0;
    record(0, line);
    if (token === NAME && tokenIs("as")) {
      next();
      token = next();
    }
    if (!(token === OP && op === 44)) return token;
    token = next();
  }
  return token;
}

/** scanner.ts `fromStatement`. */
function fromStatement(): i32 {
  const line = lineAt(tokenStart);
  let level = 0;
  let token = next();
  while (token === OP && op === 46) {
    level++;
    token = next();
  }
  partCount = 0;
  if (token === NAME && !tokenIs("import")) token = dottedName();
  if (!(token === NAME && tokenIs("import"))) return token;
  nameCount = 0;
  token = next();
  if (token === OP && op === 42) {
    if (addSpan(NAMES, nameCount, -1, -1)) nameCount++;
    token = next();
  } else {
    const parenthesized = token === OP && op === 40;
    if (parenthesized) token = next();
    while (token === NAME) {
      if (addSpan(NAMES, nameCount, tokenStart, tokenEnd)) nameCount++;
      token = next();
      if (token === NAME && tokenIs("as")) {
        next();
        token = next();
      }
      if (!(token === OP && op === 44)) break;
      token = next();
    }
    if (parenthesized && token === OP && op === 41) token = next();
  }
  record(level, line);
  return token;
}

/** scanner.ts `record`: IMPORT, line, level, typeOnly, versions, tries (count, blocks), parts, names. */
function record(level: i32, line: i32): void {
  let typeOnly = false;
  let versions = ALL_VERSIONS;
  let tries = 0;
  for (let i = 0; i < contextCount; i++) {
    const base = CONTEXTS + <usize>(i * 16);
    if (load<i32>(base + 4) !== NO_BLOCK) tries++;
    if (load<i32>(base + 8) !== 0) typeOnly = true;
    versions &= load<i32>(base + 12);
  }
  emit(IMPORT);
  emit(line);
  emit(level);
  emit(typeOnly ? 1 : 0);
  emit(versions);
  emit(tries);
  for (let i = 0; i < contextCount; i++) {
    const block = load<i32>(CONTEXTS + <usize>(i * 16) + 4);
    if (block !== NO_BLOCK) emit(block);
  }
  emit(partCount);
  for (let i = 0; i < partCount; i++) {
    emit(load<i32>(PARTS + <usize>(i * 8)));
    emit(load<i32>(PARTS + <usize>(i * 8) + 4));
  }
  emit(nameCount);
  for (let i = 0; i < nameCount; i++) {
    emit(load<i32>(NAMES + <usize>(i * 8)));
    emit(load<i32>(NAMES + <usize>(i * 8) + 4));
  }
}

/**
 * scanner.ts `ImportScanner.scan` over the `textLength` characters at textBase(), stopping at the first
 * line after `stopAt` once no try is open (scanner.ts `restNeedsNoScan` computes it). Writes its records
 * from `output` (at most `capacity` bytes); returns OVERFLOW when they do not fit, else 0.
 */
export function scan(textLength: i32, stopAt: i32, output: usize, capacity: i32): i32 {
  length = textLength;
  out = output;
  outEnd = output + <usize>capacity;
  overflowed = false;
  stoppedAt = -1;
  mainGuard = 0;
  pos = 0;
  tokenStart = 0;
  tokenEnd = 0;
  op = 0;
  depth = 0;
  openedAt = 0;
  lineHasTokens = false;
  contextCount = 0;
  openTryCount = 0;
  openIfCount = 0;
  blockCount = 0;
  python2Noted = false;
  cursorOffset = 0;
  cursorLine = 1;
  for (;;) {
    const start = lineStart();
    if (start >= length) break;
    if (start > stopAt && openTryCount === 0) {
      stoppedAt = start;
      break;
    }
    const end = startsTellingStatement(start) ? logicalLine(next()) : plainLine(start);
    if (overflowed) return OVERFLOW;
    if (end === EOF) break;
  }
  emit(END);
  return overflowed ? OVERFLOW : 0;
}

// ---- Where the scan may stop (scanner.ts `restNeedsNoScan`) ----
// Most of a file lies after its last import and is only searched for hints; eight characters at a time
// (SIMD), for two-letter starts of what is searched, then each candidate checked.

/** Characters a SIMD step compares. */
const LANES: i32 = 8;

function lanesAt(p: i32): v128 {
  return v128.load(TEXT + ((<usize>p) << 1));
}

function lanesEqual(v: v128, c: i32): v128 {
  return i16x8.eq(v, i16x8.splat(<i16>c));
}

function laneBits(v: v128): i32 {
  return i16x8.bitmask(v);
}

/** Bit i set where the characters at p+i, p+i+1 are `a`, `b` (p + LANES must be inside the text). */
function pairs(p: i32, a: i32, b: i32): i32 {
  return laneBits(v128.and(lanesEqual(lanesAt(p), a), lanesEqual(lanesAt(p + 1), b)));
}

/** `lastIndexOf("import")`. */
function lastImport(): i32 {
  let last = -1;
  let p = 0;
  while (p + LANES + 1 <= length) {
    let bits = pairs(p, 105, 109); // im
    while (bits !== 0) {
      const q = p + <i32>ctz(bits);
      if (startsWith(q, "import")) last = q;
      bits &= bits - 1;
    }
    p += LANES;
  }
  for (; p < length; p++) if (startsWith(p, "import")) last = p;
  return last;
}

/** A name character or anything above ASCII: what `[\w\x80-\uffff]` matches. */
function isNameChar(c: u32): bool {
  return c - 97 < 26 || c - 65 < 26 || c - 48 < 10 || c === 95 || c >= 128;
}

/** What may follow `print`/`exec` in a Python 2 statement: `[ \t]+[\w'".]` or `[ \t]*['"]` (or `>>`). */
function python2Argument(afterWord: i32, printWord: bool): bool {
  let p = afterWord;
  while (ch(p) === 32 || ch(p) === 9) p++;
  const c = ch(p);
  if (c === 39 || c === 34) return true;
  if (printWord && c === 62 && ch(p + 1) === 62) return true;
  return p > afterWord && (isAsciiWord(c) || c === 46);
}

/** scanner.ts `REST_HINT` matches at `p`. */
function hintAt(p: i32): bool {
  const c = at(p);
  if (c === 115) return startsWith(p, "sys.path") || startsWith(p, "syspath_prepend");
  if (c === 97) return startsWith(p, "addsitedir");
  if (p > 0 && isNameChar(at(p - 1))) return false;
  if (c === 112) return startsWith(p, "print") && python2Argument(p + 5, true);
  if (startsWith(p, "exec")) return python2Argument(p + 4, false);
  if (startsWith(p, "except") && !isAsciiWord(ch(p + 6))) {
    for (let q = p + 6; q < length; q++) {
      const d = at(q);
      if (d === 44) return true;
      if (d === 58 || d === 10) return false;
    }
  }
  return false;
}

/** `REST_HINT.test` from `from`. */
function restHint(from: i32): bool {
  let p = from;
  while (p + LANES + 1 <= length) {
    let bits = pairs(p, 115, 121) | pairs(p, 97, 100) | pairs(p, 112, 114) | pairs(p, 101, 120); // sy ad pr ex
    while (bits !== 0) {
      if (hintAt(p + <i32>ctz(bits))) return true;
      bits &= bits - 1;
    }
    p += LANES;
  }
  for (; p < length; p++) if (hintAt(p)) return true;
  return false;
}

/** scanner.ts `oddTripleQuotes(src, from, to)`: each kind counted as repeated `indexOf` counts it. */
function oddTripleQuotes(from: i32, to: i32): bool {
  let doubles = 0;
  let singles = 0;
  let p = from;
  while (p < to) {
    if (p + LANES <= to) {
      const v = lanesAt(p);
      const bits = laneBits(v128.or(lanesEqual(v, 34), lanesEqual(v, 39)));
      if (bits === 0) {
        p += LANES;
        continue;
      }
      p += <i32>ctz(bits);
    }
    const c = at(p);
    if ((c === 34 || c === 39) && ch(p + 1) === c && ch(p + 2) === c) {
      if (c === 34) doubles++;
      else singles++;
      p += 3;
    } else {
      p++;
    }
  }
  return (doubles & 1) === 1 || (singles & 1) === 1;
}

/** scanner.ts `restNeedsNoScan` for the loaded text; LAST (read everything) for its Infinity. */
export function stopOffset(textLength: i32): i32 {
  length = textLength;
  const last = lastImport();
  const from = max(last, 0);
  if (restHint(from) || oddTripleQuotes(from, length)) return 0x7fffffff;
  return last;
}

function skipBlanks(p: i32): i32 {
  while (ch(p) === 32 || ch(p) === 9) p++;
  return p;
}

/** scanner.ts `MAIN_GUARD_LINE` at `p`: `if __name__ == "__main__":`. */
function mainGuardLine(p: i32): bool {
  if (!startsWith(p, "if")) return false;
  let q = skipBlanks(p + 2);
  if (q === p + 2 || !startsWith(q, "__name__")) return false;
  q = skipBlanks(q + 8);
  if (!startsWith(q, "==")) return false;
  q = skipBlanks(q + 2);
  const quote = ch(q);
  if (quote !== 39 && quote !== 34) return false;
  if (!startsWith(q + 1, "__main__") || ch(q + 9) !== quote) return false;
  return ch(skipBlanks(q + 10)) === 58;
}

/** Whether `__main__` at `at` lies on a main guard line starting at or after `from`, outside strings. */
function mainGuardFor(found: i32, from: i32): bool {
  let lineStart = found;
  while (lineStart > 0 && at(lineStart - 1) !== 10) lineStart--;
  return lineStart >= from && mainGuardLine(lineStart) && !oddTripleQuotes(from, lineStart);
}

/**
 * scanner.ts `mainGuardAfter` for the scanned text: a main guard starts a line after `from`, outside any
 * triple-quoted string. Searched for `_m` (of `__main__`) a SIMD step at a time.
 */
export function mainGuardAfter(from: i32): i32 {
  let p = from;
  while (p + LANES + 1 <= length) {
    let bits = pairs(p, 95, 109); // _m
    while (bits !== 0) {
      const start = p + <i32>ctz(bits) - 1;
      if (start >= from && startsWith(start, "__main__") && mainGuardFor(start, from)) return 1;
      bits &= bits - 1;
    }
    p += LANES;
  }
  for (let q = p > from ? p - 1 : from; q + 8 <= length; q++) {
    if (startsWith(q, "__main__") && mainGuardFor(q, from)) return 1;
  }
  return 0;
}
