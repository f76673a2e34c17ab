/** When setup resolves "as of" a date (plan/as-of.ts decides; this asks git for the project's own date). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { lastCommitDate } from "../facts/git-checkout.js";
import type { ProjectFacts } from "../facts/types.js";
import { chooseResolution, type Resolution, type ResolutionInputs } from "../plan/as-of.js";
import { chooseLockStrategy } from "../plan/lock-strategy.js";
import { PROJECT_LOCKS } from "../plan/project-lock.js";

/**
 * The time to resolve as of (plan/as-of.ts), asking git for the project's own date only when the
 * choice depends on it.
 */
export async function resolutionFor(
  facts: ProjectFacts,
  inputs: Pick<ResolutionInputs, "request" | "recorded" | "python"> & {
    uvLockExists: boolean;
    /** The project lock's last commit date, asked once by the caller (and only if someone needs it). */
    knownLockDate?: { file: string; date: () => Promise<string | null> };
  },
): Promise<Resolution | null> {
  const pinnedBy = versionsPinnedBy(facts, inputs.uvLockExists);
  const automatic = !inputs.request && !inputs.recorded;
  const needsDate = inputs.request?.kind === "commit" || (automatic && pinnedBy === null);
  const projectDate = needsDate
    ? await lastCommitDate(
        facts.root,
        facts.project.sources.map((source) => source.file),
        ["**/*.py", "**/*.ipynb"],
      )
    : null;
  const projectLock = PROJECT_LOCKS.find((file) => file === pinnedBy) ?? null;
  const lockDate =
    automatic && projectLock
      ? inputs.knownLockDate?.file === projectLock
        ? await inputs.knownLockDate.date()
        : await lastCommitDate(facts.root, [projectLock])
      : null;
  const { knownLockDate: _, ...choice } = inputs;
  return chooseResolution({ ...choice, pinnedBy, projectDate, lockDate, now: new Date() });
}

/** The file that already pins the project's versions (a lock of any kind), or null. */
function versionsPinnedBy(facts: ProjectFacts, uvLockExists: boolean): string | null {
  const lock = chooseLockStrategy(facts.project, { uvLock: uvLockExists });
  if (lock.kind === "uv") return uvLockExists ? lock.file : null;
  if (lock.kind === "user-hashed" || existsSync(join(facts.root, lock.file))) return lock.file;
  return facts.project.locked[0]?.file ?? null;
}

export function firstLine(text: string): string {
  return text.split("\n")[0]!.slice(0, 200);
}
