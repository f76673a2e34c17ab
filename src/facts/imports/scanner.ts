import {
  EOF,
  Lexer,
  NAME,
  NEWLINE,
  NUMBER,
  normalizeNewlines,
  OP,
  STRING,
} from "../../formats/python-source/lexer.js";
import { ALL_VERSIONS, GUARD_HINT, guardOf, negate, type VersionMask } from "./python-versions.js";
import { type ImportStatement, PYTHON2_EVIDENCE, type SourceScan, type SysPathEntry } from "./scan-types.js";
import { createWasmScanner, type WasmScanner } from "./wasm-scan.js";

export { decodePythonSource } from "./encoding.js";

export type { ImportStatement, SourceScan, SysPathEntry } from "./scan-types.js";

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

/** A block that changes what its imports mean: a try body, an `if TYPE_CHECKING:` body, a version guard. */
interface Context {
  /** Indentation of the header; lines indented deeper belong to the body. */
  indent: number;
  tryBlock: TryBlock | null;
  typeOnly: boolean;
  versions: VersionMask;
}

interface Header {
  /** COLON for a real header; NEWLINE or SEMICOLON when the line was a simple statement after all. */
  end: number;
  catchesImportFailure: boolean;
  typeChecking: boolean;
  /** `with suppress(ImportError):` guards its body like a try. */
  suppressesImportFailure: boolean;
  /** Offsets of the header's text after the keyword, up to the colon. */
  textStart: number;
  textEnd: number;
  /** `except E, e:`: Python 2's spelling of `except E as e:`. */
  python2Except: boolean;
  /** The header names version_info, a PY2/PY3 flag, `modules` or `__name__`: worth reading as a guard. */
  mayGuard: boolean;
}

/**
 * A header that tells nothing but where it ended. Every Header is made by one literal, fields in one
 * order, so the JIT sees a single shape at every use.
 */
function endedHeader(end: number): Header {
  return {
    end,
    catchesImportFailure: false,
    typeChecking: false,
    suppressesImportFailure: false,
    textStart: 0,
    textEnd: 0,
    python2Except: false,
    mayGuard: false,
  };
}

/** What a skipped header (`def`, `class`, `for` …) tells: only where it ended. Shared, never changed. */
const NO_HEADER = endedHeader(NEWLINE);
const COLON_HEADER = endedHeader(COLON);
const SEMICOLON_HEADER = endedHeader(SEMICOLON);

/** An `if`/`elif` chain whose `elif`/`else` clauses may still follow: the versions no branch took yet. */
interface OpenIf {
  indent: number;
  remaining: VersionMask;
}

interface OpenTry {
  indent: number;
  block: TryBlock;
}

interface PendingImport {
  statement: ImportStatement;
  /** The try blocks around it, or null when there are none. */
  tries: TryBlock[] | null;
}

/** Finds every import statement of a Python source text, in source order. Tolerates broken code. */
export function scanImports(source: string): ImportStatement[] {
  return scanSource(source).statements;
}

/**
 * One pass over a source text: its imports, Python 2 evidence, `sys.path` changes and broken places. The
 * scan runs as WebAssembly (wasm/import-scanner.ts) where it can; `engine: "js"` (or DHTL_SCAN_WASM=0)
 * runs this module's JavaScript, which finds exactly the same and is the reference for it.
 */
export function scanSource(source: string, options: { engine?: "js" | "wasm" } = {}): SourceScan {
  const text = normalizeNewlines(source);
  if (options.engine !== "js") {
    const scan = wasmScanner()?.text(text);
    if (scan) return scan;
  }
  return new ImportScanner(text).scan();
}

let wasm: WasmScanner | null | undefined;

/** Whether `scanSource` runs as WebAssembly on this thread (else as JavaScript). */
export function scansAsWebAssembly(): boolean {
  return wasmScanner() !== null;
}

/** This thread's WebAssembly scanner, made on first use; null without WebAssembly or with DHTL_SCAN_WASM=0. */
function wasmScanner(): WasmScanner | null {
  if (wasm === undefined) {
    wasm =
      process.env.DHTL_SCAN_WASM === "0"
        ? null
        : createWasmScanner({
            lineOf,
            detach,
            ifHeaderFacts,
            readSysPathAt,
          });
  }
  return wasm;
}

class ImportScanner {
  private readonly lex: Lexer;
  private readonly found: PendingImport[] = [];
  private readonly contexts: Context[] = [];
  /** `try` statements whose `except` clauses may still follow, by header indentation. */
  private readonly openTries: OpenTry[] = [];
  private readonly openIfs: OpenIf[] = [];
  private lineCursor = { offset: 0, line: 1 };
  private python2: SourceScan["python2"] = null;
  private mainGuard = false;
  private readonly sysPath: SysPathEntry[] = [];

  constructor(private readonly src: string) {
    this.lex = new Lexer(src);
  }

  scan(): SourceScan {
    const lex = this.lex;
    const src = this.src;
    const stopAt = restNeedsNoScan(src);
    for (;;) {
      const at = lex.lineStart();
      if (at >= src.length) break;
      if (at > stopAt && this.openTries.length === 0) {
        // Past the last `import` with every try settled: nothing after can add or change an import.
        if (mainGuardAfter(src, at)) this.mainGuard = true;
        break;
      }
      // Most lines say nothing about imports: they are skipped without being lexed token by token.
      const end = startsTellingStatement(src, at) ? this.logicalLine(lex.next()) : this.plainLine(at);
      if (end === EOF) break;
    }
    // A try's handlers are known only once it ends: optional is settled here, on the objects themselves.
    const statements: ImportStatement[] = [];
    for (const { statement, tries } of this.found) {
      if (tries !== null) statement.optional = tries.some((block) => block.catchesImportFailure);
      statements.push(statement);
    }
    const problems = this.lex.problems.map(({ offset, message }) => ({
      line: lineOf(this.src, offset),
      message,
    }));
    return { statements, python2: this.python2, sysPath: this.sysPath, problems, mainGuard: this.mainGuard };
  }

  private notePython2(offset: number, evidence: string): void {
    if (this.python2 === null) this.python2 = { line: lineOf(this.src, offset), evidence };
  }

  /**
   * A logical line whose first token starts at `at` and cannot import, guard or change anything the scan
   * reports: it only ends the blocks it is not indented into. Returns EOF or NEWLINE (at the next line).
   */
  private plainLine(at: number): number {
    if (this.contexts.length > 0 || this.openTries.length > 0 || this.openIfs.length > 0) {
      const indent = indentationAt(this.src, at);
      const contexts = this.contexts;
      while (contexts.length > 0 && (contexts[contexts.length - 1] as Context).indent >= indent)
        contexts.pop();
      const openTries = this.openTries;
      while (openTries.length > 0 && (openTries[openTries.length - 1] as OpenTry).indent >= indent)
        openTries.pop();
      const openIfs = this.openIfs;
      while (openIfs.length > 0 && (openIfs[openIfs.length - 1] as OpenIf).indent >= indent) openIfs.pop();
    }
    const lex = this.lex;
    const token = lex.skipStatementAt(at);
    if (token !== OP) return token;
    // A top-level `;`: the statements after it are read in full.
    const next = lex.next();
    return next === NEWLINE || next === EOF ? next : this.simpleStatements(next, this.contexts);
  }

  /** Handles one logical line starting at `token`; returns EOF, or NEWLINE at the start of the next one. */
  private logicalLine(token: number): number {
    const lex = this.lex;
    const indent = indentationAt(this.src, lex.start);
    // Both stacks grow with nesting, so their indentation rises towards the top.
    const contexts = this.contexts;
    while (contexts.length > 0 && (contexts[contexts.length - 1] as Context).indent >= indent) contexts.pop();
    const openTries = this.openTries;
    while (openTries.length > 0 && (openTries[openTries.length - 1] as OpenTry).indent > indent)
      openTries.pop();
    const openIfs = this.openIfs;
    while (openIfs.length > 0 && (openIfs[openIfs.length - 1] as OpenIf).indent > indent) openIfs.pop();
    const keyword = token === NAME ? compoundKeyword(lex) : null;
    const clause = keyword === "except" || keyword === "else" || keyword === "finally";
    if (!clause && openTries.length > 0 && (openTries[openTries.length - 1] as OpenTry).indent === indent) {
      openTries.pop();
    }
    const ifClause = keyword === "elif" || keyword === "else";
    // An `if` chain at this indentation ends at any other statement (a new `if` starts its own chain).
    const chain =
      openIfs.length > 0 && (openIfs[openIfs.length - 1] as OpenIf).indent === indent
        ? (openIfs[openIfs.length - 1] as OpenIf)
        : null;
    if (chain && !(ifClause && keyword === "elif")) openIfs.pop();
    if (keyword === null) return this.simpleStatements(token, this.contexts);

    // Only `if`, `elif`, `except` and `with` headers say something about imports; the rest are skipped fast.
    const header =
      keyword === "if" || keyword === "elif" || keyword === "except" || keyword === "with"
        ? this.compoundHeader()
        : this.skipHeader();
    if (header.end !== COLON) {
      // A soft keyword used as a name (`match = 1`): the line was a simple statement.
      return header.end === SEMICOLON ? this.simpleStatements(lex.next(), this.contexts) : NEWLINE;
    }
    let opened: Context | null = null;
    if (keyword === "try") {
      const block: TryBlock = { catchesImportFailure: false };
      this.openTries.push({ indent, block });
      opened = { indent, tryBlock: block, typeOnly: false, versions: ALL_VERSIONS };
    } else if (keyword === "except") {
      if (header.python2Except) this.notePython2(header.textStart, PYTHON2_EVIDENCE.exceptComma);
      const open = this.openTries.find((entry) => entry.indent === indent);
      if (open && header.catchesImportFailure) open.block.catchesImportFailure = true;
    } else if (keyword === "else" && this.openTries.some((entry) => entry.indent === indent)) {
      // `try: import a` / `except ImportError:` / `else: import b`: b is imported only where a was.
      const open = this.openTries.find((entry) => entry.indent === indent) as OpenTry;
      if (open.block.catchesImportFailure)
        opened = {
          indent,
          tryBlock: { catchesImportFailure: true },
          typeOnly: false,
          versions: ALL_VERSIONS,
        };
    } else if (keyword === "if" || keyword === "elif" || keyword === "else") {
      opened = this.branch(
        keyword,
        indent,
        header,
        keyword === "elif" ? chain : keyword === "else" ? chain : null,
      );
    } else if (keyword === "with" && header.suppressesImportFailure) {
      opened = { indent, tryBlock: { catchesImportFailure: true }, typeOnly: false, versions: ALL_VERSIONS };
    }
    const next = lex.next();
    if (next === NEWLINE || next === EOF) {
      if (opened) this.contexts.push(opened);
      return next;
    }
    // `try: import x` — the body shares the header's line.
    return this.simpleStatements(next, opened ? [...this.contexts, opened] : this.contexts);
  }

  /**
   * The context an `if`/`elif`/`else` branch opens: type-only under TYPE_CHECKING, and limited to the
   * versions its version guard (and the failed guards before it in the chain) leave.
   */
  private branch(keyword: string, indent: number, header: Header, chain: OpenIf | null): Context | null {
    const before = chain ? chain.remaining : ALL_VERSIONS;
    let versions = before;
    // `if "trio" in sys.modules:` runs only where the caller already loaded that module: what it imports
    // comes with it, like an import guarded by `except ImportError`.
    let loadedByCaller = false;
    if (keyword !== "else") {
      const facts = header.mayGuard
        ? ifHeaderFacts(this.src.slice(header.textStart, header.textEnd), indent)
        : NOT_A_GUARD;
      if (facts.mainGuard) this.mainGuard = true;
      loadedByCaller = facts.loadedByCaller;
      const guard = facts.guard;
      versions = guard === null ? before : (before & guard) >>> 0;
      const remaining = (before & (negate(guard) ?? ALL_VERSIONS)) >>> 0;
      if (chain) chain.remaining = remaining;
      else this.openIfs.push({ indent, remaining });
    }
    const typeOnly = keyword !== "else" && header.typeChecking;
    if (!typeOnly && !loadedByCaller && versions === ALL_VERSIONS) return null;
    const tryBlock = loadedByCaller ? { catchesImportFailure: true } : null;
    return { indent, tryBlock, typeOnly, versions };
  }

  private skipHeader(): Header {
    const token = this.lex.skipHeader();
    if (token !== OP) return NO_HEADER;
    return this.lex.op === COLON ? COLON_HEADER : SEMICOLON_HEADER;
  }

  /**
   * Reads a compound statement header up to its top-level `:` (a lambda's colon excepted), noting what
   * an `except` catches, whether an `if` tests TYPE_CHECKING and whether a `with` suppresses ImportError.
   */
  private compoundHeader(): Header {
    const lex = this.lex;
    const textStart = lex.end;
    let lambdas = 0;
    let topLevelCommas = 0;
    let lowercaseAfterComma = false;
    let mayGuard = false;
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
      if (token === NEWLINE || token === EOF) return NO_HEADER;
      if (token === OP && lex.op === SEMICOLON) return SEMICOLON_HEADER;
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
          textStart,
          textEnd: lex.start,
          // 3.14 allows `except A, B:` (classes, capitalised); Python 2's second item is a variable.
          python2Except: topLevelCommas === 1 && lowercaseAfterComma,
          mayGuard,
        };
      }
      if (token === OP && lex.op === COMMA && !lex.nested()) topLevelCommas++;
      if (token === NAME && topLevelCommas === 1 && previousWasComma(lex)) {
        const first = lex.src.charCodeAt(lex.start);
        if (first >= 97 && first <= 122) lowercaseAfterComma = true;
      }
      if (token === NAME) {
        namesAny = true;
        // Only a few names matter; comparing lengths first avoids a string per name.
        const length = lex.end - lex.start;
        lastIsTypeChecking = length === 13 && lex.is("TYPE_CHECKING");
        if (length === 12 && lex.is("version_info")) mayGuard = true;
        else if (length === 7 && lex.is("modules")) mayGuard = true;
        else if (length === 8 && lex.is("__name__")) mayGuard = true;
        else if (isGuardFlagStart(lex) && GUARD_NAMES.has(lex.text())) mayGuard = true;
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

  /** Reads `;`-separated simple statements until the end of the logical line; returns EOF or NEWLINE. */
  private simpleStatements(token: number, contexts: Context[]): number {
    const lex = this.lex;
    for (;;) {
      if (token === NAME && lex.is("import")) token = this.importStatement(contexts);
      else if (token === NAME && lex.is("from")) token = this.fromStatement(contexts);
      else if (token !== NEWLINE && token !== EOF && !(token === OP && lex.op === SEMICOLON)) {
        // `print x` (Python 2) and `sys.path.insert(…)` are read a few tokens deep; the rest is skipped fast.
        if (token === NAME && (lex.is("print") || lex.is("exec"))) token = this.maybePython2Statement();
        else if (token === NAME && (lex.is("sys") || lex.is("site") || lex.is("monkeypatch")))
          token = this.maybeSysPath();
        if (token !== NEWLINE && token !== EOF && !(token === OP && lex.op === SEMICOLON))
          token = lex.skipStatement();
      }
      while (token !== NEWLINE && token !== EOF && !(token === OP && lex.op === SEMICOLON))
        token = lex.next();
      if (token === OP) {
        token = lex.next();
        if (token !== NEWLINE && token !== EOF) continue;
      }
      return token === EOF ? EOF : NEWLINE;
    }
  }

  /**
   * `print "x"`, `print x`, `print >>f, x`, `exec code in ns`: statements Python 3 cannot parse.
   * Returns the token after `print`/`exec`, so the statement is then skipped as usual.
   */
  private maybePython2Statement(): number {
    const lex = this.lex;
    const start = lex.start;
    const word = lex.is("print") ? "print" : "exec";
    const token = lex.next();
    const python2 =
      token === STRING ||
      token === NUMBER ||
      (token === NAME && !KEYWORDS_AFTER_NAME.has(lex.text())) ||
      (word === "print" && token === OP && lex.op === 62 && lex.src.charCodeAt(lex.end) === 62);
    if (python2) this.notePython2(start, PYTHON2_EVIDENCE[word]);
    return token;
  }

  private maybeSysPath(): number {
    return readSysPath(this.lex, this.src, this.sysPath);
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
      this.record(dotted.name, [], 0, line, contexts);
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
        names.push(detach(lex.text()));
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
    this.record(module, names, level, line, contexts);
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
    return { name: detach(name), next: token };
  }

  private record(module: string, names: string[], level: number, line: number, contexts: Context[]): void {
    let tries: TryBlock[] | null = null;
    let typeOnly = false;
    let versions = ALL_VERSIONS;
    for (const context of contexts) {
      if (context.tryBlock) tries = tries ? [...tries, context.tryBlock] : [context.tryBlock];
      if (context.typeOnly) typeOnly = true;
      versions = (versions & context.versions) >>> 0;
    }
    const statement: ImportStatement = { module, names, level, line, optional: false, typeOnly };
    if (versions !== ALL_VERSIONS) statement.versions = versions;
    this.found.push({ statement, tries });
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

/**
 * `sys.path.insert(0, …)`, `sys.path.append(…)`, `site.addsitedir(…)`: the literal directories put on the
 * path, added to `found`. `lex` stands on the statement's first name; returns the token after what was read.
 */
function readSysPath(lex: Lexer, src: string, found: SysPathEntry[]): number {
  const start = lex.start;
  const words: string[] = [lex.text()];
  let token = lex.next();
  while (token === OP && lex.op === DOT) {
    token = lex.next();
    if (token !== NAME) return token;
    words.push(lex.text());
    token = lex.next();
  }
  const call = words.join(".");
  if (!SYS_PATH_CALLS.has(call)) return token;
  if (!isOp(lex, token, OPEN_PAREN)) return token;
  const entry: SysPathEntry = { line: lineOf(src, start), fromFile: false, up: 0, parts: [] };
  let dirnames = 0;
  let parents = 0;
  let firstArgument = call === "sys.path.insert";
  for (;;) {
    token = lex.next();
    if (token === NEWLINE || token === EOF) break;
    if (isOp(lex, token, CLOSE_PAREN) && !lex.nested()) {
      token = lex.next();
      break;
    }
    if (firstArgument) {
      // The index argument of insert().
      if (isOp(lex, token, COMMA)) firstArgument = false;
      continue;
    }
    if (token === STRING) {
      const text = stringValue(lex.text());
      if (text !== null)
        entry.parts.push(
          ...text
            .split(/[\\/]+/)
            .filter(Boolean)
            .map(detach),
        );
    } else if (token === NAME) {
      if (lex.is("__file__")) entry.fromFile = true;
      else if (lex.is("dirname")) dirnames++;
      else if (lex.is("parent")) parents++;
      else if (lex.is("pardir")) entry.parts.push("..");
      else if (lex.is("parents")) {
        // Path(__file__).parents[1]
        if (isOp(lex, lex.next(), 91) && lex.next() === NUMBER) parents += Number(lex.text()) + 1;
      }
    }
  }
  // dirname(__file__) and Path(__file__).parent name the file's own directory; each more climbs one.
  if (entry.fromFile) entry.up = Math.max(0, dirnames + parents - 1);
  found.push(entry);
  return token;
}

/** The same for the statement whose first name starts at `start` (the WebAssembly scanner asks this). */
function readSysPathAt(src: string, start: number, found: SysPathEntry[]): void {
  const lex = new Lexer(src);
  lex.pos = start;
  lex.next();
  readSysPath(lex, src, found);
}

/** What an `if` header's text says when it may be a guard (scanner `branch`). */
export interface IfHeaderFacts {
  /** A top-level `if __name__ == "__main__":`. */
  mainGuard: boolean;
  /** `if "trio" in sys.modules:`: what the branch imports comes with a module the caller loaded. */
  loadedByCaller: boolean;
  /** The versions a version guard lets through, or null. */
  guard: VersionMask | null;
}

const NOT_A_GUARD: IfHeaderFacts = { mainGuard: false, loadedByCaller: false, guard: null };

function ifHeaderFacts(text: string, indent: number): IfHeaderFacts {
  return {
    mainGuard: indent === 0 && /^\s*__name__\s*==\s*(['"])__main__\1\s*$/.test(text),
    loadedByCaller: /^\s*(['"])[\w.]+\1\s+in\s+sys\.modules\s*$/.test(text),
    guard: GUARD_HINT.test(text) ? guardOf(text) : null,
  };
}

/**
 * Where the scan may stop: the offset of the file's last `import` (every import statement spells it),
 * when nothing after it needs reading — no hint of Python 2 statements, of `sys.path` changes, or of an
 * unterminated triple-quoted string, the other things a scan reports. Infinity when the whole file must be
 * read. Most files import at the top, so the scan usually ends well before the file does.
 */
function restNeedsNoScan(src: string): number {
  const last = src.lastIndexOf("import");
  const from = Math.max(last, 0);
  // One native search for all the hints rather than one per hint: the rest is most of a typical file.
  REST_HINT.lastIndex = from;
  if (REST_HINT.test(src) || oddTripleQuotes(src, from, src.length)) return Number.POSITIVE_INFINITY;
  return last;
}

/**
 * A `sys.path` change (`sys.path`, `addsitedir`, `syspath_prepend`), or a word `print` / `exec` followed
 * by what a Python 2 statement puts there (`print x`, `print "x"`, `print >>f`, `exec "code"`), or `except`
 * with a comma before the line's colon (`except E, e:`).
 */
const REST_HINT =
  /sys\.path|addsitedir|syspath_prepend|(?<![\w\x80-\uffff])(?:print(?:[ \t]+[\w'".]|[ \t]*(?:['"]|>>))|exec(?:[ \t]+[\w'".]|[ \t]*['"])|except\b[^:\n]*,)/g;

function isWordCharacter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 128;
}

/** A top-level `if __name__ == "__main__":`, matched at a line start. */
const MAIN_GUARD_LINE = /if[ \t]+__name__[ \t]*==[ \t]*(['"])__main__\1[ \t]*:/y;

/**
 * Whether a main guard starts a line after `from` outside any triple-quoted string (an even number of each
 * kind of triple quote lies between: `restNeedsNoScan` saw the rest holds no unterminated one).
 */
function mainGuardAfter(src: string, from: number): boolean {
  for (let at = src.indexOf("__main__", from); at >= 0; at = src.indexOf("__main__", at + 8)) {
    const lineStart = src.lastIndexOf("\n", at) + 1;
    if (lineStart < from) continue;
    MAIN_GUARD_LINE.lastIndex = lineStart;
    if (MAIN_GUARD_LINE.test(src) && !oddTripleQuotes(src, from, lineStart)) return true;
  }
  return false;
}

/** Whether `"""` or `'''` occurs an odd number of times between `from` and `to`. */
function oddTripleQuotes(src: string, from: number, to: number): boolean {
  for (const quotes of ['"""', "'''"]) {
    let count = 0;
    for (let at = src.indexOf(quotes, from); at >= 0 && at < to; at = src.indexOf(quotes, at + 3)) count++;
    if (count % 2 === 1) return true;
  }
  return false;
}

/**
 * Whether the statement starting at `at` may matter to the scan: a compound statement (its header may
 * guard imports, its body may hold them), an import, a Python 2 `print`/`exec`, a `sys.path` change, or a
 * stray `;`. Every other statement is skipped whole.
 */
function startsTellingStatement(src: string, at: number): boolean {
  switch (src.charCodeAt(at)) {
    case 59: // ;
      return true;
    case 97: // a
      return isWordAt(src, at, "async");
    case 99: // c
      return isWordAt(src, at, "class") || isWordAt(src, at, "case");
    case 100: // d
      return isWordAt(src, at, "def");
    case 101: // e
      return (
        isWordAt(src, at, "else") ||
        isWordAt(src, at, "elif") ||
        isWordAt(src, at, "except") ||
        isWordAt(src, at, "exec")
      );
    case 102: // f
      return isWordAt(src, at, "from") || isWordAt(src, at, "for") || isWordAt(src, at, "finally");
    case 105: // i
      return isWordAt(src, at, "if") || isWordAt(src, at, "import");
    case 109: // m
      return isWordAt(src, at, "match") || isWordAt(src, at, "monkeypatch");
    case 112: // p
      return isWordAt(src, at, "print");
    case 115: // s
      return isWordAt(src, at, "sys") || isWordAt(src, at, "site");
    case 116: // t
      return isWordAt(src, at, "try");
    case 119: // w
      return isWordAt(src, at, "while") || isWordAt(src, at, "with");
    default:
      return false;
  }
}

/** Whether the word `word` starts at `at` and ends there (an identifier character does not follow). */
function isWordAt(src: string, at: number, word: string): boolean {
  return src.startsWith(word, at) && !isWordCharacter(src.charCodeAt(at + word.length));
}

/** Flag names a version guard may test (`six.PY2`, `PY3K`), and their lengths for a quick first check. */
const GUARD_NAMES = new Set(["PY2", "PY3", "PY3K", "IS_PY2", "IS_PY3", "PYTHON2", "PYTHON3"]);
const GUARD_NAME_LENGTHS = new Set([...GUARD_NAMES].map((name) => name.length));

/** A name that could be a guard flag (`PY…`, `IS_PY…`), checked before any string is made of it. */
function isGuardFlagStart(lex: Lexer): boolean {
  const first = lex.src.charCodeAt(lex.start);
  return (first === 80 || first === 73) && GUARD_NAME_LENGTHS.has(lex.end - lex.start);
}

/** Calls that put a directory on `sys.path` (pytest's monkeypatch too, in fixtures). */
const SYS_PATH_CALLS = new Set([
  "sys.path.insert",
  "sys.path.append",
  "site.addsitedir",
  "monkeypatch.syspath_prepend",
]);

/** Names that may follow `print`/`exec` in Python 3 code (`print if x else y` is odd, but valid). */
const KEYWORDS_AFTER_NAME = new Set(["if", "else", "and", "or", "not", "in", "is", "for", "lambda"]);

/** Whether `token` is the operator `code` (a function, so TypeScript does not narrow `lex.op` for good). */
function isOp(lex: Lexer, token: number, code: number): boolean {
  return token === OP && lex.op === code;
}

/** True when the character before the current token (spaces skipped) is a comma. */
function previousWasComma(lex: Lexer): boolean {
  let i = lex.start - 1;
  while (i >= 0 && (lex.src.charCodeAt(i) === 32 || lex.src.charCodeAt(i) === 9)) i--;
  return lex.src.charCodeAt(i) === COMMA;
}

/**
 * A copy of `text` that does not keep the file's source alive: V8 makes a slice of 13 or more characters
 * (or a concatenation of slices) a view into its parent string, and scan results outlive their sources.
 * Without this, a large tree's whole text stays on the heap until the scan ends.
 */
export function detach(text: string): string {
  return text.length < 13 ? text : `${text} `.slice(0, -1);
}

/** The text of a plain string literal token (`'src'`, `"../lib"`, `r"x"`); null for f-strings and escapes. */
function stringValue(token: string): string | null {
  const match = /^[rRuUbB]{0,2}(['"])(.*)\1$/s.exec(token);
  if (!match) return null;
  const body = match[2] as string;
  return body.includes("\\") && !/^[rR]/.test(token) ? null : body;
}

/** 1-based line of an offset; for the rare events that need one outside the import cursor. */
function lineOf(src: string, offset: number): number {
  let line = 1;
  for (let at = src.indexOf("\n"); at >= 0 && at < offset; at = src.indexOf("\n", at + 1)) line++;
  return line;
}

/** Column of the token at `offset`, with tabs to multiples of 8 and form feeds resetting, as CPython does. */
function indentationAt(src: string, offset: number): number {
  const lineStart = offset === 0 ? 0 : src.lastIndexOf("\n", offset - 1) + 1;
  let column = 0;
  for (let i = lineStart; i < offset; i++) {
    const c = src.charCodeAt(i);
    if (c === 9) column = (Math.floor(column / 8) + 1) * 8;
    else if (c === 12) column = 0;
    else column++;
  }
  return column;
}
