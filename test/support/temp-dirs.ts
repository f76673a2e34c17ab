import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..", "..");

const created: string[] = [];

/** A fresh temporary directory for one test; `removeTempDirs` (in afterAll) deletes them all. */
export function tempDir(prefix = "dhtl-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A private copy of `test/fixtures/<path>` in a fresh temp dir, so tests never touch the checkout. */
export function copyFixtureDir(path: string): string {
  const dir = tempDir(`dhtl-${basename(path)}-`);
  cpSync(join(repoRoot, "test", "fixtures", path), dir, { recursive: true });
  return dir;
}

/** Deletes every directory `tempDir` and `copyFixtureDir` made in this test file (environments included). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
