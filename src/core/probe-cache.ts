import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readFileHead, writeFileAtomic } from "./fs.js";

/**
 * Remembers what running a native executable once printed (`python -c …` → `CPython 3.12.1`), keyed by the
 * file's identity: real path, inode, size, mtime and ctime. Replacing or rebuilding the binary changes
 * the key, so a stale answer is never returned. Scripts (`#!`) and hard-linked dispatchers are never cached:
 * a shim's answer depends on configuration outside the file (pyenv, asdf, rustup choose the program at run
 * time).
 *
 * Probing a dozen interpreters costs several hundred ms of CPU on every `analyze`/`setup`; reading this
 * file costs well under one.
 */
export interface ProbeCacheOptions {
  /**
   * Hard links that are still one program: a file with several links is remembered only when every link
   * sits in its own directory and this accepts each other name (`python3.6` beside `python3.6m`, which
   * CPython < 3.8 installs). Without it, a hard-linked file is never cached.
   */
  sameProgram?: (name: string, otherName: string) => boolean;
}

export interface ProbeCache {
  /**
   * The remembered output for this executable, or null when unknown or the file changed. With `realName`,
   * only when the file it resolves to has that name: `cargo` → `rustup` must not answer with what
   * `rustup --version` printed.
   */
  get(path: string, realName?: RegExp): string | null;
  /**
   * Remembers an output; ignored for files that are not native executables, and for files whose real name
   * does not pass `realName` — a symlink to a dispatcher (mise, volta, rustup proxies) answers for
   * whichever program its configuration picks, so only the program itself may be cached.
   */
  set(path: string, output: string, realName: RegExp): void;
  /** Writes the file when something was added (best effort: a read-only home just goes without). */
  save(): void;
}

interface CacheFile {
  schema: 1;
  entries: Record<string, { identity: string; output: string }>;
}

/** ELF, Mach-O (32/64-bit, both byte orders, universal) and PE start with these bytes. */
const NATIVE_MAGIC = [
  [0x7f, 0x45, 0x4c, 0x46],
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
  [0xca, 0xfe, 0xba, 0xbe],
  [0x4d, 0x5a],
];

export function openProbeCache(file: string, options: ProbeCacheOptions = {}): ProbeCache {
  const entries = readEntries(file);
  let dirty = false;
  const cacheable = (found: FileIdentity) =>
    found.links === 1 || (options.sameProgram !== undefined && linksAllBeside(found, options.sameProgram));
  return {
    get(path, realName) {
      const found = identityOf(path);
      if (!found || !cacheable(found)) return null;
      if (realName && !realName.test(basename(found.realPath))) return null;
      const entry = entries[found.realPath];
      return entry && entry.identity === found.identity ? entry.output : null;
    },
    set(path, output, realName) {
      const found = identityOf(path);
      if (!found || !realName.test(basename(found.realPath)) || !cacheable(found)) return;
      if (!isNativeExecutable(found.realPath)) return;
      entries[found.realPath] = { identity: found.identity, output };
      dirty = true;
    },
    save() {
      if (!dirty) return;
      try {
        const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1)));
        mkdirSync(dirname(file), { recursive: true });
        writeFileAtomic(file, `${JSON.stringify({ schema: 1, entries: sorted } satisfies CacheFile)}\n`);
        dirty = false;
      } catch {}
    },
  };
}

function readEntries(file: string): CacheFile["entries"] {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<CacheFile>;
    if (parsed.schema !== 1 || typeof parsed.entries !== "object" || parsed.entries === null) return {};
    return parsed.entries;
  } catch {
    return {};
  }
}

interface FileIdentity {
  realPath: string;
  identity: string;
  /**
   * A file with several hard links may be one program under several names — rustup installs `cargo`,
   * `rustc` and `rustup` as hard links of one dispatcher — so what it prints depends on the name it was
   * run by and on configuration elsewhere: cached only when `sameProgram` vouches for every name.
   */
  links: number;
  dev: bigint;
  ino: bigint;
}

function identityOf(path: string): FileIdentity | null {
  try {
    const realPath = realpathSync(path);
    const stat = statSync(realPath, { bigint: true });
    if (!stat.isFile()) return null;
    return {
      realPath,
      identity: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`,
      links: Number(stat.nlink),
      dev: stat.dev,
      ino: stat.ino,
    };
  } catch {
    return null;
  }
}

/**
 * True when all of the file's hard links are in its own directory and `sameProgram` accepts each name. A
 * link elsewhere (one that cannot be found by listing this directory) makes the answer no.
 */
function linksAllBeside(
  found: FileIdentity,
  sameProgram: (name: string, otherName: string) => boolean,
): boolean {
  const dir = dirname(found.realPath);
  const name = basename(found.realPath);
  let seen = 0;
  try {
    for (const other of readdirSync(dir)) {
      const stat = lstatSync(join(dir, other), { bigint: true, throwIfNoEntry: false });
      if (!stat || stat.ino !== found.ino || stat.dev !== found.dev) continue;
      if (other !== name && !sameProgram(name, other)) return false;
      seen++;
    }
  } catch {
    return false;
  }
  return seen === found.links;
}

function isNativeExecutable(path: string): boolean {
  const head = readFileHead(path, 4);
  return (
    head !== null &&
    NATIVE_MAGIC.some((magic) => magic.length <= head.length && magic.every((byte, i) => head[i] === byte))
  );
}
