/**
 * A worker thread's part of a large scan (parallel-scan.ts): takes batches of files from the shared counter
 * while any are left, reads and scans them, and posts each batch's results. Bundled on its own
 * (dist/scan-worker.cjs) so a worker starts in milliseconds.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ScanBatch, ScanShare } from "./parallel-scan.js";
import { primeScanner } from "./primer.js";
import { type FileScan, scanFile } from "./source-file.js";

const { root, files, claims, batchSize } = workerData as ScanShare;
const counter = new Int32Array(claims);
// Workers run only for large trees: warming the scanner up first pays off there.
primeScanner();
for (;;) {
  const start = Atomics.add(counter, 0, batchSize);
  if (start >= files.length) break;
  const scans: FileScan[] = [];
  for (let index = start; index < Math.min(start + batchSize, files.length); index++)
    scans.push(scanFile(root, files[index] as string));
  parentPort?.postMessage({ start, scans } satisfies ScanBatch);
}
