/** When setup resolves "as of" a date (plan/as-of.ts decides; this asks git for the project's own date). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { lastCommitDate } from "../facts/git-checkout.js";
import { eraPython } from "../facts/python-releases.js";
import type { ProjectFacts } from "../facts/types.js";
import { chooseResolution, type Resolution, type ResolutionInputs } from "../plan/as-of.js";
import { chooseLockStrategy } from "../plan/lock-strategy.js";
import { PROJECT_LOCKS } from "../plan/project-lock.js";

/** The project's own date (plan/as-of.ts), asked of git once per setup and only when someone needs it. */
export function projectDateOnce(facts: ProjectFacts): () => Promise<string | null> {
  let asked: Promise<string | null> | null = null;
  return () =>
    (asked ??= lastCommitDate(
      facts.root,
      facts.project.sources.map((source) => source.file),
      ["**/*.py", "**/*.ipynb"],
    ));
}

type ResolutionRequest = Pick<ResolutionInputs, "request" | "recorded"> & {
  uvLockExists: boolean;
  projectDate: () => Promise<string | null>;
};

/**
 * The time to resolve as of (plan/as-of.ts), asking git for the project's own date only when the
 * choice depends on it.
 */
export async function resolutionFor(
  facts: ProjectFacts,
  inputs: ResolutionRequest &
    Pick<ResolutionInputs, "python"> & {
      /** The project lock's last commit date, asked once by the caller (and only if someone needs it). */
      knownLockDate?: { file: string; date: () => Promise<string | null> };
    },
): Promise<Resolution | null> {
  const pinnedBy = versionsPinnedBy(facts, inputs.uvLockExists);
  const automatic = !inputs.request && !inputs.recorded;
  const needsDate = inputs.request?.kind === "commit" || (automatic && pinnedBy === null);
  const projectDate = needsDate ? await inputs.projectDate() : null;
  const projectLock = PROJECT_LOCKS.find((file) => file === pinnedBy) ?? null;
  const lockDate =
    automatic && projectLock
      ? inputs.knownLockDate?.file === projectLock
        ? await inputs.knownLockDate.date()
        : await lastCommitDate(facts.root, [projectLock])
      : null;
  const { knownLockDate: _, projectDate: __, uvLockExists: ___, ...choice } = inputs;
  return chooseResolution({ ...choice, pinnedBy, projectDate, lockDate, now: new Date() });
}

/**
 * The interpreter of the project's time, when nothing pins its versions and it resolves as of its own
 * date (dormant, or `--as-of commit`): with it the date needs no moving forward for wheels, and the
 * releases of that time find the Python they were built for. Null otherwise.
 */
export async function eraOf(
  facts: ProjectFacts,
  inputs: ResolutionRequest,
): Promise<{ minor: string; date: string } | null> {
  if (versionsPinnedBy(facts, inputs.uvLockExists) !== null) return null;
  const automatic = !inputs.request && !inputs.recorded;
  if (!automatic && inputs.request?.kind !== "commit") return null;
  const projectDate = await inputs.projectDate();
  if (!projectDate) return null;
  const resolution = chooseResolution({
    request: inputs.request,
    recorded: inputs.recorded,
    pinnedBy: null,
    projectDate,
    python: null,
    now: new Date(),
  });
  if (resolution?.excludeNewer !== projectDate) return null;
  const minor = eraPython(projectDate);
  return minor ? { minor, date: projectDate } : null;
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
