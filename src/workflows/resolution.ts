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
  inputs: Pick<ResolutionInputs, "request" | "recorded" | "python"> & { uvLockExists: boolean },
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
  const lockDate = automatic && projectLock ? await lastCommitDate(facts.root, [projectLock]) : null;
  return chooseResolution({ ...inputs, pinnedBy, projectDate, lockDate, now: new Date() });
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
