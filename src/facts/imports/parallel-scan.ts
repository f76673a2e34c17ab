/**
 * Scanning a large tree on every core: worker threads take interleaved shares of the files while the main
 * thread scans its own. Small trees, and runs without the bundled worker script (tests on the sources), scan
 * in-process, yielding to the event loop between batches so machine probes started alongside keep moving.
 */
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { openScanCache } from "./scan-cache.js";
import { type FileScan, scanFile } from "./source-file.js";

/** Files scanned between two yields to the event loop (~10 ms of work). */
const BATCH_SIZE = 64;
/** Below this many files a worker's start-up (~30 ms) costs more than it saves. */
const DEFAULT_MIN_FILES = 400;
const MAX_WORKERS = 3;

/**
 * Scans `files` (root-relative), results in the same order. Files unchanged since an earlier run answer
 * from the scan cache (scan-cache.ts); only the others are read.
 */
export async function scanFiles(root: string, files: readonly string[]): Promise<FileScan[]> {
  const script = workerScript();
  const cache = openScanCache(root, script);
  if (!cache) return scanAll(root, files, script);
  const results: (FileScan | null)[] = files.map((file) => cache.get(file));
  const missing = files.filter((_, index) => results[index] === null);
  const scanned = await scanAll(root, missing, script);
  let next = 0;
  const scans = results.map((found, index) => {
    if (found !== null) return found;
    const scan = scanned[next++] as FileScan;
    cache.set(files[index] as string, scan);
    return scan;
  });
  cache.save();
  return scans;
}

async function scanAll(root: string, files: readonly string[], script: string | null): Promise<FileScan[]> {
  const minFiles = Number(process.env.DHTL_SCAN_WORKERS_MIN_FILES) || DEFAULT_MIN_FILES;
  // DHTL_SCAN_WORKERS=N fixes the number (0: none), else the idle cores decide.
  const asked = process.env.DHTL_SCAN_WORKERS;
  const workers = asked && /^\d+$/.test(asked) ? Math.min(Number(asked), 16) : spareCores();
  if (!script || workers === 0 || files.length < minFiles) return scanInBatches(root, files);
  // Interleaved shares balance directories of big and small files; share 0 stays on this thread.
  const shares: string[][] = Array.from({ length: workers + 1 }, () => []);
  for (const [index, file] of files.entries()) shares[index % shares.length]?.push(file);
  const [own = [], ...others] = shares;
  const fromWorkers = others.map((share) => scanInWorker(script, root, share));
  const results = [await scanInBatches(root, own), ...(await Promise.all(fromWorkers))];
  // Back to the order of `files`.
  return files.map(
    (_, index) => results[index % shares.length]?.[Math.floor(index / shares.length)] as FileScan,
  );
}

/**
 * Workers worth starting: one per core beyond this thread's that the load average leaves idle. On a busy
 * machine a worker only competes with this thread for the same cores and adds its start-up and warm-up.
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

/** One worker's share; a worker that fails leaves its share to this thread. */
function scanInWorker(script: string, root: string, files: string[]): Promise<FileScan[]> {
  return new Promise((resolve) => {
    const worker = new Worker(script, { workerData: { root, files } });
    let settled = false;
    const fallBack = () => {
      if (settled) return;
      settled = true;
      resolve(scanInBatches(root, files));
    };
    worker.once("message", (scans: FileScan[]) => {
      settled = true;
      resolve(scans);
      void worker.terminate();
    });
    worker.once("error", fallBack);
    worker.once("exit", fallBack);
  });
}

/**
 * Scans files synchronously in batches, yielding to the event loop between batches so work started
 * alongside (machine probes waiting on child processes) keeps moving.
 */
async function scanInBatches(root: string, files: readonly string[]): Promise<FileScan[]> {
  const scans: FileScan[] = [];
  for (let start = 0; start < files.length; start += BATCH_SIZE) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const file of files.slice(start, start + BATCH_SIZE)) scans.push(scanFile(root, file));
  }
  return scans;
}
