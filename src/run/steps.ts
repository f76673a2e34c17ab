import type { SystemPackageManager } from "../facts/system-deps/index.js";
import type { SystemDependency } from "../facts/types.js";

/**
 * A plan is what setup/regenerate/fix-env will do, as data: an ordered list of typed steps, each with the
 * reason a person reads in `--dry-run`. These are the steps src/run/ knows how to carry out, so they are
 * defined here, below the planners (src/plan/) that build them: planners are pure, only run/ acts.
 */

/** How a project's dependencies are pinned and installed. */
export type LockStrategy =
  /** PEP 621 project managed through uv: `uv.lock`, installed with `uv sync --frozen`. */
  | { kind: "uv"; file: "uv.lock"; exists: boolean }
  /** Any other project: dhtl compiles `.dhtl/requirements.in` into a hashed `.dhtl/requirements.lock`. */
  | { kind: "compiled"; file: string; input: string; constraints: string | null }
  /** The user already keeps a fully hashed requirements file: installed exactly as it is. */
  | { kind: "user-hashed"; file: string };

/** A request for a Python version, as the version resolver or `.dhtconfig` states it. */
export interface PythonRequest {
  kind: "exact" | "minor" | "range";
  value: string;
}

/** An interpreter on this machine, as discovery reports it (a subset of discover.ts's PythonInterpreter). */
export interface InterpreterChoice {
  path: string;
  version: string;
  implementation: string;
}

export type Step =
  | { kind: "ensureUv"; reason: string }
  /** Missing operating-system packages the build needs (planned by src/plan/system-packages.ts). */
  | InstallSystemPackagesStep
  | { kind: "usePython"; interpreter: InterpreterChoice; reason: string }
  /** `installed` lists what is on the machine, for the message when uv cannot install it either. */
  | { kind: "installPython"; version: string; installed: string[]; reason: string }
  | { kind: "createVenv"; reason: string }
  | {
      kind: "writeRequirementsIn";
      file: string;
      content: string;
      constraintsFile: string | null;
      constraints: string;
      reason: string;
    }
  | { kind: "compileLock"; input: string; output: string; pythonVersion: string; reason: string }
  | { kind: "uvLock"; reason: string }
  | { kind: "checkLockFresh"; reason: string }
  /** `locked`: also fail when uv.lock no longer matches pyproject.toml (regenerate never re-resolves). */
  | { kind: "uvSync"; reinstall: string[]; locked: boolean; extras: string[]; reason: string }
  | { kind: "pipSync"; lockFile: string; reinstall: string[]; reason: string }
  | { kind: "installProject"; reason: string }
  | { kind: "copyCurrentEnv"; reason: string }
  | { kind: "verifyChecksum"; expected: string | null; reason: string }
  | { kind: "swapVenv"; reason: string }
  /**
   * `compiledInputDigest`: digest of the dhtl-owned requirements input a compiled lock is made from, as
   * planned; null for other locks (uv.lock's own inputs are digested when the record is written).
   */
  | { kind: "writeDhtConfig"; compiledInputDigest: string | null; reason: string }
  /**
   * Pins a Node/Go component's toolchain wheel in its dhtl-owned hashed lock (setup only). `record`: the
   * request is not one exact version, so `.dhtconfig` records the version the lock pinned.
   */
  | {
      kind: "lockRuntime";
      language: "node" | "go";
      requirement: string;
      lockFile: string;
      pythonVersion: string;
      record: boolean;
      /** File stating the version request (`frontend/.nvmrc`), for the error when no wheel fits it. */
      requestedIn: string | null;
      reason: string;
    }
  /** Removes a runtime lock no component needs any more. */
  | { kind: "removeRuntimeLock"; language: "node" | "go"; lockFile: string; reason: string }
  /** Installs a runtime lock into the new environment; after the main sync, whose exact sync would remove it. */
  | { kind: "installRuntime"; language: "node" | "go"; lockFile: string; reason: string }
  /** Installs (npm ci, go mod download) or checks (cargo) one component's dependencies once .venv is live. */
  | {
      kind: "installComponent";
      language: "node" | "rust" | "go";
      dir: string;
      packageManager: string | null;
      lockfile: string | null;
      reason: string;
    };

export interface InstallSystemPackagesStep {
  kind: "installSystemPackages";
  manager: SystemPackageManager;
  /** What the project's Python dependencies need from this manager (build and runtime), sorted. */
  dependencies: SystemDependency[];
  /** Packages `.dhtconfig` records for this manager: always wanted, whatever the lock holds. */
  recorded: string[];
  /** The names among the above that this machine lacks, as the command found them while planning. */
  missing: string[];
  /** The commands that would install every missing package (sudo already decided), for `--dry-run`. */
  commands: string[][];
  reason: string;
}

export type StepKind = Step["kind"];

export interface Plan {
  command: "setup" | "regenerate" | "fix-env";
  root: string;
  lock: LockStrategy;
  /** The Python request the interpreter was chosen for (null: none stated, any found interpreter). */
  python: PythonRequest | null;
  /** Exact version to record in `.dhtconfig` (null when a pin file already fixes it). */
  recordPython: string | null;
  /** True when the project itself is installed (editable). */
  installsProject: boolean;
  /** Optional-dependency extras installed besides every group (normalised, sorted; recorded in .dhtconfig). */
  extras: string[];
  steps: Step[];
  /** Nothing to do: the environment already matches (regenerate without --force). */
  upToDate: boolean;
}

/** One line per step: what runs and why. Used by `--dry-run` and as the JSON `plan` field. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "ensureUv":
      return "use uv";
    case "usePython":
      return `use Python ${step.interpreter.version}`;
    case "installPython":
      return `install Python ${step.version} with uv`;
    case "createVenv":
      return "create a new virtual environment";
    case "writeRequirementsIn":
      return `write ${step.file}`;
    case "compileLock":
      return `compile ${step.output} (Python ${step.pythonVersion}, universal, hashes)`;
    case "uvLock":
      return "uv lock";
    case "checkLockFresh":
      return "uv lock --check";
    case "uvSync":
      return `uv sync ${step.locked ? "--locked" : "--frozen"} --all-groups${step.extras.map((extra) => ` --extra ${extra}`).join("")}${step.reinstall.length > 0 ? ` (reinstall ${step.reinstall.join(", ")})` : ""}`;
    case "pipSync":
      return `uv pip sync ${step.lockFile}${step.reinstall.length > 0 ? ` (reinstall ${step.reinstall.join(", ")})` : ""}`;
    case "installProject":
      return "uv pip install --no-deps -e .";
    case "copyCurrentEnv":
      return "copy the current environment";
    case "verifyChecksum":
      return "validate the new environment";
    case "swapVenv":
      return "swap it in as .venv";
    case "writeDhtConfig":
      return "write .dhtconfig";
    case "installSystemPackages":
      return describeSystemPackagesStep(step);
    case "lockRuntime":
      return `lock ${step.requirement} in ${step.lockFile}`;
    case "removeRuntimeLock":
      return `remove ${step.lockFile}`;
    case "installRuntime":
      return `install ${step.language} from ${step.lockFile}`;
    case "installComponent":
      return componentDescription(step);
  }
}

/** One short line for the plan and the progress; the exact commands are in the step's reason. */
function describeSystemPackagesStep(step: InstallSystemPackagesStep): string {
  if (step.missing.length === 0) return `check ${step.manager} packages (all present)`;
  return `install missing ${step.manager} packages if needed: ${step.missing.join(", ")}`;
}

function componentDescription(step: Extract<Step, { kind: "installComponent" }>): string {
  const where = step.dir === "." ? "./" : `${step.dir}/`;
  if (step.language === "rust") return `check cargo for ${where}`;
  if (step.language === "go") return `go mod download in ${where}`;
  if (step.packageManager && step.packageManager !== "npm")
    return `${step.packageManager} project in ${where}`;
  return `npm ${step.lockfile?.endsWith(".json") ? "ci" : "install"} in ${where}`;
}
