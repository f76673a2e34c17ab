import { DhtlError } from "../core/errors.js";
import type { ProjectFacts } from "../facts/types.js";
import type { InterpreterChoice, Plan, PythonRequest, Step } from "../run/steps.js";
import { componentSteps, type LanguagePlanInputs, runtimeInstallSteps } from "./language-steps.js";
import { chooseLockStrategy } from "./lock-strategy.js";
import { renderRequirementsInput } from "./requirements-in.js";
import { compiledInputDigest, installSteps, pythonRequestOf, pythonStep } from "./setup-plan.js";

/** The part of `.dhtconfig` regenerate and fix-env rely on (structurally a subset of record/dhtconfig's DhtConfig). */
export interface RecordedConfig {
  python?: { version: string; implementation: string };
  lock?: { file: string; digest: string; inputDigest?: string };
  extras?: string[];
  environment?: { checksums: Record<string, string> };
}

export interface RegeneratePlanInputs {
  facts: Pick<ProjectFacts, "root" | "project" | "python">;
  recorded: RecordedConfig;
  /** sha256 of the lock file as it is now, or null when the file is missing. */
  lockDigestNow: string | null;
  /** uv.lock's input digest as it is now (record/lock-inputs.ts); null when uv must re-check the lock. */
  uvInputDigestNow?: string | null;
  interpreter: InterpreterChoice | null;
  installed: string[];
  platform: string;
  /** Result of validating the current .venv (null when there is none). */
  environmentValid: boolean | null;
  force: boolean;
  /** The project's Node, Rust and Go components and the runtime locks present. */
  languages?: LanguagePlanInputs;
}

/** The exact version regenerate must use: the recorded one, else an exact pin file. */
export function recordedPythonRequest(
  recorded: RecordedConfig,
  facts: Pick<ProjectFacts, "python">,
): PythonRequest | null {
  if (recorded.python?.version) return { kind: "exact", value: recorded.python.version };
  return pythonRequestOf(facts);
}

/**
 * Plans `dhtl regenerate`: rebuild from `.dhtconfig` and the lock alone. Never resolves: a lock missing or
 * out of date with the manifests is an error, not a reason to re-lock.
 */
export function planRegenerate(inputs: RegeneratePlanInputs): Plan {
  const { facts, recorded } = inputs;
  const lockFile = recorded.lock?.file;
  if (!lockFile) {
    throw new DhtlError("badInput", ".dhtconfig records no lock file", {
      file: ".dhtconfig",
      hint: "run `dhtl setup` to lock the project and record it",
    });
  }
  if (inputs.lockDigestNow === null) {
    throw new DhtlError("badInput", `the recorded lock file ${lockFile} is missing`, {
      file: lockFile,
      hint: "restore it from version control, or run `dhtl setup` to lock again",
    });
  }
  if (inputs.lockDigestNow !== recorded.lock?.digest) {
    throw new DhtlError("drift", `${lockFile} changed since .dhtconfig was written (digest mismatch)`, {
      file: lockFile,
      hint: "run `dhtl setup` to record the new lock, or restore the recorded one",
    });
  }
  const lock = chooseLockStrategy(facts.project, { uvLock: lockFile === "uv.lock", lockedFile: lockFile });
  const extras = recorded.extras ?? [];
  if (lock.kind === "compiled" && recorded.lock?.inputDigest) {
    const now = renderRequirementsInput(facts.project, extras).digest;
    if (now !== recorded.lock.inputDigest) {
      throw new DhtlError("drift", `stale lock: the manifests changed since ${lockFile} was compiled`, {
        file: lockFile,
        hint: "run `dhtl setup` to compile the lock again",
      });
    }
  }
  const python = recordedPythonRequest(recorded, facts);
  const expected = recorded.environment?.checksums[inputs.platform] ?? null;
  const upToDate = inputs.environmentValid === true && !inputs.force;
  // A lock recorded fresh against byte-identical inputs is fresh still: no need for uv to re-check it.
  const uvInputsUnchanged =
    lock.kind === "uv" &&
    Boolean(recorded.lock?.inputDigest) &&
    inputs.uvInputDigestNow === recorded.lock?.inputDigest;
  const steps: Step[] = [];
  if (upToDate && lock.kind === "uv" && !uvInputsUnchanged) {
    // Nothing to install, but a uv.lock behind pyproject.toml is still reported.
    steps.push({ kind: "ensureUv", reason: "uv checks the lock" });
    steps.push({ kind: "checkLockFresh", reason: "the environment is valid; stop if uv.lock is stale" });
  }
  if (!upToDate) {
    steps.push({ kind: "ensureUv", reason: "uv creates the environment and installs packages" });
    steps.push(pythonStep(python, inputs.interpreter, inputs.installed));
    steps.push({ kind: "createVenv", reason: "build the new environment beside the current .venv" });
    steps.push(...installSteps(lock, facts.project.isPackage, [], { locked: !uvInputsUnchanged, extras }));
    steps.push(...runtimeInstallSteps(inputs.languages?.existingRuntimeLocks ?? []));
    steps.push({
      kind: "verifyChecksum",
      expected,
      reason: expected
        ? "the new environment must match the recorded checksum"
        : "no checksum for this platform yet",
    });
    if (!expected)
      steps.push({
        kind: "writeDhtConfig",
        compiledInputDigest: compiledInputDigest(facts.project, lock, extras),
        reason: `record the checksum for ${inputs.platform}`,
      });
    steps.push({ kind: "swapVenv", reason: "swap the complete environment in as .venv in one rename" });
    steps.push(...componentSteps(inputs.languages?.components ?? []));
  }
  return {
    command: "regenerate",
    root: facts.root,
    lock,
    python,
    recordPython: null,
    installsProject: facts.project.isPackage,
    extras,
    steps,
    upToDate,
  };
}
