import { basename } from "node:path";
import { removeProjectPath } from "../core/safe-path.js";
import { recoverJournal } from "./file-backup.js";
import { acquireProjectLock, type LockOptions } from "./project-lock.js";
import { currentEnvironment, DHTL_DIR, ensureDhtlDir, recoverInterruptedRun } from "./venv.js";

/**
 * Runs `work` holding the project lock, after repairing what an interrupted run left behind. When the run
 * fails and `.dhtl/` did not exist before it, `.dhtl/` is removed again: a failed first setup leaves the
 * project exactly as it found it.
 */
export async function withProjectSession<T>(
  root: string,
  work: (notes: string[]) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const { created } = ensureDhtlDir(root);
  let lock: Awaited<ReturnType<typeof acquireProjectLock>>;
  try {
    lock = await acquireProjectLock(root, options);
  } catch (error) {
    if (created) removeProjectPath(root, DHTL_DIR, { recursive: true });
    throw error;
  }
  let failed = true;
  try {
    const live = currentEnvironment(root);
    const journalNote = recoverJournal(root, live.kind === "managed" ? basename(live.path) : null);
    const notes = [...(journalNote ? [journalNote] : []), ...recoverInterruptedRun(root)];
    const result = await work(notes);
    failed = false;
    return result;
  } finally {
    lock.release();
    if (failed && created && currentEnvironment(root).kind !== "managed")
      removeProjectPath(root, DHTL_DIR, { recursive: true });
  }
}
