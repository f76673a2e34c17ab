import { createHash, getHashes } from "node:crypto";
import { readSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { readingFile } from "../core/fs.js";
import type { DistributionRecord } from "./dist-records.js";

/**
 * Re-hashes every file RECORD lists with a hash and returns the site-packages-relative paths whose
 * content changed or vanished. Bytecode is skipped: Python rewrites it on its own. A row whose digest
 * dhtl cannot check (an algorithm Node lacks, a malformed value) is skipped like an unhashed row.
 */
export function findModifiedFiles(dists: DistributionRecord[]): string[] {
  return findModifiedRows(dists).map((row) => row.path);
}

/** A file whose content differs from what its RECORD rows say (or that is gone: `sha256` null). */
export interface ModifiedRow {
  /** As RECORD writes it, relative to site-packages. */
  path: string;
  /** Absolute. */
  file: string;
  /** The distributions whose RECORD lists it. */
  owners: DistributionRecord[];
  /** The file's sha256 now, or null when it cannot be read. */
  sha256: Buffer | null;
}

/** findModifiedFiles with each file's owners and present digest, sorted by path. */
export function findModifiedRows(dists: DistributionRecord[]): ModifiedRow[] {
  // One reused buffer instead of a Buffer per file: a big environment has tens of thousands of files.
  const buffer = Buffer.allocUnsafe(1 << 20);
  // Two wheels may install the same file (fastapi and fastapi-cli both ship `bin/fastapi`): the last one
  // installed wins, so a file is intact when it matches the digest any of its RECORDs lists.
  const expected = new Map<string, { path: string; digests: RecordDigest[]; owners: DistributionRecord[] }>();
  for (const dist of dists) {
    const base = dirname(dist.distInfo);
    for (const row of dist.record) {
      if (row.hash === "" || row.path.endsWith(".pyc")) continue;
      const digest = parseRecordDigest(row.hash);
      if (!digest) continue;
      // RECORD paths are `/`-separated and may climb out with `../` (scripts); the OS resolves both.
      const file = resolve(base, row.path);
      const entry = expected.get(file) ?? { path: row.path, digests: [], owners: [] };
      entry.digests.push(digest);
      if (!entry.owners.includes(dist)) entry.owners.push(dist);
      expected.set(file, entry);
    }
  }
  const modified: ModifiedRow[] = [];
  for (const [file, { path, digests, owners }] of expected) {
    // Two owners' rows usually name the same algorithm: the file is read once per algorithm, not per row.
    const actual = new Map<string, Buffer | null>();
    const digestOf = (algorithm: string) => {
      if (!actual.has(algorithm)) actual.set(algorithm, hashFile(file, algorithm, buffer));
      return actual.get(algorithm) ?? null;
    };
    if (!digests.some((digest) => digestOf(digest.algorithm)?.equals(digest.digest)))
      modified.push({ path, file, owners, sha256: digestOf("sha256") });
  }
  return modified.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The sha256 of a file, or null when it cannot be read. */
export function sha256OfFile(path: string): Buffer | null {
  return hashFile(path, "sha256", Buffer.allocUnsafe(1 << 16));
}

/** A RECORD digest decoded: the Node hash name and the raw digest bytes. */
export interface RecordDigest {
  algorithm: string;
  digest: Buffer;
}

/** RECORD's algorithm names (Python's hashlib) → Node's; only those whose output length is fixed. */
const ALGORITHMS: Readonly<Record<string, { node: string; bytes: number }>> = {
  md5: { node: "md5", bytes: 16 },
  sha1: { node: "sha1", bytes: 20 },
  sha224: { node: "sha224", bytes: 28 },
  sha256: { node: "sha256", bytes: 32 },
  sha384: { node: "sha384", bytes: 48 },
  sha512: { node: "sha512", bytes: 64 },
  sha3_224: { node: "sha3-224", bytes: 28 },
  sha3_256: { node: "sha3-256", bytes: 32 },
  sha3_384: { node: "sha3-384", bytes: 48 },
  sha3_512: { node: "sha3-512", bytes: 64 },
  blake2b: { node: "blake2b512", bytes: 64 },
  blake2s: { node: "blake2s256", bytes: 32 },
};

let available: Set<string> | null = null;

/**
 * `algorithm=value` as installers write it: the wheel spec's urlsafe base64 without padding, and what
 * older tools wrote and pip installs all the same — with `=` padding, the standard base64 alphabet, or
 * hex. The form is told by the length the algorithm's digest has in each encoding. Null when the
 * algorithm is unknown here or the value is none of those forms.
 */
export function parseRecordDigest(hash: string): RecordDigest | null {
  const at = hash.indexOf("=");
  if (at <= 0) return null;
  const name = hash.slice(0, at).toLowerCase().replace(/-/g, "_");
  const value = hash.slice(at + 1);
  const known = ALGORITHMS[name];
  if (!known) return null;
  available ??= new Set(getHashes());
  if (!available.has(known.node)) return null;
  if (value.length === known.bytes * 2 && /^[0-9a-fA-F]+$/.test(value))
    return { algorithm: known.node, digest: Buffer.from(value, "hex") };
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return null;
  const unpadded = value.replace(/=+$/, "");
  if (unpadded.length !== Math.ceil((known.bytes * 4) / 3)) return null;
  const digest = Buffer.from(unpadded.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return digest.length === known.bytes ? { algorithm: known.node, digest } : null;
}

/** The file's digest, or null when it cannot be read. */
function hashFile(path: string, algorithm: string, buffer: Buffer): Buffer | null {
  return readingFile(path, (fd) => {
    const hash = createHash(algorithm);
    let read = readSync(fd, buffer, 0, buffer.length, null);
    while (read > 0) {
      hash.update(buffer.subarray(0, read));
      read = readSync(fd, buffer, 0, buffer.length, null);
    }
    return hash.digest();
  });
}
