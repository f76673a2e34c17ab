import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { DhtlError } from "../core/errors.js";
import { checkedProjectPath, lexists, removeProjectPath, writeProjectFile } from "../core/safe-path.js";
import {
  projectStatePath,
  readProjectRecord,
  removeProjectRecord,
  writeProjectRecord,
} from "./project-state.js";

interface Journal {
  /** Directory name (under .dhtl/envs) of the environment this run builds; null before it exists. */
  env: string | null;
  /** Root-relative path → original content (base64), or null when the file did not exist. */
  files: Record<string, string | null>;
}

/** Where the journal of a project lives: the user's state directory, never the checkout. */
export function journalPath(root: string): string {
  return projectStatePath(root, "journal.json", false);
}

/**
 * Remembers project files before a run rewrites them (lock, requirements.in, uv.lock, .dhtconfig, manifests),
 * in memory and in a journal in the user's state directory (keyed by the project's real path, stamped with
 * this host), so that every way a run can end leaves files and environment consistent:
 * - a failure puts every file back (`restore`);
 * - success drops the journal (`commit`): the `.venv` swap for an environment build, the last write for
 *   migrate, standardize and migrate tests;
 * - a kill is settled by the next run (`recoverJournal`): the swap is the commit point, so if `.venv` is
 *   the environment the journal names, the new files stay; otherwise the originals come back.
 * A `.dhtl/journal.json` inside the checkout is never read: a repository can commit one.
 */
export class FileBackup {
  private readonly journal: Journal = { env: null, files: {} };

  constructor(private readonly root: string) {}

  /** Names the environment being built; recovery compares it with what `.venv` points to. */
  setEnvironment(envPath: string): void {
    this.journal.env = basename(envPath);
    if (Object.keys(this.journal.files).length > 0) this.save();
  }

  remember(relPath: string): void {
    if (relPath in this.journal.files) return;
    // Checked before anything is written: the file must be inside the project and not reached through a link.
    const path = checkedProjectPath(this.root, relPath);
    this.journal.files[relPath] = lexists(path) ? readFileSync(path).toString("base64") : null;
    this.save();
  }

  restore(): void {
    restoreFiles(this.root, this.journal.files);
    removeProjectRecord(this.root, "journal.json");
  }

  commit(): void {
    removeProjectRecord(this.root, "journal.json");
  }

  private save(): void {
    writeProjectRecord(this.root, "journal.json", this.journal);
  }
}

/**
 * Settles the journal a killed run left: keeps the new files when `.venv` already is the environment it
 * built (`liveEnv`, a directory name), else restores the originals. Only a journal this user wrote on this
 * host for this project path is applied. Returns a note, or null.
 */
export function recoverJournal(root: string, liveEnv: string | null): string | null {
  const journal = readProjectRecord<Journal>(root, "journal.json");
  if (!journal) return null;
  removeProjectRecord(root, "journal.json");
  if (typeof journal.files !== "object" || journal.files === null) return null;
  if (journal.env !== null && journal.env === liveEnv) return null;
  const restored = restoreFiles(root, journal.files);
  return restored.length > 0
    ? `restored ${restored.sort().join(", ")} as they were before an interrupted run`
    : null;
}

/** Puts each file back through the safe-path checks; a path that fails them is skipped. Returns the restored. */
function restoreFiles(root: string, files: Record<string, string | null>): string[] {
  const restored: string[] = [];
  for (const [relPath, content] of Object.entries(files)) {
    try {
      const path = checkedProjectPath(root, relPath);
      if (content === null) {
        if (lexists(path)) removeProjectPath(root, relPath);
      } else {
        const original = Buffer.from(content, "base64");
        if (!lexists(path) || !readFileSync(path).equals(original)) writeProjectFile(root, relPath, original);
      }
      restored.push(relPath);
    } catch (error) {
      if (!(error instanceof DhtlError)) throw error;
    }
  }
  return restored;
}
