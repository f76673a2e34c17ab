/**
 * A stale record is not drift. After `uv add x`, `uv lock` or an edited manifest, the lock (or what it is
 * made from) has moved on since `.dhtconfig` was written: the environment may match the new lock exactly,
 * and the fix is to record it (`dhtl setup`), not to undo it (`dhtl fix-env` would reinstall the old
 * state it no longer has a lock for). Drift is the environment differing from the lock.
 *
 * Here: what can be told from the files alone, without running anything — the lock's digest against the
 * recorded one (cheap enough for the prompt hook), and for uv.lock, names pyproject.toml declares that the
 * lock's own record of the project's requirements lacks, or the reverse (a hand edit not locked yet).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tryParseToml } from "../formats/toml.js";
import { type Table, tableAt } from "../formats/toml-table.js";
import { normalizeName } from "../pep/names.js";
import { sha256File } from "../python/platform.js";
import type { DhtConfig } from "../record/dhtconfig.js";

export interface StaleRecord {
  /** One sentence per finding (`uv.lock changed since .dhtconfig was written`). */
  reasons: string[];
  /** The files that moved on (`uv.lock`, `pyproject.toml`). */
  files: string[];
  /** The command that records the new state. */
  command: string;
  /**
   * The lock itself is behind (the manifests, or the project's own lock it was converted from, changed):
   * the command locks again. False when only the record is behind a lock that already moved on.
   */
  relock: boolean;
}

/** The command that locks (when needed), builds from the new lock and records it. */
export const RECORD_COMMAND = "dhtl setup";

/** The recorded lock's file changed since `.dhtconfig` was written (null: unchanged, or nothing recorded). */
export function lockChangedSinceRecord(root: string, config: DhtConfig): StaleRecord | null {
  const lock = config.lock;
  if (!lock) return null;
  const path = join(root, lock.file);
  if (!existsSync(path) || sha256File(path) === lock.digest) return null;
  return {
    reasons: [`${lock.file} changed since .dhtconfig was written`],
    files: [lock.file],
    command: RECORD_COMMAND,
    relock: false,
  };
}

/**
 * For a single uv project: names pyproject.toml declares that uv.lock does not record as the project's
 * requirements, and the reverse. Specifier-only edits are left to `uv lock --check` (regenerate runs it).
 */
export function uvManifestChangedSinceLock(root: string): StaleRecord | null {
  const lockPath = join(root, "uv.lock");
  const pyprojectPath = join(root, "pyproject.toml");
  if (!existsSync(lockPath) || !existsSync(pyprojectPath)) return null;
  const lock = readFileSync(lockPath, "utf8");
  if (/^\[manifest\]/m.test(lock)) return null; // a workspace: members' files count too
  const locked = lockedProjectRequirements(lock);
  const parsed = tryParseToml(readFileSync(pyprojectPath, "utf8"));
  if (!locked || !parsed.doc) return null;
  const declared = declaredRequirementNames(parsed.doc);
  const added = [...declared].filter((name) => !locked.has(name)).sort();
  const removed = [...locked].filter((name) => !declared.has(name)).sort();
  if (added.length === 0 && removed.length === 0) return null;
  const parts = [
    added.length > 0 ? `declares ${added.join(", ")}, not in uv.lock` : "",
    removed.length > 0 ? `no longer declares ${removed.join(", ")}, still in uv.lock` : "",
  ].filter(Boolean);
  return {
    reasons: [`pyproject.toml changed since uv.lock was made: it ${parts.join("; ")}`],
    files: ["pyproject.toml"],
    command: RECORD_COMMAND,
    relock: true,
  };
}

/** Both findings together (null when neither). */
export function mergeStale(...found: (StaleRecord | null)[]): StaleRecord | null {
  const present = found.filter((item): item is StaleRecord => item !== null);
  if (present.length === 0) return null;
  return {
    reasons: present.flatMap((item) => item.reasons),
    files: [...new Set(present.flatMap((item) => item.files))],
    command: RECORD_COMMAND,
    relock: present.some((item) => item.relock),
  };
}

/**
 * The names in the project's own `[package.metadata]` (`requires-dist` and every `requires-dev` group):
 * what uv locked the project's requirements as. Null when the lock has no such entry for the project.
 */
function lockedProjectRequirements(lock: string): Set<string> | null {
  const blocks = lock.split(/^\[\[package\]\]\r?$/m).slice(1);
  const own = blocks.find((block) => /^source = \{ (editable|virtual) = "\." \}/m.test(block));
  if (!own) return null;
  const metadata = own.split(/^\[package\.metadata\]\r?$/m)[1];
  if (metadata === undefined) return new Set();
  return new Set([...metadata.matchAll(/\{ name = "([^"]+)"/g)].map((match) => normalizeName(match[1]!)));
}

/** Names pyproject.toml declares where uv reads them: dependencies, extras, groups, uv's dev-dependencies. */
function declaredRequirementNames(doc: Table): Set<string> {
  const names = new Set<string>();
  const add = (value: unknown) => {
    if (!Array.isArray(value)) return;
    for (const entry of value) {
      if (typeof entry !== "string") continue;
      const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(entry)?.[1];
      if (name) names.add(normalizeName(name));
    }
  };
  const project = tableAt(doc, ["project"]);
  add(project?.dependencies);
  for (const extra of Object.values(tableAt(doc, ["project", "optional-dependencies"]) ?? {})) add(extra);
  for (const group of Object.values(tableAt(doc, ["dependency-groups"]) ?? {})) add(group);
  add(tableAt(doc, ["tool", "uv"])?.["dev-dependencies"]);
  return names;
}
