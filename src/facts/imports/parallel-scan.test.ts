import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, repoRoot, tempDir } from "../../../test/support/temp-dirs.js";
import { startShared } from "./parallel-scan.js";
import { primeScanner } from "./primer.js";
import { type FileScan, scanFile } from "./source-file.js";

afterAll(removeTempDirs);

/** Every `.py` and `.ipynb` file below `dir`, root-relative and sorted. */
function sourcesBelow(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourcesBelow(path, root);
      return /\.(py|ipynb)$/.test(entry.name) ? [relative(root, path)] : [];
    })
    .sort();
}

/**
 * A tree of awkward files: every Python fixture of the test suite (broken code, Python 2, encodings, CRLF,
 * notebooks, namespace packages …) and a few more that stop or trip a scanner.
 */
function trickyTree(): { root: string; files: string[] } {
  const root = tempDir("dhtl-parallel-scan-");
  cpSync(join(repoRoot, "test", "fixtures"), join(root, "fixtures"), { recursive: true });
  const extra: Record<string, string | Buffer> = {
    "extra/unclosed.py": "import a\nx = [1,\ndef f(): pass\nimport b\n",
    "extra/unterminated.py": 'import a\ns = """never closed\nimport hidden\n',
    "extra/fstrings.py": 'import a\nv = f"{x!r:>{w}} {f"{y}"}" + rf\'\\N{z}\'\nimport b\n',
    "extra/python2.py": "import os\nprint 'x'\nexec code in ns\ntry: pass\nexcept E, e: pass\n",
    "extra/binary.py": Buffer.from([0x69, 0x6d, 0x70, 0x00, 0x01]),
    "extra/not-utf8.py": Buffer.from("import caf\xe9\n", "latin1"),
    "extra/tabs.py": "try:\n\timport t\nexcept ImportError:\n\tt = None\n",
  };
  for (const [file, content] of Object.entries(extra)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
  return { root, files: sourcesBelow(root) };
}

describe("startShared", () => {
  let tree: { root: string; files: string[] };
  let expected: FileScan[];
  let workerScript: string;

  beforeAll(async () => {
    tree = trickyTree();
    expected = tree.files.map((file) => scanFile(tree.root, file));
    // The real worker, bundled from these sources the way scripts/build.mjs bundles it.
    workerScript = join(tempDir("dhtl-scan-worker-"), "scan-worker.cjs");
    await build({
      entryPoints: [join(repoRoot, "src", "facts", "imports", "scan-worker.ts")],
      outfile: workerScript,
      bundle: true,
      platform: "node",
      format: "cjs",
      logLevel: "warning",
    });
  });

  it("the tree is large and awkward enough to mean something", () => {
    expect(tree.files.length).toBeGreaterThan(150);
    expect(expected.filter((scan) => "problem" in scan).length).toBeGreaterThanOrEqual(2);
    expect(expected.some((scan) => "problems" in scan && scan.problems.length > 0)).toBe(true);
  });

  it("gives what scanning each file in-process gives, in order, with worker threads", async () => {
    // The real worker, wrapped to count what it reports, so this thread joins only once workers have scanned.
    const dir = tempDir("dhtl-counted-worker-");
    const counts = join(dir, "counts");
    const script = join(dir, "counted.cjs");
    writeFileSync(
      script,
      [
        'const { parentPort } = require("node:worker_threads");',
        'const { appendFileSync } = require("node:fs");',
        "const post = parentPort.postMessage.bind(parentPort);",
        `parentPort.postMessage = (batch) => { appendFileSync(${JSON.stringify(counts)}, batch.scans.length + "\\n"); post(batch); };`,
        `require(${JSON.stringify(workerScript)});`,
      ].join("\n"),
    );
    const reported = () =>
      existsSync(counts) ? readFileSync(counts, "utf8").split("\n").filter(Boolean).map(Number) : [];
    const shared = startShared(tree.root, tree.files, { script, workers: 2, minFiles: 1, batchSize: 3 });
    for (let waited = 0; reported().length < 4 && waited < 20_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await shared.results()).toEqual(expected);
    expect(reported().length).toBeGreaterThanOrEqual(4);
  });

  it("gives the same without workers", async () => {
    const shared = startShared(tree.root, tree.files, { script: null, workers: 0, minFiles: 1 });
    expect(await shared.results()).toEqual(expected);
  });

  it("scans the files a failed worker took but never reported on this thread", async () => {
    // A worker that takes the first batches off the shared counter and dies without a word.
    const dir = tempDir("dhtl-bad-worker-");
    const script = join(dir, "takes-and-dies.cjs");
    writeFileSync(
      script,
      [
        'const { workerData } = require("node:worker_threads");',
        "const counter = new Int32Array(workerData.claims);",
        "for (let i = 0; i < 5; i++) Atomics.add(counter, 0, workerData.batchSize);",
        `require("node:fs").writeFileSync(${JSON.stringify(join(dir, "claimed"))}, "");`,
        "process.exit(3);",
      ].join("\n"),
    );
    const shared = startShared(tree.root, tree.files, { script, workers: 1, minFiles: 1, batchSize: 4 });
    // This thread joins only once the worker has taken its batches.
    for (let waited = 0; !existsSync(join(dir, "claimed")) && waited < 20_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(join(dir, "claimed"))).toBe(true);
    expect(await shared.results()).toEqual(expected);
  });

  it("scans in-process when the worker script cannot be loaded", async () => {
    const missing = join(tempDir("dhtl-no-worker-"), "absent.cjs");
    const shared = startShared(tree.root, tree.files, { script: missing, workers: 2, minFiles: 1 });
    expect(await shared.results()).toEqual(expected);
  });
});

describe("primeScanner", () => {
  it("changes nothing a later scan finds (no state is shared between scans)", () => {
    const { root, files } = trickyTree();
    const before = files.map((file) => scanFile(root, file));
    const primed = primeScanner();
    expect(primed.length).toBeGreaterThan(3);
    expect(files.map((file) => scanFile(root, file))).toEqual(before);
  });
});
