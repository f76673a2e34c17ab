import type { SystemPackageManager } from "../facts/system-deps/index.js";
import type { SystemDependency } from "../facts/types.js";
import type { ToolRequest } from "./dev-tools.js";

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
  | { kind: "user-hashed"; file: string }
  /** The project's own lock (poetry.lock, pdm.lock, Pipfile.lock) converted into dhtl's hashed lock, not re-resolved. */
  | { kind: "converted"; file: string; from: string };

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

/** A distribution the code's imports need and no manifest declares (planned in plan/inferred-requirements.ts). */
export interface InferredCandidate {
  /** Normalised distribution name to install (the mapping's best candidate). */
  name: string;
  /** What is written and recorded: the name, bounded where newer releases no longer provide the import. */
  requirement: string;
  /** The imports it stands for (`sklearn`), sorted. */
  imports: string[];
  /** Every distribution that may provide those imports, normalised: any of them in the lock covers them. */
  providers: string[];
  /** Root-relative files importing them, sorted. */
  files: string[];
  /** Only guarded code imports them (`try: … except ImportError`): reported when missing, never installed. */
  optional?: boolean;
}

export type Step =
  | { kind: "ensureUv"; reason: string }
  /** Missing operating-system packages the build needs (planned by src/plan/system-packages.ts). */
  | InstallSystemPackagesStep
  | { kind: "usePython"; interpreter: InterpreterChoice; reason: string }
  /**
   * `installed` lists what is on the machine, for the message when uv cannot install it either;
   * `fallback`: the installed interpreter to use instead (with a warning) when uv cannot install it.
   */
  | {
      kind: "installPython";
      version: string;
      installed: string[];
      fallback?: { interpreter: InterpreterChoice; warning: string } | null;
      reason: string;
    }
  | { kind: "createVenv"; reason: string }
  | {
      kind: "writeRequirementsIn";
      file: string;
      content: string;
      constraintsFile: string | null;
      constraints: string;
      reason: string;
    }
  /**
   * `upgrade`: resolve afresh instead of keeping the previous lock's pins where they still fit;
   * `excludeNewer`: resolve as of that time (plan/as-of.ts); null for today's releases.
   */
  | {
      kind: "compileLock";
      input: string;
      output: string;
      pythonVersion: string;
      upgrade?: boolean;
      excludeNewer?: string | null;
      /** Resolve from scratch instead of keeping the previous lock's pins (the date changed). */
      fresh?: boolean;
      reason: string;
    }
  /** Writes a lock dhtl converted from the project's own (plan/project-lock.ts). */
  | { kind: "writeLock"; file: string; content: string; from: string; reason: string }
  /**
   * After the lock: the code's imports that no locked distribution provides are added to the dhtl-owned
   * input as inferred requirements (with consent, decided when the build gets there) and the lock is
   * compiled again. `kept`: the recorded inferred requirements the input already holds. `input` null: the
   * lock is the user's (uv.lock), which dhtl never edits: what it lacks is reported, not added.
   */
  | {
      kind: "inferRequirements";
      candidates: InferredCandidate[];
      kept: string[];
      lockFile: string;
      input: string | null;
      pythonVersion: string;
      /** The lock's resolution date (plan/as-of.ts): the recompiled lock keeps it. */
      excludeNewer?: string | null;
      reason: string;
    }
  | { kind: "uvLock"; upgrade?: boolean; excludeNewer?: string | null; reason: string }
  | { kind: "checkLockFresh"; reason: string }
  /**
   * `locked`: also fail when uv.lock no longer matches pyproject.toml (regenerate never re-resolves).
   * `allPackages`: the project is a uv workspace, whose every member is installed (`--all-packages`).
   */
  | {
      kind: "uvSync";
      reinstall: string[];
      locked: boolean;
      extras: string[];
      allPackages?: boolean;
      reason: string;
    }
  | { kind: "pipSync"; lockFile: string; reinstall: string[]; excludeNewer?: string | null; reason: string }
  /**
   * uv project: compiles the groups uv does not read (`input`, plan/uv-groups.ts) into a hashed universal
   * lock constrained by uv.lock's versions for the installed extras.
   */
  | {
      kind: "compileUvGroups";
      input: string;
      output: string;
      pythonVersion: string;
      extras: string[];
      reason: string;
    }
  /** Installs that lock after `uv sync` (whose exact sync would remove it), hashes required. */
  | { kind: "installUvGroups"; lockFile: string; reinstall: string[]; reason: string }
  /** The project itself: editable when its backend can (PEP 660), else a regular install (plan/project-install.ts). */
  | { kind: "installProject"; mode: "editable" | "regular"; reason: string }
  | { kind: "copyCurrentEnv"; reason: string }
  | { kind: "verifyChecksum"; expected: string | null; reason: string }
  | { kind: "swapVenv"; reason: string }
  /**
   * `compiledInputDigest`: digest of the dhtl-owned requirements input a compiled lock is made from, as
   * planned; null for other locks (uv.lock's own inputs are digested when the record is written).
   */
  | {
      kind: "writeDhtConfig";
      compiledInputDigest: string | null;
      /** Digest of `.dhtl/uv-groups.in` when a uv project has groups uv does not read (null: none). */
      uvGroupsInputDigest?: string | null;
      reason: string;
    }
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
  /**
   * Dev tools the lock does not install, each in its own uv tool environment (run/dev-tools.ts), exposed
   * from the environment's bin/; `live`: into `.venv` as it is (fix-env repairing only tools).
   */
  | { kind: "installTools"; tools: ToolRequest[]; live: boolean; reason: string }
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
  /** Record `--python` as the project's request in `.dhtconfig` (`python.requested`), so regenerate and later setups keep it. */
  requestedPython?: string | null;
  /** The lock covers only this Python range (the universal resolution failed for others): recorded. */
  lockPython?: string | null;
  /** Why the interpreter was chosen and what will build from source on it: explains a failed build. */
  pythonGaps?: { version: string; gaps: { name: string; version: string; wheelPythons: string[] }[] };
  /** True when the project itself is installed (editable). */
  installsProject: boolean;
  /** Optional-dependency extras installed besides every group (normalised, sorted; recorded in .dhtconfig). */
  extras: string[];
  /** uv project: the dhtl-owned lock of the groups uv does not read, and its input (null: none). */
  uvGroups?: { input: string; lock: string } | null;
  /** How the project itself is installed, and why (setup says it). */
  projectInstall?: { mode: "editable" | "regular" | "none"; reason: string };
  /** setup: the time the lock is resolved as of (plan/as-of.ts), recorded in .dhtconfig; null: today. */
  excludeNewer?: string | null;
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
      return `install Python ${step.version} with uv${step.fallback ? ` (else use ${step.fallback.interpreter.version})` : ""}`;
    case "createVenv":
      return "create a new virtual environment";
    case "writeRequirementsIn":
      return `${step.content === "" ? "remove" : "write"} ${step.file}`;
    case "compileLock":
      return `compile ${step.output} (Python ${step.pythonVersion}, universal, hashes${step.upgrade ? ", upgrade" : ""}${asOf(step.excludeNewer)})`;
    case "writeLock":
      return `write ${step.file} from ${step.from} (its pins and hashes, not re-resolved)`;
    case "uvLock":
      return `uv lock${step.upgrade ? " --upgrade" : ""}${step.excludeNewer ? ` (${asOf(step.excludeNewer).slice(2)})` : ""}`;
    case "checkLockFresh":
      return "uv lock --check";
    case "inferRequirements":
      return step.input === null
        ? `check the imports against ${step.lockFile}`
        : `check the imports against the lock (may add: ${step.candidates
            .filter((c) => !c.optional)
            .map((c) => c.name)
            .join(", ")})`;
    case "uvSync":
      return `uv sync ${step.locked ? "--locked" : "--frozen"} --all-groups${step.allPackages ? " --all-packages" : ""}${step.extras.map((extra) => ` --extra ${extra}`).join("")}${step.reinstall.length > 0 ? ` (reinstall ${step.reinstall.join(", ")})` : ""}`;
    case "pipSync":
      return `uv pip sync ${step.lockFile}${step.reinstall.length > 0 ? ` (reinstall ${step.reinstall.join(", ")})` : ""}`;
    case "compileUvGroups":
      return `compile ${step.output} (groups uv does not read, constrained by uv.lock)`;
    case "installUvGroups":
      return `uv pip install ${step.lockFile}${step.reinstall.length > 0 ? ` (reinstall ${step.reinstall.join(", ")})` : ""}`;
    case "installProject":
      return `uv pip install --no-deps ${step.mode === "editable" ? "-e ." : "."}`;
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
    case "installTools":
      return `install dev tools with uv tool: ${step.tools.map((tool) => `${tool.name} ${tool.version ?? tool.spec ?? "(newest)"}`).join(", ")}`;
  }
}

function asOf(excludeNewer: string | null | undefined): string {
  return excludeNewer ? `, as of ${excludeNewer}` : "";
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
