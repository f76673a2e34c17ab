import { IMPORT_SCANNER_WASM } from "./import-scanner-wasm.js";
import type { VersionMask } from "./python-versions.js";
import type { ImportStatement, SourceScan, SysPathEntry } from "./scan-types.js";

/**
 * The import scanner compiled to WebAssembly (wasm/import-scanner.ts): the same scan as scanner.ts's
 * JavaScript, which a large first scan runs at full speed from its first file instead of waiting for V8's
 * optimising compiler. What needs JavaScript's regular expressions or the version-guard parser it asks of
 * scanner.ts through `ScanHelpers`; the text goes in as UTF-16 and the findings come back as records.
 */
export type WasmScanner = (text: string) => SourceScan | null;

/** What the WebAssembly scan asks of the JavaScript scanner (scanner.ts passes its own functions). */
export interface ScanHelpers {
  mainGuardAfter(src: string, from: number): boolean;
  lineOf(src: string, offset: number): number;
  detach(text: string): string;
  ifHeaderFacts(
    text: string,
    indent: number,
  ): { mainGuard: boolean; loadedByCaller: boolean; guard: VersionMask | null };
  readSysPathAt(src: string, start: number, found: SysPathEntry[]): void;
  startsStatementAt(src: string, at: number): boolean;
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
  scan(length: number, stopAt: number, output: number, capacity: number): number;
}

const PAGE_BYTES = 65_536;
const ALL_VERSIONS = 0xffffffff;

// Record kinds and codes of wasm/import-scanner.ts.
const END = 0;
const IMPORT = 1;
const PROBLEM = 2;
const PYTHON2 = 3;
const PROBLEMS: Record<number, string> = {
  1: "unterminated triple-quoted string: the rest of the file is not scanned",
  2: "bracket never closed (scanning resumed at the statement on the next line)",
};
const PYTHON2_EVIDENCE: Record<number, string> = {
  1: "`print` statement",
  2: "`exec` statement",
  3: "`except E, name:`",
};

/**
 * A scanner running the WebAssembly module, or null where WebAssembly is unavailable (`--jitless`). It
 * returns null for a text whose findings would not fit its output area; scanner.ts then scans it itself.
 */
export function createWasmScanner(helpers: ScanHelpers): WasmScanner | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  // The text being scanned and what the callbacks gather, for the imports below.
  let src = "";
  let sysPath: SysPathEntry[] = [];
  let mask = 0;
  const env = {
    statementStartsAt: (offset: number) => (helpers.startsStatementAt(src, offset) ? 1 : 0),
    ifHeader: (start: number, end: number, indent: number) => {
      const facts = helpers.ifHeaderFacts(src.slice(start, end), indent);
      mask = facts.guard ?? 0;
      return (facts.mainGuard ? 1 : 0) | (facts.loadedByCaller ? 2 : 0) | (facts.guard !== null ? 4 : 0);
    },
    guardMask: () => mask | 0,
    sysPathCall: (start: number) => helpers.readSysPathAt(src, start, sysPath),
    abort: () => {
      throw new Error("the WebAssembly import scanner aborted");
    },
  };
  let exports: ScannerExports;
  try {
    const module = new api.Module(Buffer.from(IMPORT_SCANNER_WASM, "base64"));
    exports = new api.Instance(module, { env }).exports as ScannerExports;
  } catch {
    return null;
  }
  const base = exports.textBase();
  const overflow = exports.OVERFLOW.value;

  return (text) => {
    src = text;
    sysPath = [];
    // The findings go after the text; four bytes per character is more than any file has needed.
    const output = (base + text.length * 2 + 15) & ~15;
    const capacity = Math.max(65_536, text.length * 8);
    const needed = output + capacity;
    if (needed > exports.memory.buffer.byteLength) {
      exports.memory.grow(Math.ceil((needed - exports.memory.buffer.byteLength) / PAGE_BYTES));
    }
    Buffer.from(exports.memory.buffer).write(text, base, "utf16le");
    // Where the scan may stop, as scanner.ts `restNeedsNoScan` says (0x7fffffff: nowhere).
    const stopAt = exports.stopOffset(text.length);
    if (exports.scan(text.length, stopAt, output, capacity) === overflow) return null;
    const words = new Int32Array(exports.memory.buffer, output, capacity / 4);
    const blocks = new Uint8Array(exports.memory.buffer, exports.blocksBase());
    const statements: ImportStatement[] = [];
    const problems: SourceScan["problems"] = [];
    let python2: SourceScan["python2"] = null;
    let at = 0;
    const span = (start: number, end: number) => text.slice(start, end);
    for (;;) {
      const kind = words[at++] as number;
      if (kind === END) break;
      if (kind === PROBLEM) {
        const offset = words[at++] as number;
        const code = words[at++] as number;
        problems.push({ line: helpers.lineOf(text, offset), message: PROBLEMS[code] as string });
      } else if (kind === PYTHON2) {
        const offset = words[at++] as number;
        const code = words[at++] as number;
        python2 = { line: helpers.lineOf(text, offset), evidence: PYTHON2_EVIDENCE[code] as string };
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
          parts.push(span(words[at] as number, words[at + 1] as number));
        const names: string[] = [];
        for (let i = words[at++] as number; i > 0; i--, at += 2) {
          const start = words[at] as number;
          names.push(start < 0 ? "*" : helpers.detach(span(start, words[at + 1] as number)));
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
      exports.mainGuard.value !== 0 || (stoppedAt >= 0 && helpers.mainGuardAfter(text, stoppedAt));
    const scan: SourceScan = { statements, python2, sysPath, problems, mainGuard };
    src = "";
    return scan;
  };
}
