import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { DistributionRecord } from "./dist-records.js";

/**
 * Re-hashes every file RECORD lists with a hash and returns the site-packages-relative paths whose
 * content changed or vanished. Bytecode is skipped: Python rewrites it on its own.
 */
export function findModifiedFiles(dists: DistributionRecord[]): string[] {
  // One reused buffer instead of a Buffer per file: a big environment has tens of thousands of files.
  const buffer = Buffer.allocUnsafe(1 << 20);
  // Two wheels may install the same file (fastapi and fastapi-cli both ship `bin/fastapi`): the last one
  // installed wins, so a file is intact when it matches the hash any of its RECORDs lists.
  const expected = new Map<string, { path: string; hashes: Set<string> }>();
  for (const dist of dists) {
    const base = dirname(dist.distInfo);
    for (const row of dist.record) {
      if (!row.hash.startsWith("sha256=") || row.path.endsWith(".pyc")) continue;
      // RECORD paths are `/`-separated and may climb out with `../` (scripts); the OS resolves both.
      const file = resolve(base, row.path);
      const entry = expected.get(file) ?? { path: row.path, hashes: new Set<string>() };
      entry.hashes.add(row.hash.slice(7));
      expected.set(file, entry);
    }
  }
  const modified: string[] = [];
  for (const [file, { path, hashes }] of expected)
    if (!hashes.has(hashFile(file, buffer))) modified.push(path);
  return modified.sort();
}

/** sha256 as RECORD writes it (urlsafe base64, no padding); "" when the file cannot be read. */
function hashFile(path: string, buffer: Buffer): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "";
  }
  try {
    const hash = createHash("sha256");
    let read = readSync(fd, buffer, 0, buffer.length, null);
    while (read > 0) {
      hash.update(buffer.subarray(0, read));
      read = readSync(fd, buffer, 0, buffer.length, null);
    }
    return hash.digest("base64url");
  } catch {
    return "";
  } finally {
    closeSync(fd);
  }
}
