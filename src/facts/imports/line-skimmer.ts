import { LINE_SKIMMER_WASM } from "./line-skimmer-wasm.js";

/**
 * The WebAssembly side of the import scanner (wasm/line-skimmer.ts): skips the logical lines of a text
 * that the scanner would only close blocks at. WebAssembly runs at full speed from the first file of a
 * large first scan, where the scanner's JavaScript is still waiting for V8's optimising compiler.
 */
export interface LineSkimmer {
  /** Puts `text` (newlines normalised, as the scanner reads it) where `skim` reads it. */
  load(text: string): void;
  /**
   * From the line starting at `start`, skips the lines the scanner need not read; returns the offset
   * where it goes on (`start` itself when the first line is one to read). `stopAt` and `tryFloor`: see
   * `skim` in wasm/line-skimmer.ts.
   */
  skim(start: number, stopAt: number, tryFloor: number): number;
  /** The lowest indentation among the lines the last `skim` passed. */
  minIndent(): number;
  /** When `skim` returned its `start`: whether that line starts as scanner.ts `startsTellingStatement` says. */
  telling(): boolean;
}

/** What dhtl uses of the WebAssembly API (the TypeScript setup has no DOM library, which declares it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface SkimmerExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  minIndent: { value: number };
  telling: { value: number };
  textBase(): number;
  skim(length: number, start: number, stopAt: number, tryFloor: number): number;
}

const PAGE_BYTES = 65_536;
const LAST_INT32 = 0x7fffffff;

let shared: LineSkimmer | null | undefined;

/**
 * This thread's skimmer, made on first use; null where WebAssembly is unavailable (`--jitless`) or
 * `DHTL_SCAN_WASM=0` asks for the scanner's JavaScript alone (the results are the same, only slower).
 */
export function lineSkimmer(): LineSkimmer | null {
  if (shared === undefined) shared = process.env.DHTL_SCAN_WASM === "0" ? null : instantiate();
  return shared;
}

function instantiate(): LineSkimmer | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  let exports: SkimmerExports;
  try {
    const module = new api.Module(Buffer.from(LINE_SKIMMER_WASM, "base64"));
    exports = new api.Instance(module, {}).exports as SkimmerExports;
  } catch {
    return null;
  }
  const base = exports.textBase();
  let view = Buffer.from(exports.memory.buffer);
  let length = 0;
  return {
    load(text) {
      const needed = base + text.length * 2;
      if (needed > view.length) {
        exports.memory.grow(Math.ceil((needed - view.length) / PAGE_BYTES));
        view = Buffer.from(exports.memory.buffer);
      }
      view.write(text, base, "utf16le");
      length = text.length;
    },
    skim(start, stopAt, tryFloor) {
      return exports.skim(length, start, Math.min(stopAt, LAST_INT32), tryFloor);
    },
    minIndent() {
      return exports.minIndent.value;
    },
    telling() {
      return exports.telling.value !== 0;
    },
  };
}
