// Dumps what the import scanner finds in every `.py` / `.ipynb` file under the given directories, one JSON
// line per file, so two checkouts' scanners can be compared file by file (a speed change must not change
// a single result). The files go through the scan's own path (read, decode, scan; on this thread, the
// primer included). Bundle it from each checkout, run both on the same trees, and compare:
//   npx esbuild bench/scan-dump.ts --bundle --platform=node --format=esm --outfile=/tmp/dump.mjs
//   node /tmp/dump.mjs DIR... > after.jsonl
// Files are visited in sorted order; symbolic links are not followed.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { startShared } from "../src/facts/imports/parallel-scan.js";

function* sourceFiles(dir: string, prefix: string): Generator<string> {
  const entries = readdirSync(join(dir, prefix), { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  for (const entry of entries) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) yield* sourceFiles(dir, path);
    else if (entry.isFile() && (entry.name.endsWith(".py") || entry.name.endsWith(".ipynb"))) yield path;
  }
}

let count = 0;
for (const root of process.argv.slice(2)) {
  const files = [...sourceFiles(root, "")];
  const scans = await startShared(root, files, { script: null, workers: 0, minFiles: Infinity }).results();
  for (const scan of scans) process.stdout.write(`${JSON.stringify({ root, ...scan })}\n`);
  count += scans.length;
}
process.stderr.write(`${count} files\n`);
