/**
 * A build that first changes the project's files (`dhtl add`/`remove` edit a manifest, then setup locks,
 * builds and records): one transaction, one journal. Every file the edit writes is remembered before it is
 * written; a failure before the build starts puts it back here, and once the build runs, the build restores
 * it with its own files on failure (or keeps it, with them, once the new environment is swapped in).
 */
import { FileBackup } from "../run/file-backup.js";
import { inProject, type ProjectOpening } from "./project.js";

/** Writes the change; each file must be `backup.remember`ed before it is written. */
export type ProjectEdit = (root: string, backup: FileBackup) => void;

export interface EditTransaction {
  /** The journal for the build to join (undefined without an edit); from here the build owns recovery. */
  forBuild(): FileBackup | undefined;
  /** Makes the edit again after a failed build put its files back, before setup's second attempt. */
  redo(): void;
}

/** `inProject`, with `edit` (when given) run first inside the session, in the same transaction as `work`. */
export function inEditedProject<T>(
  path: string,
  opening: ProjectOpening,
  edit: ProjectEdit | undefined,
  work: (root: string, transaction: EditTransaction) => Promise<T>,
): Promise<T> {
  return inProject(path, opening, async (root) => {
    if (!edit) return work(root, { forBuild: () => undefined, redo: () => {} });
    const backup = new FileBackup(root);
    let building = false;
    try {
      edit(root, backup);
      return await work(root, {
        forBuild: () => {
          building = true;
          return backup;
        },
        redo: () => edit(root, backup),
      });
    } catch (error) {
      if (!building) backup.restore();
      throw error;
    }
  });
}
