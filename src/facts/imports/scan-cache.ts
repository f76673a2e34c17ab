/**
 * What scanning each file of a tree found, remembered between runs in dhtl's cache directory (never in the
 * checkout): a large tree's second `analyze` reads a few hundred kilobytes of JSON instead of lexing every
 * file again. An entry answers only while its file keeps the same identity — device, inode, size, mtime and
 * ctime, which no write can keep (ctime cannot be set back) — and only for the scanner that produced it:
 * the cache is keyed by the digest of the bundled scanner (dist/scan-worker.cjs), so any change to the
 * scanning code starts afresh. A file changed within the last seconds is not remembered at all: the file
 * system's clock may not tick between two writes of the same size ("racily clean" in git's terms).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../core/fs.js";
import { dhtlCacheDir } from "../../core/paths.js";
import type { FileScan } from "./source-file.js";

const SCHEMA = 1;
/** Files whose ctime is this recent may still change without changing their identity. */
const RACY_MS = 3000;
/** Trees remembered at most; the least recently written go first. */
const MAX_TREES = 64;

interface CacheFile {
  schema: number;
  scanner: string;
  files: Record<string, { identity: string; scan: FileScan }>;
}

export interface ScanCache {
  /** The remembered scan of `file` (root-relative) when the file is unchanged, else null. */
  get(file: string): FileScan | null;
  /** Remembers a scan made after `get` returned null (the identity seen then is kept). */
  set(file: string, scan: FileScan): void;
  /** Writes what this run scanned (only its files: entries of deleted files drop out); best effort. */
  save(): void;
}

/**
 * The cache for the tree at `root`, or null when there is no bundled scanner to key it by (running from
 * the sources) or `DHTL_SCAN_CACHE=0`.
 */
export function openScanCache(
  root: string,
  scannerScript: string | null,
  options: { env?: NodeJS.ProcessEnv; now?: number } = {},
): ScanCache | null {
  const env = options.env ?? process.env;
  if (!scannerScript || env.DHTL_SCAN_CACHE === "0") return null;
  let scanner: string;
  let file: string;
  try {
    scanner = createHash("sha256").update(readFileSync(scannerScript)).digest("hex");
    const key = createHash("sha256").update(realpathSync(root)).digest("hex").slice(0, 32);
    file = join(dhtlCacheDir(env), "scans", `${key}.json`);
  } catch {
    return null;
  }
  const previous = readEntries(file, scanner);
  const next: CacheFile["files"] = {};
  const seen = new Map<string, string | null>();
  const now = options.now ?? Date.now();
  let changed = false;
  return {
    get(relative) {
      const identity = identityOf(join(root, relative), now);
      seen.set(relative, identity);
      const entry = identity === null ? undefined : previous[relative];
      if (entry && entry.identity === identity) {
        next[relative] = entry;
        return entry.scan;
      }
      return null;
    },
    set(relative, scan) {
      const identity = seen.get(relative);
      // Unreadable files are asked again: the reason (permissions, a vanished file) may pass.
      if (identity && !("problem" in scan)) {
        next[relative] = { identity, scan };
        changed = true;
      }
    },
    save() {
      // Nothing new, and no entry of a vanished or changed file to drop: the file stays as it is.
      if (!changed && Object.keys(next).length === Object.keys(previous).length) return;
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileAtomic(file, JSON.stringify({ schema: SCHEMA, scanner, files: next } satisfies CacheFile));
        pruneTrees(dirname(file));
      } catch {}
    },
  };
}

function readEntries(file: string, scanner: string): CacheFile["files"] {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<CacheFile>;
    if (parsed.schema !== SCHEMA || parsed.scanner !== scanner) return {};
    return typeof parsed.files === "object" && parsed.files !== null ? parsed.files : {};
  } catch {
    return {};
  }
}

/** The file's identity, or null when it cannot be read as a regular file or changed too recently to trust. */
function identityOf(path: string, now: number): string | null {
  try {
    // Milliseconds as doubles keep fractions of a microsecond, and BigInt stats cost half as much again.
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile()) return null;
    if (stat.ctimeMs > now - RACY_MS || stat.mtimeMs > now - RACY_MS) return null;
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  } catch {
    return null;
  }
}

/** Keeps the cache of the MAX_TREES trees written last (temporary checkouts come and go). */
function pruneTrees(dir: string): void {
  const names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  if (names.length <= MAX_TREES) return;
  const byAge = names
    .map((name) => ({ name, written: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.written - b.written);
  for (const { name } of byAge.slice(0, names.length - MAX_TREES)) rmSync(join(dir, name), { force: true });
}
