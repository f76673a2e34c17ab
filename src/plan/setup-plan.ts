import { DhtlError } from "../core/errors.js";
import { isUvWorkspace } from "../facts/subprojects.js";
import type { ProjectFacts, ProjectModel } from "../facts/types.js";
import type {
  InferredCandidate,
  InterpreterChoice,
  LockStrategy,
  Plan,
  PythonRequest,
  Step,
} from "../run/steps.js";
import type { Resolution } from "./as-of.js";
import { describeCandidate } from "./inferred-requirements.js";
import type { InterpreterDecision } from "./interpreter-choice.js";
import {
  componentSteps,
  type LanguagePlanInputs,
  lockedRuntimeFiles,
  runtimeInstallSteps,
  runtimeLockSteps,
} from "./language-steps.js";
import { chooseLockStrategy } from "./lock-strategy.js";
import { type ProjectInstall, projectInstall } from "./project-install.js";
import type { ProjectLockOutcome } from "./project-lock.js";
import {
  CONSTRAINTS_TXT,
  REQUIREMENTS_IN,
  REQUIREMENTS_LOCK,
  type RequirementsInput,
  renderRequirementsInput,
} from "./requirements-in.js";
import { renderUvGroupsInput, UV_GROUPS_IN, UV_GROUPS_LOCK } from "./uv-groups.js";

/** What planning needs to know about the project beyond Facts; the command gathers it before planning. */
export interface SetupPlanInputs {
  facts: Pick<ProjectFacts, "root" | "project" | "python">;
  /** The interpreter discovery chose for the request, or null when none on this machine fits. */
  interpreter: InterpreterChoice | null;
  /** Versions installed here, listed in the error when none fits. */
  installed: string[];
  uvLockExists: boolean;
  /** `.dhtl/uv-groups.lock` exists (from an earlier setup): removed when nothing needs it any more. */
  uvGroupsLockExists?: boolean;
  /** Optional-dependency extras to install besides every group (normalised; checked by the command). */
  extras?: string[];
  /** The project's Node, Rust and Go components (none when absent). */
  languages?: LanguagePlanInputs;
  /** The interpreter decision with its reason (workflows/interpreter.ts); without it, `interpreter` is used as is. */
  python?: PythonPlan;
  /** The project's own lock, converted (or why it is re-resolved): plan/project-lock.ts. */
  projectLock?: ProjectLockOutcome | null;
  /**
   * The universal resolution failed for Pythons other than the chosen one: lock for the chosen
   * interpreter's range (`>=3.13`) with a dhtl-owned compiled lock instead of uv.lock.
   */
  narrowLock?: string | null;
  /** `--python` given: recorded as the project's request. */
  requestedPython?: string | null;
  /** `--upgrade`: resolve afresh (uv lock --upgrade, uv pip compile --upgrade). */
  upgrade?: boolean;
  /**
   * What the code imports that no manifest declares (plan/inferred-requirements.ts) and the recorded
   * inferred requirements still needed (`kept`); absent when the imports were not looked at (`--no-infer`).
   */
  inferred?: { candidates: InferredCandidate[]; kept: string[] };
  /** Resolve the lock as of this time (plan/as-of.ts); absent or null: today's releases. */
  resolution?: Resolution | null;
  /** The resolution date differs from the recorded one: the previous lock's pins are of another time. */
  freshLock?: boolean;
}

/** How setup gets its interpreter: an installed one, or a version uv installs (with a fallback). */
export type PythonPlan =
  | { kind: "use"; decision: InterpreterDecision }
  | {
      kind: "install";
      version: string;
      why: string;
      /** The interpreter to use when uv cannot install it (null: stop). */
      fallback: InterpreterDecision | null;
      warnings: string[];
    };

/** The Python request stated by the project (pin file, requires-python …), or null. */
export function pythonRequestOf(facts: Pick<ProjectFacts, "python">): PythonRequest | null {
  const chosen = facts.python.chosen;
  return chosen ? { kind: chosen.kind, value: chosen.value } : null;
}

/** Plans `dhtl setup`: resolve (lock) from the manifests, build a new environment, swap it in, record. */
export function planSetup(inputs: SetupPlanInputs): Plan {
  const { facts } = inputs;
  const lock = setupLockStrategy(inputs);
  const python = pythonRequestOf(facts);
  const interpreter =
    inputs.python?.kind === "use"
      ? inputs.python.decision.interpreter
      : inputs.python?.kind === "install"
        ? null
        : inputs.interpreter;
  // The Python the lock is compiled for: the chosen interpreter's, or the one uv is asked to install.
  const lockPython =
    interpreter?.version ?? (inputs.python?.kind === "install" ? inputs.python.version : "3");
  const steps: Step[] = [{ kind: "ensureUv", reason: "uv creates the environment and installs packages" }];
  steps.push(
    inputs.python
      ? plannedPythonStep(inputs.python, inputs.installed)
      : pythonStep(python, inputs.interpreter, inputs.installed),
  );
  steps.push({ kind: "createVenv", reason: "build the new environment beside the current .venv" });
  const extras = inputs.extras ?? [];
  const inferred = inputs.inferred ?? { candidates: [], kept: [] };
  const excludeNewer = inputs.resolution?.excludeNewer ?? null;
  steps.push(
    ...lockSteps(
      facts,
      lock,
      lockPython,
      extras,
      inputs.projectLock ?? null,
      inputs.narrowLock ?? null,
      inferred,
      inputs.resolution ?? null,
      inputs.freshLock ?? false,
    ).map((step) =>
      inputs.upgrade && (step.kind === "compileLock" || step.kind === "uvLock")
        ? { ...step, upgrade: true }
        : step,
    ),
  );
  const runtimeLocks = inputs.languages ? runtimeLockSteps(inputs.languages, minorOf(lockPython)) : [];
  const groups = lock.kind === "uv" ? renderUvGroupsInput(facts.project) : null;
  const install = projectInstall(facts.project);
  steps.push(...uvGroupsLockSteps(groups, inputs, lockPython, extras));
  steps.push(...runtimeLocks);
  steps.push(
    ...installSteps(lock, facts.project.isPackage, [], {
      extras,
      uvGroupsLock: groups ? UV_GROUPS_LOCK : null,
      projectInstall: install,
      allPackages: isUvWorkspace(facts.project),
      excludeNewer,
    }),
  );
  steps.push(...runtimeInstallSteps(lockedRuntimeFiles(runtimeLocks)));
  // .dhtconfig is written before the swap, so the swap alone commits environment and records together.
  steps.push({
    kind: "writeDhtConfig",
    compiledInputDigest:
      lock.kind === "converted" && inputs.projectLock?.kind === "convert"
        ? inputs.projectLock.inputDigest
        : compiledInputDigest(facts.project, lock, extras, inferred.kept),
    uvGroupsInputDigest: groups?.digest ?? null,
    reason: "record the exact Python, the lock digest and the checksum",
  });
  steps.push({ kind: "swapVenv", reason: "swap the complete environment in as .venv in one rename" });
  steps.push(...componentSteps(inputs.languages?.components ?? []));
  return {
    command: "setup",
    root: facts.root,
    lock,
    python,
    recordPython: recordedVersion(inputs, python),
    requestedPython: inputs.requestedPython ?? null,
    lockPython: inputs.narrowLock ?? null,
    pythonGaps:
      inputs.python?.kind === "use" && inputs.python.decision.gaps.length > 0
        ? { version: inputs.python.decision.interpreter.version, gaps: inputs.python.decision.gaps }
        : undefined,
    installsProject: facts.project.isPackage,
    extras,
    uvGroups: groups ? { input: UV_GROUPS_IN, lock: UV_GROUPS_LOCK } : null,
    projectInstall: install,
    excludeNewer,
    steps,
    upToDate: false,
  };
}

/** The lock setup builds: uv.lock, a user's hashed file, the project's own lock converted, else compiled. */
function setupLockStrategy(inputs: SetupPlanInputs): LockStrategy {
  const chosen = chooseLockStrategy(inputs.facts.project, { uvLock: inputs.uvLockExists });
  if (chosen.kind === "uv" && inputs.uvLockExists) return chosen;
  if (chosen.kind === "user-hashed") return chosen;
  if (inputs.projectLock?.kind === "convert")
    return { kind: "converted", file: REQUIREMENTS_LOCK, from: inputs.projectLock.from };
  if (chosen.kind === "uv" && inputs.narrowLock) return compiledStrategy(inputs.facts.project);
  return chosen;
}

function compiledStrategy(project: ProjectModel): LockStrategy {
  return {
    kind: "compiled",
    file: REQUIREMENTS_LOCK,
    input: REQUIREMENTS_IN,
    constraints: project.constraints.length > 0 ? CONSTRAINTS_TXT : null,
  };
}

/** The exact version `.dhtconfig` records: none when a pin file fixes it, else the interpreter chosen. */
function recordedVersion(inputs: SetupPlanInputs, python: PythonRequest | null): string | null {
  const planned = inputs.python;
  if (planned?.kind === "use") return planned.decision.record ? planned.decision.interpreter.version : null;
  // Installed by uv (or the fallback): the executor records what was really used.
  if (planned?.kind === "install") return null;
  return python?.kind === "exact" ? null : (inputs.interpreter?.version ?? null);
}

/** The interpreter step of a decided plan: its reason is the decision's. */
function plannedPythonStep(planned: PythonPlan, installed: string[]): Step {
  if (planned.kind === "use") {
    const { interpreter, reason } = planned.decision;
    return { kind: "usePython", interpreter, reason: `${reason}; at ${interpreter.path}` };
  }
  const fallback = planned.fallback
    ? {
        interpreter: planned.fallback.interpreter,
        warning: `${planned.warnings.concat(planned.fallback.warnings).join("; ") || `Python ${planned.version} cannot be installed`}: using ${planned.fallback.interpreter.version} instead (${planned.fallback.reason})`,
      }
    : null;
  return {
    kind: "installPython",
    version: planned.version,
    installed,
    fallback,
    reason: `${planned.why}; uv can install it${fallback ? `, else ${fallback.interpreter.version} (${planned.fallback?.reason})` : ""}`,
  };
}

/**
 * A uv project's groups that uv does not read: written to `.dhtl/uv-groups.in` and compiled against uv.lock
 * (after `uv lock`, whose versions constrain them); both files go when nothing needs them any more.
 */
function uvGroupsLockSteps(
  groups: RequirementsInput | null,
  inputs: Pick<SetupPlanInputs, "uvGroupsLockExists">,
  lockPython: string,
  extras: string[],
): Step[] {
  if (!groups) {
    if (!inputs.uvGroupsLockExists) return [];
    const reason = "uv installs every group the project has now: the dhtl-owned groups lock is not needed";
    return [UV_GROUPS_IN, UV_GROUPS_LOCK].map((file) => ({
      kind: "writeRequirementsIn" as const,
      file,
      content: "",
      constraintsFile: null,
      constraints: "",
      reason,
    }));
  }
  return [
    {
      kind: "writeRequirementsIn",
      file: UV_GROUPS_IN,
      content: groups.content,
      constraintsFile: null,
      constraints: "",
      reason:
        "list the groups uv does not read (tool tables, requirement files, tox, nox) in one dhtl-owned file",
    },
    {
      kind: "compileUvGroups",
      input: UV_GROUPS_IN,
      output: UV_GROUPS_LOCK,
      pythonVersion: minorOf(lockPython),
      extras,
      reason: "pin them with hashes for all platforms, keeping uv.lock's version of every package it locks",
    },
  ];
}

function inferReason(candidates: InferredCandidate[], lockFile: string, input: string | null): string {
  const required = candidates.filter((candidate) => !candidate.optional);
  const what = `the code imports what no manifest declares (${candidates.map(describeCandidate).join("; ")})`;
  if (input === null || required.length === 0)
    return `${what}: what ${lockFile} does not provide is reported, not installed`;
  return `${what}: what the lock does not already pin is added (with consent) and recorded as inferred; guarded imports are only reported`;
}

export function pythonStep(
  request: PythonRequest | null,
  interpreter: InterpreterChoice | null,
  installed: string[],
): Step {
  if (interpreter) {
    const why = request ? `${request.value} is requested` : "no version is requested";
    return {
      kind: "usePython",
      interpreter,
      reason: `${why}; ${interpreter.implementation} ${interpreter.version} at ${interpreter.path}`,
    };
  }
  if (request?.kind === "exact") {
    return {
      kind: "installPython",
      version: request.value,
      installed,
      reason: `Python ${request.value} is required and not installed; uv can install it`,
    };
  }
  throw new DhtlError(
    "badInput",
    `no installed Python satisfies ${request ? request.value : "the project"} (installed: ${installed.join(", ") || "none"})`,
    { hint: `install one with \`uv python install ${request?.value ?? "3"}\` or pyenv, then retry` },
  );
}

function lockSteps(
  facts: Pick<ProjectFacts, "project">,
  lock: LockStrategy,
  pythonFor: string,
  extras: string[],
  projectLock: ProjectLockOutcome | null,
  narrowLock: string | null,
  inferred: { candidates: InferredCandidate[]; kept: string[] },
  resolution: Resolution | null,
  freshLock: boolean,
): Step[] {
  const excludeNewer = resolution?.excludeNewer ?? null;
  const asOf = resolution ? `; as of ${resolution.excludeNewer}: ${resolution.reason}` : "";
  const pythonVersion = minorOf(pythonFor);
  const inferStep = (input: string | null): Step[] =>
    inferred.candidates.length === 0
      ? []
      : [
          {
            kind: "inferRequirements",
            candidates: inferred.candidates,
            kept: inferred.kept,
            lockFile: lock.file,
            input,
            pythonVersion,
            ...(excludeNewer ? { excludeNewer } : {}),
            reason: inferReason(inferred.candidates, lock.file, input),
          },
        ];
  if (lock.kind === "uv") {
    const reason = lock.exists
      ? "bring uv.lock up to date with pyproject.toml (unchanged when it already matches)"
      : "uv.lock is missing: resolve the project with `uv lock`";
    return [{ kind: "uvLock", excludeNewer, reason: `${reason}${asOf}` }, ...inferStep(null)];
  }
  if (lock.kind === "user-hashed") return inferStep(null);
  if (lock.kind === "converted") {
    if (projectLock?.kind !== "convert")
      throw new DhtlError("internal", "a converted lock without its conversion");
    return [
      {
        kind: "writeLock",
        file: lock.file,
        content: projectLock.content,
        from: projectLock.from,
        reason: `install what ${projectLock.from} pins (${projectLock.packages} versions with their hashes), without re-resolving`,
      },
      ...inferStep(null),
    ];
  }
  const input = renderRequirementsInput(facts.project, extras, inferred.kept);
  return [
    {
      kind: "writeRequirementsIn",
      file: lock.input,
      content: input.content,
      constraintsFile: lock.constraints,
      constraints: input.constraints,
      reason: "unify the project's dependencies in one dhtl-owned file (the manifests stay untouched)",
    },
    {
      kind: "compileLock",
      input: lock.input,
      output: lock.file,
      pythonVersion,
      reason: narrowLock
        ? `pin every dependency with hashes for Python ${narrowLock} only: the project's range cannot be resolved as a whole`
        : projectLock?.kind === "reresolve"
          ? `re-resolve (${projectLock.reason}) and pin every dependency with hashes (uv pip compile --universal)`
          : `pin every dependency with hashes for all platforms (uv pip compile --universal)${asOf}`,
      excludeNewer,
      ...(freshLock ? { fresh: true } : {}),
    },
    ...inferStep(lock.input),
  ];
}

/** Steps that install the locked set into the new environment; `reinstall` names packages to rewrite. */
export function installSteps(
  lock: LockStrategy,
  isPackage: boolean,
  reinstall: string[],
  options: {
    locked?: boolean;
    extras?: string[];
    /** uv project: the dhtl-owned lock of the groups uv does not read, installed after the sync. */
    uvGroupsLock?: string | null;
    projectInstall?: ProjectInstall;
    /** uv workspace: every member (`uv sync --all-packages`). */
    allPackages?: boolean;
    /** Resolved as of this time: sdists build with the build tools of that time. */
    excludeNewer?: string | null;
  } = {},
): Step[] {
  if (lock.kind === "uv") {
    const locked = options.locked ?? false;
    const extras = options.extras ?? [];
    const allPackages = options.allPackages ?? false;
    const what = `${allPackages ? "every workspace member, " : ""}every dependency group${extras.length > 0 ? ` and the extras ${extras.join(", ")}` : ""}`;
    const reason = locked
      ? `install exactly uv.lock, ${what}; stop if it is stale against pyproject.toml`
      : `install exactly uv.lock, ${what}`;
    const steps: Step[] = [
      { kind: "uvSync", reinstall, locked, extras, ...(allPackages ? { allPackages } : {}), reason },
    ];
    if (options.uvGroupsLock)
      steps.push({
        kind: "installUvGroups",
        lockFile: options.uvGroupsLock,
        reinstall,
        reason: `install the groups uv does not read from ${options.uvGroupsLock}, hashes required`,
      });
    return steps;
  }
  const steps: Step[] = [
    {
      kind: "pipSync",
      lockFile: lock.file,
      reinstall,
      ...(options.excludeNewer ? { excludeNewer: options.excludeNewer } : {}),
      reason: `install exactly ${lock.file}${lock.kind === "converted" ? ` (from ${lock.from})` : ""}, hashes required${options.excludeNewer ? `; sdists build with the build tools of ${options.excludeNewer}` : ""}`,
    },
  ];
  const install = options.projectInstall ?? {
    mode: isPackage ? "editable" : "none",
    reason: "install the project itself in editable mode",
  };
  if (install.mode !== "none")
    steps.push({ kind: "installProject", mode: install.mode, reason: install.reason });
  return steps;
}

/** What a compiled lock is made from, recorded so that regenerate can tell a stale one (null: not compiled). */
export function compiledInputDigest(
  project: ProjectModel,
  lock: LockStrategy,
  extras: string[],
  inferred: string[] = [],
): string | null {
  return lock.kind === "compiled" ? renderRequirementsInput(project, extras, inferred).digest : null;
}

export function minorOf(version: string): string {
  const [major, minor] = version.split(".");
  return minor === undefined ? (major ?? "3") : `${major}.${minor}`;
}
