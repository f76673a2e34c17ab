import type { InstallSystemPackagesStep } from "../plan/system-packages.js";

/**
 * A plan is what setup/regenerate/fix-env will do, as data: an ordered list of typed steps, each with the
 * reason a person reads in `--dry-run`. Planners are pure; only src/run/ carries steps out.
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
  /** Missing operating-system packages the build needs (src/plan/system-packages.ts). */
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
  | { kind: "writeDhtConfig"; reason: string }
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
