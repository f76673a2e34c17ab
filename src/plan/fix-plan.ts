import type { ProjectFacts } from "../facts/types.js";
import { normalizeName } from "../pep/names.js";
import type { Plan, Step } from "../run/steps.js";
import { runtimeInstallSteps } from "./language-steps.js";
import { chooseLockStrategy } from "./lock-strategy.js";
import type { RecordedConfig } from "./regenerate-plan.js";
import { installSteps } from "./setup-plan.js";

/** The drift validate-env reports (structurally record/validate's ValidationReport["drift"]). */
export interface EnvironmentDrift {
  extra: string[];
  missing: string[];
  changed: { name: string; expected: string; actual: string }[];
  /** Paths relative to site-packages; the owning distribution is looked up by the caller. */
  modifiedFiles: string[];
}

export interface FixPlanInputs {
  facts: Pick<ProjectFacts, "root" | "project">;
  recorded: RecordedConfig;
  drift: EnvironmentDrift;
  /** Distributions owning the modified files (normalised names). */
  modifiedOwners: string[];
  /** Python mismatch cannot be repaired in place: the caller regenerates instead. */
  pythonMatches: boolean;
  /** Runtime locks present (`.dhtl/node.lock`): reinstalled after the exact sync, which removes them. */
  runtimeLocks?: string[];
}

/** True when nothing in the drift needs a repair. */
export function isClean(drift: EnvironmentDrift): boolean {
  return (
    drift.extra.length === 0 &&
    drift.missing.length === 0 &&
    drift.changed.length === 0 &&
    drift.modifiedFiles.length === 0
  );
}

/**
 * Plans the smallest repair: a copy of the current environment gets an exact sync against the lock (which
 * removes extras and adds what is missing) with only the changed and modified distributions reinstalled.
 * Returns null when the drift cannot be repaired in place (another Python): regenerate instead.
 */
export function planFix(inputs: FixPlanInputs): Plan | null {
  if (!inputs.pythonMatches) return null;
  const lockFile = inputs.recorded.lock?.file ?? null;
  const lock = chooseLockStrategy(inputs.facts.project, {
    uvLock: lockFile === "uv.lock",
    lockedFile: lockFile,
  });
  const reinstall = [
    ...new Set([
      ...inputs.drift.changed.map((change) => normalizeName(change.name)),
      ...inputs.modifiedOwners,
    ]),
  ].sort();
  const clean = isClean(inputs.drift);
  const steps: Step[] = clean
    ? []
    : [
        { kind: "ensureUv", reason: "uv repairs the environment" },
        { kind: "copyCurrentEnv", reason: "repair a copy, so an interrupted fix leaves .venv as it was" },
        ...installSteps(lock, inputs.facts.project.isPackage, reinstall, {
          extras: inputs.recorded.extras ?? [],
        }).map((step) => withRepairReason(step, inputs.drift)),
        ...runtimeInstallSteps(inputs.runtimeLocks ?? []),
        {
          kind: "verifyChecksum",
          expected: null,
          reason: "validate the repaired copy before it replaces .venv",
        },
        { kind: "swapVenv", reason: "swap the repaired environment in as .venv in one rename" },
      ];
  return {
    command: "fix-env",
    root: inputs.facts.root,
    lock,
    python: null,
    recordPython: null,
    installsProject: inputs.facts.project.isPackage,
    extras: inputs.recorded.extras ?? [],
    steps,
    upToDate: clean,
  };
}

function withRepairReason(step: Step, drift: EnvironmentDrift): Step {
  if (step.kind !== "uvSync" && step.kind !== "pipSync") return step;
  const parts = [
    drift.extra.length > 0 ? `remove ${drift.extra.join(", ")}` : "",
    drift.missing.length > 0 ? `add ${drift.missing.join(", ")}` : "",
    step.reinstall.length > 0 ? `reinstall ${step.reinstall.join(", ")}` : "",
  ].filter(Boolean);
  return { ...step, reason: parts.join("; ") || step.reason };
}
