/**
 * Scanning a large tree on more than one core. Worker threads and this thread take batches of files from a
 * shared counter until none are left, so a worker that starts late or runs slowly (a busy machine, a cold
 * JIT) only leaves more files to the others. Results are placed by file index: which thread scanned a file
 * never changes what is reported, nor its order. Small trees, one-core machines and runs without the
 * bundled worker script (tests on the sources) scan in-process. This thread yields to the event loop
 * between batches, so machine probes started alongside keep moving and worker results come in. A worker
 * that fails leaves the files it did not report to this thread.
 */
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { primeScanner } from "./primer.js";
import { openScanCache } from "./scan-cache.js";
import { type FileScan, scanFile } from "./source-file.js";

/** Files a thread takes at a time: small enough that the last batches end together (~5 ms of work). */
const BATCH_SIZE = 16;
/** Below this many files a worker's start-up (~30 ms) costs more than it saves. */
const DEFAULT_MIN_FILES = 400;
const MAX_WORKERS = 3;
/** From this many files on, warming the scanner up first (primer.ts, ~20 ms) saves more than it costs. */
const PRIME_MIN_FILES = 200;

/** What a worker posts: the scans of `files[start]` onwards, in order. */
export interface ScanBatch {
  start: number;
  scans: FileScan[];
}

/** What a worker is given. `claims` holds the shared counter: the index of the next file nobody took. */
export interface ScanShare {
  root: string;
  files: string[];
  claims: SharedArrayBuffer;
  batchSize: number;
}

/** A scan under way: workers (when any) already take files; `results()` joins in on this thread. */
export interface StartedScan {
  /** Every file's scan, in the order of the files given. */
  results(): Promise<FileScan[]>;
}

/**
 * Starts scanning `files` (root-relative); `results()` gives their scans in the same order. Files unchanged
 * since an earlier run answer from the scan cache (scan-cache.ts); workers start on the others at once, so
 * they scan while this thread does other work, and this thread joins in when `results()` is called.
 */
export function startScan(root: string, files: readonly string[]): StartedScan {
  const script = workerScript();
  const cache = openScanCache(root, script);
  const found: (FileScan | null)[] = cache ? files.map((file) => cache.get(file)) : files.map(() => null);
  const missing = files.filter((_, index) => found[index] === null);
  // DHTL_SCAN_WORKERS=N fixes the number of workers (0: none), else the idle cores decide.
  const asked = process.env.DHTL_SCAN_WORKERS;
  const shared = startShared(root, missing, {
    script,
    workers: asked && /^\d+$/.test(asked) ? Math.min(Number(asked), 16) : spareCores(),
    minFiles: Number(process.env.DHTL_SCAN_WORKERS_MIN_FILES) || DEFAULT_MIN_FILES,
  });
  return {
    async results() {
      const scanned = await shared.results();
      let next = 0;
      const scans = found.map((scan, index) => {
        if (scan !== null) return scan;
        const fresh = scanned[next++] as FileScan;
        cache?.set(files[index] as string, fresh);
        return fresh;
      });
      cache?.save();
      return scans;
    },
  };
}

/** How `startShared` shares a scan out. */
export interface ShareOptions {
  /** The worker script (dist/scan-worker.cjs); null scans in-process. */
  script: string | null;
  workers: number;
  /** Fewer files than this are scanned in-process. */
  minFiles: number;
  batchSize?: number;
}

/** Starts scanning `files` on the workers `options` allow; this thread joins in when `results()` is called. */
export function startShared(root: string, files: readonly string[], options: ShareOptions): StartedScan {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const results = new ScanResults(files.length);
  const claims = new SharedArrayBuffer(4);
  const counter = new Int32Array(claims);
  const share: ScanShare = { root, files: [...files], claims, batchSize };
  const pool =
    options.script && options.workers > 0 && files.length >= options.minFiles
      ? new WorkerPool(options.script, share, options.workers, results)
      : null;
  return {
    async results() {
      if (files.length >= PRIME_MIN_FILES) primeScanner();
      for (;;) {
        const start = Atomics.add(counter, 0, batchSize);
        if (start >= files.length) break;
        const end = Math.min(start + batchSize, files.length);
        for (let index = start; index < end; index++)
          results.put(index, scanFile(root, files[index] as string));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (pool) await pool.settled();
      // A worker that failed after taking a batch: what it never reported is scanned here.
      return results.scans.map((scan, index) => scan ?? scanFile(root, files[index] as string));
    },
  };
}

/** The scans of a tree's files as the threads report them, by index. */
class ScanResults {
  readonly scans: (FileScan | undefined)[];
  private filled = 0;

  constructor(length: number) {
    this.scans = new Array(length).fill(undefined);
  }

  put(index: number, scan: FileScan): void {
    if (this.scans[index] === undefined) this.filled++;
    this.scans[index] = scan;
  }

  get complete(): boolean {
    return this.filled === this.scans.length;
  }
}

/**
 * Workers that fill `results` as their batches arrive. `settled()` resolves once every file has a result
 * or every worker has stopped (the files a failed worker took are then still missing); the workers are
 * stopped then, so one still starting up takes no CPU from what follows.
 */
class WorkerPool {
  private readonly workers: Worker[] = [];
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    script: string,
    share: ScanShare,
    count: number,
    private readonly results: ScanResults,
  ) {
    for (let i = 0; i < count; i++) {
      let worker: Worker;
      try {
        worker = new Worker(script, { workerData: share });
      } catch {
        continue;
      }
      this.running++;
      this.workers.push(worker);
      worker.unref();
      worker.on("message", ({ start, scans }: ScanBatch) => {
        for (const [offset, scan] of scans.entries()) results.put(start + offset, scan);
        this.check();
      });
      worker.once("error", () => {});
      worker.once("exit", () => {
        this.running--;
        this.check();
      });
    }
  }

  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.check();
    });
  }

  private check(): void {
    if (this.waiting.length === 0 || (this.running > 0 && !this.results.complete)) return;
    for (const worker of this.workers) void worker.terminate();
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/**
 * Workers worth starting: one per core beyond this thread's that the load average leaves idle. On a busy
 * machine a worker only competes with this thread for the same share of the cores (Linux shares CPU time
 * between sessions, not threads) and adds its start-up and JIT warm-up: measured on a loaded two-core
 * machine, a worker made a cold scan of CPython's Lib slower, not faster.
 */
function spareCores(): number {
  const cores = availableParallelism();
  const idle = Math.floor(cores - (loadavg()[0] ?? 0));
  return Math.max(0, Math.min(MAX_WORKERS, cores - 1, idle));
}

/** The bundled worker beside the bundle (dist/scan-worker.cjs), or null when running from the sources. */
function workerScript(): string | null {
  const here = typeof __dirname === "string" ? __dirname : null;
  const script = here ? join(here, "scan-worker.cjs") : null;
  return script && existsSync(script) ? script : null;
}
