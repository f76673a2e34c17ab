import { DhtlError } from "../core/errors.js";
import { isUvWorkspace } from "../facts/subprojects.js";
import type { ProjectFacts } from "../facts/types.js";
import type { InterpreterChoice, LockStrategy, Plan, PythonRequest, Step } from "../run/steps.js";
import { componentSteps, type LanguagePlanInputs, runtimeInstallSteps } from "./language-steps.js";
import { chooseLockStrategy } from "./lock-strategy.js";
import { projectInstall } from "./project-install.js";
import { renderRequirementsInput } from "./requirements-in.js";
import { compiledInputDigest, installSteps, pythonRequestOf, pythonStep } from "./setup-plan.js";
import { renderUvGroupsInput, UV_GROUPS_IN, UV_GROUPS_LOCK } from "./uv-groups.js";

/** The part of `.dhtconfig` regenerate and fix-env rely on (structurally a subset of record/dhtconfig's DhtConfig). */
export interface RecordedConfig {
  python?: { version: string; implementation: string };
  lock?: {
    file: string;
    digest: string;
    inputDigest?: string;
    source?: string;
    excludeNewer?: string;
    groups?: { file: string; digest: string; inputDigest: string };
  };
  extras?: string[];
  /** Requirements inferred from the imports: part of the compiled lock's input. */
  inferred?: string[];
  environment?: { checksums: Record<string, string> };
}

export interface RegeneratePlanInputs {
  facts: Pick<ProjectFacts, "root" | "project" | "python">;
  recorded: RecordedConfig;
  /** sha256 of the lock file as it is now, or null when the file is missing. */
  lockDigestNow: string | null;
  /** The git ignore rule matching a missing lock (it was never committed), when there is one. */
  missingLockIgnoredBy?: { source: string; line: number; pattern: string } | null;
  /** uv.lock's input digest as it is now (record/lock-inputs.ts); null when uv must re-check the lock. */
  uvInputDigestNow?: string | null;
  /** For a lock converted from the project's own (`lock.source`): that lock's digest now (null: missing). */
  projectLockDigestNow?: string | null;
  /** sha256 of the recorded groups lock (`lock.groups.file`) as it is now; null when it is missing. */
  uvGroupsLockDigestNow?: string | null;
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
    const rule = inputs.missingLockIgnoredBy;
    if (rule) {
      throw new DhtlError(
        "badInput",
        `the recorded lock file ${lockFile} is missing: git ignores it (${rule.source}:${rule.line}: ${rule.pattern}), so it was never committed`,
        {
          file: lockFile,
          hint: `run \`dhtl setup\` to lock the project here (versions may differ from the recorded ones); to share the exact lock, commit it where it was made (\`git add -f ${lockFile}\`)`,
        },
      );
    }
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
  const source = recorded.lock?.source;
  const lock: LockStrategy = source
    ? { kind: "converted", file: lockFile, from: source }
    : chooseLockStrategy(facts.project, { uvLock: lockFile === "uv.lock", lockedFile: lockFile });
  const extras = recorded.extras ?? [];
  if (source && recorded.lock?.inputDigest && inputs.projectLockDigestNow !== recorded.lock.inputDigest) {
    throw new DhtlError("drift", `stale lock: ${source} changed since ${lockFile} was converted from it`, {
      file: source,
      hint: "run `dhtl setup` to convert it again",
    });
  }
  if (lock.kind === "compiled" && recorded.lock?.inputDigest) {
    const now = renderRequirementsInput(facts.project, extras, recorded.inferred ?? []).digest;
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
  const groups = lock.kind === "uv" ? checkedUvGroups(inputs, upToDate) : null;
  const install = projectInstall(facts.project);
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
    steps.push(
      ...installSteps(lock, facts.project.isPackage, [], {
        locked: !uvInputsUnchanged,
        extras,
        uvGroupsLock: groups?.file ?? null,
        projectInstall: install,
        allPackages: isUvWorkspace(facts.project),
        excludeNewer: recorded.lock?.excludeNewer,
      }),
    );
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
        compiledInputDigest:
          lock.kind === "converted"
            ? (recorded.lock?.inputDigest ?? null)
            : compiledInputDigest(facts.project, lock, extras, recorded.inferred ?? []),
        uvGroupsInputDigest: groups?.inputDigest ?? null,
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
    uvGroups: groups ? { input: UV_GROUPS_IN, lock: groups.file } : null,
    projectInstall: install,
    steps,
    upToDate,
  };
}

/**
 * The recorded lock of a uv project's groups uv does not read, checked like the main lock: present,
 * unchanged, and compiled from what the manifests ask for now. A project that has such groups without a
 * record of them (set up by an older dhtl) is stale once a rebuild is due.
 */
function checkedUvGroups(
  inputs: RegeneratePlanInputs,
  upToDate: boolean,
): { file: string; inputDigest: string } | null {
  const recorded = inputs.recorded.lock?.groups ?? null;
  const now = renderUvGroupsInput(inputs.facts.project);
  const hint = "run `dhtl setup` to lock the groups again";
  if (!recorded) {
    if (now && !upToDate)
      throw new DhtlError(
        "drift",
        `stale lock: the project has dependency groups uv does not read and no ${UV_GROUPS_LOCK}`,
        {
          file: ".dhtconfig",
          hint,
        },
      );
    return null;
  }
  if (inputs.uvGroupsLockDigestNow === null || inputs.uvGroupsLockDigestNow === undefined)
    throw new DhtlError("badInput", `the recorded lock file ${recorded.file} is missing`, {
      file: recorded.file,
      hint: "restore it from version control, or run `dhtl setup` to lock again",
    });
  if (inputs.uvGroupsLockDigestNow !== recorded.digest)
    throw new DhtlError("drift", `${recorded.file} changed since .dhtconfig was written (digest mismatch)`, {
      file: recorded.file,
      hint: "run `dhtl setup` to record the new lock, or restore the recorded one",
    });
  if (now?.digest !== recorded.inputDigest)
    throw new DhtlError(
      "drift",
      `stale lock: the dependency groups changed since ${recorded.file} was compiled`,
      {
        file: recorded.file,
        hint,
      },
    );
  return recorded;
}
