import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export interface TreeHashOptions {
  /** Entry names left out wherever they appear (`__pycache__`: Python writes bytecode whenever it runs). */
  ignore?: string[];
}

/**
 * sha256 over every path, directory, symlink target and file content under `dir` (symlinks not followed,
 * so the environments under .dhtl/envs count once): equal before and after means nothing was written.
 */
export function treeHash(dir: string, options: TreeHashOptions = {}): string {
  const ignore = new Set(options.ignore ?? []);
  const hash = createHash("sha256");
  const walk = (path: string, rel: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) hash.update(`L ${rel} -> ${readlinkSync(path)}\n`);
    else if (stat.isDirectory()) {
      hash.update(`D ${rel}\n`);
      for (const entry of readdirSync(path).sort()) {
        if (ignore.has(entry)) continue;
        walk(join(path, entry), rel ? `${rel}/${entry}` : entry);
      }
    } else hash.update(`F ${rel} ${createHash("sha256").update(readFileSync(path)).digest("hex")}\n`);
  };
  walk(dir, "");
  return hash.digest("hex");
}
