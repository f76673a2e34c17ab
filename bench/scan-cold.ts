// Times a first (cold) scan of a tree's imports in a fresh process, as `dhtl analyze` does it with the scan
// cache off, without the rest of analyze: list the files, then read and scan them on this thread (primer
// and V8 tuning included, no worker). Prints wall time, this thread's CPU time (Linux schedstat) and the
// process's CPU time (compiler and GC threads included), in ms. Run it several times and take medians;
// with `node --single-threaded` all of V8's work runs on this thread, a measure that shifts less with load.
//   npx esbuild bench/scan-cold.ts --bundle --platform=node --format=esm --outfile=/tmp/scan-cold.mjs
//   node /tmp/scan-cold.mjs bench/.work/Lib
import { readFileSync } from "node:fs";
import { startShared } from "../src/facts/imports/parallel-scan.js";
import { listSourceFiles } from "../src/facts/imports/walk.js";

/** CPU time this thread has run, in ms (0 where /proc has no schedstat). */
function threadCpu(): number {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    return 0;
  }
}

const root = process.argv[2];
if (!root) {
  process.stderr.write("usage: scan-cold TREE\n");
  process.exit(2);
}
const sources = await listSourceFiles(root);
const files = [...sources.python, ...sources.notebooks, ...sources.scripts];
const start = performance.now();
const thread = threadCpu();
const cpu = process.cpuUsage();
const scans = await startShared(root, files, { script: null, workers: 0, minFiles: Infinity }).results();
const used = process.cpuUsage(cpu);
process.stdout.write(
  `files ${scans.length} scan ${(performance.now() - start).toFixed(0)} ` +
    `thread ${(threadCpu() - thread).toFixed(0)} cpu ${((used.user + used.system) / 1000).toFixed(0)}\n`,
);
