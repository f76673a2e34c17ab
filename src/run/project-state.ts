/**
 * The files dhtl keeps about one project in the user's state directory (see core/state-dir.ts), never in the
 * checkout: the run lock, the journal of files a run is rewriting, and the record of a `.venv` being moved
 * aside. Each JSON record names the project's real path and the host, and is applied only when both match.
 */
import { readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../core/fs.js";
import { ensurePrivateDir, projectStateDir, realProjectRoot } from "../core/state-dir.js";

export type StateFile = "lock" | "journal.json" | "aside.json";

/** Absolute path of one of the project's state files (its directory is created, private, on demand). */
export function projectStatePath(root: string, file: StateFile, create = true): string {
  const dir = projectStateDir(root);
  if (create) ensurePrivateDir(dir);
  return join(dir, file);
}

interface Owned {
  /** The project's real path when the record was written. */
  root: string;
  host: string;
}

/** Writes a record (atomically) stamped with the project's real path and this host. */
export function writeProjectRecord<T extends object>(root: string, file: StateFile, value: T): void {
  const record: T & Owned = { ...value, root: realProjectRoot(root), host: hostname() };
  writeFileAtomic(projectStatePath(root, file), `${JSON.stringify(record)}\n`, 0o600);
}

/** The record, or null when absent, unreadable, or written for another path or host. */
export function readProjectRecord<T extends object>(root: string, file: StateFile): T | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(projectStatePath(root, file, false), "utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const owned = parsed as Partial<Owned>;
  if (owned.root !== realProjectRoot(root) || owned.host !== hostname()) return null;
  return parsed as T;
}

export function removeProjectRecord(root: string, file: StateFile): void {
  rmSync(projectStatePath(root, file, false), { force: true });
}
