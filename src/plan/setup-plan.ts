import { DhtlError } from "../core/errors.js";
import type { ProjectFacts, ProjectModel } from "../facts/types.js";
import type { InterpreterChoice, LockStrategy, Plan, PythonRequest, Step } from "../run/steps.js";
import {
  componentSteps,
  type LanguagePlanInputs,
  lockedRuntimeFiles,
  runtimeInstallSteps,
  runtimeLockSteps,
} from "./language-steps.js";
import { chooseLockStrategy } from "./lock-strategy.js";
import { renderRequirementsInput } from "./requirements-in.js";

/** What planning needs to know about the project beyond Facts; the command gathers it before planning. */
export interface SetupPlanInputs {
  facts: Pick<ProjectFacts, "root" | "project" | "python">;
  /** The interpreter discovery chose for the request, or null when none on this machine fits. */
  interpreter: InterpreterChoice | null;
  /** Versions installed here, listed in the error when none fits. */
  installed: string[];
  uvLockExists: boolean;
  /** Optional-dependency extras to install besides every group (normalised; checked by the command). */
  extras?: string[];
  /** The project's Node, Rust and Go components (none when absent). */
  languages?: LanguagePlanInputs;
}

/** The Python request stated by the project (pin file, requires-python …), or null. */
export function pythonRequestOf(facts: Pick<ProjectFacts, "python">): PythonRequest | null {
  const chosen = facts.python.chosen;
  return chosen ? { kind: chosen.kind, value: chosen.value } : null;
}

/** Plans `dhtl setup`: resolve (lock) from the manifests, build a new environment, swap it in, record. */
export function planSetup(inputs: SetupPlanInputs): Plan {
  const { facts } = inputs;
  const lock = chooseLockStrategy(facts.project, { uvLock: inputs.uvLockExists });
  const python = pythonRequestOf(facts);
  const steps: Step[] = [{ kind: "ensureUv", reason: "uv creates the environment and installs packages" }];
  steps.push(pythonStep(python, inputs.interpreter, inputs.installed));
  steps.push({ kind: "createVenv", reason: "build the new environment beside the current .venv" });
  const extras = inputs.extras ?? [];
  steps.push(...lockSteps(facts, lock, inputs.interpreter, extras));
  const runtimeLocks = inputs.languages
    ? runtimeLockSteps(inputs.languages, minorOf(inputs.interpreter?.version ?? "3"))
    : [];
  steps.push(...runtimeLocks);
  steps.push(...installSteps(lock, facts.project.isPackage, [], { extras }));
  steps.push(...runtimeInstallSteps(lockedRuntimeFiles(runtimeLocks)));
  // .dhtconfig is written before the swap, so the swap alone commits environment and records together.
  steps.push({
    kind: "writeDhtConfig",
    compiledInputDigest: compiledInputDigest(facts.project, lock, extras),
    reason: "record the exact Python, the lock digest and the checksum",
  });
  steps.push({ kind: "swapVenv", reason: "swap the complete environment in as .venv in one rename" });
  steps.push(...componentSteps(inputs.languages?.components ?? []));
  return {
    command: "setup",
    root: facts.root,
    lock,
    python,
    recordPython: python?.kind === "exact" ? null : (inputs.interpreter?.version ?? null),
    installsProject: facts.project.isPackage,
    extras,
    steps,
    upToDate: false,
  };
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
  interpreter: InterpreterChoice | null,
  extras: string[],
): Step[] {
  if (lock.kind === "uv") {
    const reason = lock.exists
      ? "bring uv.lock up to date with pyproject.toml (unchanged when it already matches)"
      : "uv.lock is missing: resolve the project with `uv lock`";
    return [{ kind: "uvLock", reason }];
  }
  if (lock.kind === "user-hashed") return [];
  const input = renderRequirementsInput(facts.project, extras);
  const pythonVersion = minorOf(interpreter?.version ?? "3");
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
      reason: "pin every dependency with hashes for all platforms (uv pip compile --universal)",
    },
  ];
}

/** Steps that install the locked set into the new environment; `reinstall` names packages to rewrite. */
export function installSteps(
  lock: LockStrategy,
  isPackage: boolean,
  reinstall: string[],
  options: { locked?: boolean; extras?: string[] } = {},
): Step[] {
  if (lock.kind === "uv") {
    const locked = options.locked ?? false;
    const extras = options.extras ?? [];
    const what = `every dependency group${extras.length > 0 ? ` and the extras ${extras.join(", ")}` : ""}`;
    const reason = locked
      ? `install exactly uv.lock, ${what}; stop if it is stale against pyproject.toml`
      : `install exactly uv.lock, ${what}`;
    return [{ kind: "uvSync", reinstall, locked, extras, reason }];
  }
  const steps: Step[] = [
    {
      kind: "pipSync",
      lockFile: lock.file,
      reinstall,
      reason: `install exactly ${lock.file}, hashes required`,
    },
  ];
  if (isPackage)
    steps.push({ kind: "installProject", reason: "install the project itself in editable mode" });
  return steps;
}

/** What a compiled lock is made from, recorded so that regenerate can tell a stale one (null: not compiled). */
export function compiledInputDigest(
  project: ProjectModel,
  lock: LockStrategy,
  extras: string[],
): string | null {
  return lock.kind === "compiled" ? renderRequirementsInput(project, extras).digest : null;
}

export function minorOf(version: string): string {
  const [major, minor] = version.split(".");
  return minor === undefined ? (major ?? "3") : `${major}.${minor}`;
}
