import { UNCLOSED_BRACKET, UNTERMINATED_TRIPLE_QUOTE } from "../../formats/python-source/lexer.js";
import { IMPORT_SCANNER_WASM } from "./import-scanner-wasm.js";
import { ALL_VERSIONS, type VersionMask } from "./python-versions.js";
import { type ImportStatement, PYTHON2_EVIDENCE, type SourceScan, type SysPathEntry } from "./scan-types.js";

/**
 * The import scanner compiled to WebAssembly (wasm/import-scanner.ts): the same scan as scanner.ts's
 * JavaScript, which a large first scan runs at full speed from its first file instead of waiting for V8's
 * optimising compiler. What needs JavaScript's regular expressions or the version-guard parser it asks of
 * scanner.ts through `ScanHelpers`; the text goes in as UTF-16 and the findings come back as records.
 */
export interface WasmScanner {
  /** Scans a text (newlines normalised); null when its findings would not fit (scan it in JavaScript). */
  text(text: string): SourceScan | null;
}

/** What the WebAssembly scan asks of the JavaScript scanner (scanner.ts passes its own functions). */
export interface ScanHelpers {
  lineOf(src: string, offset: number): number;
  detach(text: string): string;
  ifHeaderFacts(
    text: string,
    indent: number,
  ): { mainGuard: boolean; loadedByCaller: boolean; guard: VersionMask | null };
  readSysPathAt(src: string, start: number, found: SysPathEntry[]): void;
}

/** What dhtl uses of the WebAssembly API (the TypeScript setup has no DOM library, which declares it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface ScannerExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  stoppedAt: { value: number };
  mainGuard: { value: number };
  OVERFLOW: { value: number };
  textBase(): number;
  blocksBase(): number;
  stopOffset(length: number): number;
  mainGuardAfter(from: number): number;
  scan(length: number, stopAt: number, output: number, capacity: number): number;
}

const PAGE_BYTES = 65_536;

// Record kinds and codes of wasm/import-scanner.ts.
const END = 0;
const IMPORT = 1;
const PROBLEM = 2;
const PYTHON2 = 3;
const PROBLEMS: Record<number, string> = { 1: UNTERMINATED_TRIPLE_QUOTE, 2: UNCLOSED_BRACKET };
const PYTHON2_CODES: Record<number, string> = {
  1: PYTHON2_EVIDENCE.print,
  2: PYTHON2_EVIDENCE.exec,
  3: PYTHON2_EVIDENCE.exceptComma,
};

/** The scanner where WebAssembly runs, else null (`--jitless`). */
export function createWasmScanner(helpers: ScanHelpers): WasmScanner | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  const engine = Engine.create(api, IMPORT_SCANNER_WASM, helpers);
  if (engine === null) return null;
  return {
    text(text) {
      // Anything unforeseen (memory that cannot grow) leaves the file to the JavaScript scanner.
      try {
        return engine.scan(text);
      } catch {
        return null;
      }
    },
  };
}

/** One instance of a scanner module and the memory it scans in. */
class Engine {
  /** The text being scanned and what its callbacks gather. */
  private source = "";
  private sysPath: SysPathEntry[] = [];
  private mask = 0;
  private exports!: ScannerExports;

  private constructor(private readonly helpers: ScanHelpers) {}

  static create(api: WebAssemblyApi, base64: string, helpers: ScanHelpers): Engine | null {
    const engine = new Engine(helpers);
    const answers = {
      ifHeader: (start: number, end: number, indent: number) => {
        const facts = helpers.ifHeaderFacts(engine.source.slice(start, end), indent);
        engine.mask = facts.guard ?? 0;
        return (facts.mainGuard ? 1 : 0) | (facts.loadedByCaller ? 2 : 0) | (facts.guard !== null ? 4 : 0);
      },
      guardMask: () => engine.mask | 0,
      sysPathCall: (start: number) => helpers.readSysPathAt(engine.source, start, engine.sysPath),
    };
    try {
      const module = new api.Module(Buffer.from(base64, "base64"));
      engine.exports = new api.Instance(module, { "import-scanner": answers }).exports as ScannerExports;
    } catch {
      return null;
    }
    return engine;
  }

  scan(text: string): SourceScan | null {
    const exports = this.exports;
    const base = exports.textBase();
    const length = text.length;
    // The findings go after the text; eight bytes per character is more than any file has needed.
    const output = (base + length * 2 + 15) & ~15;
    const capacity = Math.max(65_536, length * 8);
    const needed = output + capacity;
    if (needed > exports.memory.buffer.byteLength) {
      exports.memory.grow(Math.ceil((needed - exports.memory.buffer.byteLength) / PAGE_BYTES));
    }
    Buffer.from(exports.memory.buffer).write(text, base, "utf16le");
    this.source = text;
    this.sysPath = [];
    try {
      // Where the scan may stop, as scanner.ts `restNeedsNoScan` says (0x7fffffff: nowhere).
      const stopAt = exports.stopOffset(length);
      if (exports.scan(length, stopAt, output, capacity) === exports.OVERFLOW.value) return null;
      return this.results(output, capacity);
    } finally {
      this.source = "";
    }
  }

  /** The records the scan wrote, as scanner.ts's JavaScript makes its results. */
  private results(output: number, capacity: number): SourceScan {
    const { helpers, source, exports } = this;
    const words = new Int32Array(exports.memory.buffer, output, capacity / 4);
    const blocks = new Uint8Array(exports.memory.buffer, exports.blocksBase());
    const statements: ImportStatement[] = [];
    const problems: SourceScan["problems"] = [];
    let python2: SourceScan["python2"] = null;
    let at = 0;
    for (;;) {
      const kind = words[at++] as number;
      if (kind === END) break;
      if (kind === PROBLEM) {
        const offset = words[at++] as number;
        const code = words[at++] as number;
        problems.push({ line: helpers.lineOf(source, offset), message: PROBLEMS[code] as string });
      } else if (kind === PYTHON2) {
        const offset = words[at++] as number;
        const code = words[at++] as number;
        python2 = { line: helpers.lineOf(source, offset), evidence: PYTHON2_CODES[code] as string };
      } else if (kind === IMPORT) {
        const line = words[at++] as number;
        const level = words[at++] as number;
        const typeOnly = words[at++] !== 0;
        const versions = (words[at++] as number) >>> 0;
        const tries = words[at++] as number;
        let optional = false;
        for (let i = 0; i < tries; i++) if (blocks[words[at++] as number] !== 0) optional = true;
        const parts: string[] = [];
        for (let i = words[at++] as number; i > 0; i--, at += 2)
          parts.push(source.slice(words[at] as number, words[at + 1] as number));
        const names: string[] = [];
        for (let i = words[at++] as number; i > 0; i--, at += 2) {
          const start = words[at] as number;
          names.push(start < 0 ? "*" : helpers.detach(source.slice(start, words[at + 1] as number)));
        }
        // Made as scanner.ts `record` makes it: the same fields in the same order.
        const statement: ImportStatement = {
          module: helpers.detach(parts.join(".")),
          names,
          level,
          line,
          optional: false,
          typeOnly,
        };
        if (versions !== ALL_VERSIONS) statement.versions = versions;
        if (tries > 0) statement.optional = optional;
        statements.push(statement);
      } else {
        throw new Error(`the WebAssembly import scanner wrote an unknown record (${kind})`);
      }
    }
    const stoppedAt = exports.stoppedAt.value;
    const mainGuard =
      exports.mainGuard.value !== 0 || (stoppedAt >= 0 && exports.mainGuardAfter(stoppedAt) !== 0);
    return { statements, python2, sysPath: this.sysPath, problems, mainGuard };
  }
}
