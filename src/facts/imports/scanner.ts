import { EOF, Lexer, NAME, NEWLINE, normalizeNewlines, OP } from "../../formats/python-source/lexer.js";

export { decodePythonSource } from "./encoding.js";

/** One `import` / `from … import` found in Python source, as CPython's `ast` would see it. */
export interface ImportStatement {
  /** Dotted module path; "" for `from . import x`. */
  module: string;
  /** Names after `from … import` (`*` included); empty for plain `import`. */
  names: string[];
  /** Number of leading dots of a relative import; 0 when absolute. */
  level: number;
  /** 1-based line of the `import` / `from` keyword. */
  line: number;
  /** Inside a `try:` body whose handlers catch ImportError (or everything), or `with suppress(ImportError):`. */
  optional: boolean;
  /** Inside an `if TYPE_CHECKING:` body. */
  typeOnly: boolean;
}

const COLON = 58;
const SEMICOLON = 59;
const DOT = 46;
const COMMA = 44;
const STAR = 42;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;

/** Keywords that open a compound statement; its header ends at the first top-level `:`. */
const COMPOUND = (
  [
    "if",
    "elif",
    "else",
    "try",
    "except",
    "finally",
    "while",
    "for",
    "with",
    "def",
    "class",
    "async",
    "match",
    "case",
  ] as const
).reduce<Map<number, string[]>>((byLength, word) => {
  byLength.set(word.length, [...(byLength.get(word.length) ?? []), word]);
  return byLength;
}, new Map());

/** The compound keyword the current NAME token is, found without allocating a string per line. */
function compoundKeyword(lex: Lexer): string | null {
  const candidates = COMPOUND.get(lex.end - lex.start);
  if (candidates) for (const word of candidates) if (lex.is(word)) return word;
  return null;
}

/** Exception names whose handler makes a failed import survivable. */
const CATCHES_IMPORT_FAILURE = new Set(["ImportError", "ModuleNotFoundError", "Exception", "BaseException"]);

interface TryBlock {
  catchesImportFailure: boolean;
}

/** A block that changes what its imports mean: a try body or an `if TYPE_CHECKING:` body. */
interface Context {
  /** Indentation of the header; lines indented deeper belong to the body. */
  indent: number;
  tryBlock: TryBlock | null;
  typeOnly: boolean;
}

interface Header {
  /** COLON for a real header; NEWLINE or SEMICOLON when the line was a simple statement after all. */
  end: number;
  catchesImportFailure: boolean;
  typeChecking: boolean;
  /** `with suppress(ImportError):` guards its body like a try. */
  suppressesImportFailure: boolean;
}

const NO_HEADER: Header = {
  end: NEWLINE,
  catchesImportFailure: false,
  typeChecking: false,
  suppressesImportFailure: false,
};

interface OpenTry {
  indent: number;
  block: TryBlock;
}

interface PendingImport {
  statement: ImportStatement;
  tries: TryBlock[];
}

/** Finds every import statement of a Python source text, in source order. Tolerates broken code. */
export function scanImports(source: string): ImportStatement[] {
  return new ImportScanner(normalizeNewlines(source)).scan();
}

class ImportScanner {
  private readonly lex: Lexer;
  private readonly found: PendingImport[] = [];
  private readonly contexts: Context[] = [];
  /** `try` statements whose `except` clauses may still follow, by header indentation. */
  private readonly openTries: OpenTry[] = [];
  private lineCursor = { offset: 0, line: 1 };

  constructor(private readonly src: string) {
    this.lex = new Lexer(src);
  }

  scan(): ImportStatement[] {
    let token = this.lex.next();
    while (token !== EOF) {
      token = token === NEWLINE ? this.lex.next() : this.logicalLine(token);
    }
    return this.found.map(({ statement, tries }) => ({
      ...statement,
      optional: tries.some((block) => block.catchesImportFailure),
    }));
  }

  /** Handles one logical line starting at `token`; returns the first token of the next one. */
  private logicalLine(token: number): number {
    const lex = this.lex;
    const indent = indentationAt(this.src, lex.start);
    // Both stacks grow with nesting, so their indentation rises towards the top.
    const contexts = this.contexts;
    while (contexts.length > 0 && (contexts[contexts.length - 1] as Context).indent >= indent) contexts.pop();
    const openTries = this.openTries;
    while (openTries.length > 0 && (openTries[openTries.length - 1] as OpenTry).indent > indent)
      openTries.pop();
    const keyword = token === NAME ? compoundKeyword(lex) : null;
    const clause = keyword === "except" || keyword === "else" || keyword === "finally";
    if (!clause && openTries.length > 0 && (openTries[openTries.length - 1] as OpenTry).indent === indent) {
      openTries.pop();
    }
    if (keyword === null) return this.simpleStatements(token, this.contexts);

    // Only `if`, `elif`, `except` and `with` headers say something about imports; the rest are skipped fast.
    const header =
      keyword === "if" || keyword === "elif" || keyword === "except" || keyword === "with"
        ? this.compoundHeader()
        : this.skipHeader();
    if (header.end !== COLON) {
      // A soft keyword used as a name (`match = 1`): the line was a simple statement.
      return header.end === SEMICOLON ? this.simpleStatements(lex.next(), this.contexts) : lex.next();
    }
    let opened: Context | null = null;
    if (keyword === "try") {
      const block: TryBlock = { catchesImportFailure: false };
      this.openTries.push({ indent, block });
      opened = { indent, tryBlock: block, typeOnly: false };
    } else if (keyword === "except") {
      const open = this.openTries.find((entry) => entry.indent === indent);
      if (open && header.catchesImportFailure) open.block.catchesImportFailure = true;
    } else if ((keyword === "if" || keyword === "elif") && header.typeChecking) {
      opened = { indent, tryBlock: null, typeOnly: true };
    } else if (keyword === "with" && header.suppressesImportFailure) {
      opened = { indent, tryBlock: { catchesImportFailure: true }, typeOnly: false };
    }
    const next = lex.next();
    if (next === NEWLINE || next === EOF) {
      if (opened) this.contexts.push(opened);
      return next === EOF ? EOF : lex.next();
    }
    // `try: import x` — the body shares the header's line.
    return this.simpleStatements(next, opened ? [...this.contexts, opened] : this.contexts);
  }

  private skipHeader(): Header {
    const token = this.lex.skipHeader();
    if (token === OP) return { ...NO_HEADER, end: this.lex.op };
    return NO_HEADER;
  }

  /**
   * Reads a compound statement header up to its top-level `:` (a lambda's colon excepted), noting what
   * an `except` catches, whether an `if` tests TYPE_CHECKING and whether a `with` suppresses ImportError.
   */
  private compoundHeader(): Header {
    const lex = this.lex;
    let lambdas = 0;
    // A bare `except:` catches everything; a named one only what it names.
    let namesAny = false;
    let namesImportFailure = false;
    let namesSuppress = false;
    // `TYPE_CHECKING` or `typing.TYPE_CHECKING`: names joined by dots, nothing else (`not X` is runtime).
    let dottedOnly = true;
    let previousWasName = false;
    let lastIsTypeChecking = false;
    for (;;) {
      const token = lex.next();
      if (token === NEWLINE || token === EOF) return { ...NO_HEADER, end: NEWLINE };
      if (token === OP && lex.op === SEMICOLON) return { ...NO_HEADER, end: SEMICOLON };
      if (token === OP && lex.op === COLON && !lex.nested()) {
        if (lambdas > 0) {
          lambdas--;
          continue;
        }
        return {
          end: COLON,
          catchesImportFailure: !namesAny || namesImportFailure,
          typeChecking: dottedOnly && previousWasName && lastIsTypeChecking,
          suppressesImportFailure: namesSuppress && namesImportFailure,
        };
      }
      if (token === NAME) {
        namesAny = true;
        // Only a few names matter; comparing lengths first avoids a string per name.
        const length = lex.end - lex.start;
        lastIsTypeChecking = length === 13 && lex.is("TYPE_CHECKING");
        if (length === 6 && lex.is("lambda")) lambdas++;
        else if (length === 8 && lex.is("suppress")) namesSuppress = true;
        else if (length >= 9 && length <= 19 && CATCHES_IMPORT_FAILURE.has(lex.text()))
          namesImportFailure = true;
        if (previousWasName) dottedOnly = false;
        previousWasName = true;
      } else {
        if (!(token === OP && lex.op === DOT)) dottedOnly = false;
        previousWasName = false;
      }
    }
  }

  /** Reads `;`-separated simple statements until the end of the logical line. */
  private simpleStatements(token: number, contexts: Context[]): number {
    const lex = this.lex;
    for (;;) {
      if (token === NAME && lex.is("import")) token = this.importStatement(contexts);
      else if (token === NAME && lex.is("from")) token = this.fromStatement(contexts);
      else if (token !== NEWLINE && token !== EOF && !(token === OP && lex.op === SEMICOLON)) {
        token = lex.skipStatement();
      }
      while (token !== NEWLINE && token !== EOF && !(token === OP && lex.op === SEMICOLON))
        token = lex.next();
      if (token === OP) {
        token = lex.next();
        if (token !== NEWLINE && token !== EOF) continue;
      }
      return token === EOF ? EOF : lex.next();
    }
  }

  /** `import a.b as c, d` → one statement per module. Returns the token after the statement. */
  private importStatement(contexts: Context[]): number {
    const lex = this.lex;
    const line = this.lineAt(lex.start);
    for (;;) {
      let token = lex.next();
      if (token !== NAME) return token;
      const dotted = this.dottedName();
      token = dotted.next;
      this.record({ module: dotted.name, names: [], level: 0, line }, contexts);
      if (token === NAME && lex.is("as")) {
        lex.next();
        token = lex.next();
      }
      if (!(token === OP && lex.op === COMMA)) return token;
    }
  }

  /** `from ..a.b import (c as d, e)`. Returns the token after the statement. */
  private fromStatement(contexts: Context[]): number {
    const lex = this.lex;
    const line = this.lineAt(lex.start);
    let level = 0;
    let token = lex.next();
    while (token === OP && lex.op === DOT) {
      level++;
      token = lex.next();
    }
    let module = "";
    if (token === NAME && !lex.is("import")) {
      const dotted = this.dottedName();
      module = dotted.name;
      token = dotted.next;
    }
    if (!(token === NAME && lex.is("import"))) return token;
    const names: string[] = [];
    token = lex.next();
    if (token === OP && lex.op === STAR) {
      names.push("*");
      token = lex.next();
    } else {
      const parenthesized = token === OP && lex.op === OPEN_PAREN;
      if (parenthesized) token = lex.next();
      while (token === NAME) {
        names.push(lex.text());
        token = lex.next();
        if (token === NAME && lex.is("as")) {
          lex.next();
          token = lex.next();
        }
        if (!(token === OP && lex.op === COMMA)) break;
        token = lex.next();
      }
      if (parenthesized && token === OP && lex.op === CLOSE_PAREN) token = lex.next();
    }
    this.record({ module, names, level, line }, contexts);
    return token;
  }

  /** Reads `a.b.c` starting at the current NAME token; `next` is the token after it. */
  private dottedName(): { name: string; next: number } {
    const lex = this.lex;
    let name = lex.text();
    let token = lex.next();
    while (token === OP && lex.op === DOT) {
      token = lex.next();
      if (token !== NAME) break;
      name += `.${lex.text()}`;
      token = lex.next();
    }
    return { name, next: token };
  }

  private record(statement: Omit<ImportStatement, "optional" | "typeOnly">, contexts: Context[]): void {
    const tries: TryBlock[] = [];
    let typeOnly = false;
    for (const context of contexts) {
      if (context.tryBlock) tries.push(context.tryBlock);
      if (context.typeOnly) typeOnly = true;
    }
    this.found.push({ statement: { ...statement, optional: false, typeOnly }, tries });
  }

  /** Line numbers are asked for in increasing offsets, so counting resumes where it stopped. */
  private lineAt(offset: number): number {
    const cursor = this.lineCursor;
    let newline = this.src.indexOf("\n", cursor.offset);
    while (newline >= 0 && newline < offset) {
      cursor.line++;
      newline = this.src.indexOf("\n", newline + 1);
    }
    cursor.offset = offset;
    return cursor.line;
  }
}

/** Column of the token at `offset`, with tabs to multiples of 8 and form feeds resetting, as CPython does. */
function indentationAt(src: string, offset: number): number {
  let lineStart = offset;
  while (lineStart > 0 && src.charCodeAt(lineStart - 1) !== 10) lineStart--;
  let column = 0;
  for (let i = lineStart; i < offset; i++) {
    const c = src.charCodeAt(i);
    if (c === 9) column = (Math.floor(column / 8) + 1) * 8;
    else if (c === 12) column = 0;
    else column++;
  }
  return column;
}
