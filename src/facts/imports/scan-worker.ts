/**
 * A worker thread's share of a large scan: reads and scans the files it is given and posts their results
 * back in the same order. Bundled on its own (dist/scan-worker.cjs) so a worker starts in milliseconds.
 */
import { parentPort, workerData } from "node:worker_threads";
import { scanFile } from "./source-file.js";

const { root, files } = workerData as { root: string; files: string[] };
parentPort?.postMessage(files.map((file) => scanFile(root, file)));
