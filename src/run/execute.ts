import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs.js";
import type { Output } from "../core/output.js";
import type { SystemPackageManager } from "../facts/system-deps/index.js";
import { formatCommand } from "../facts/system-packages/index.js";
import { type EnvironmentState, environmentChecksum, readEnvironmentState } from "../record/checksum.js";
import { type DhtConfig, sha256File, writeDhtConfig } from "../record/dhtconfig.js";
import { uvLockInputDigest } from "../record/lock-inputs.js";
import { nextDhtConfig } from "../record/next-config.js";
import { FileBackup } from "./file-backup.js";
import { writeActivationHooks } from "./hooks/activation.js";
import {
  type BuildTarget,
  checkUvLockFresh,
  compileLock,
  createVenv,
  installProjectEditable,
  installPython,
  pipSync,
  type UvRunner,
  uvLock,
  uvSync,
} from "./install.js";
import { compileRuntimeLock, installRuntimeLock, LANGUAGE_ADAPTERS, RUNTIMES } from "./languages/index.js";
import {
  describeStep,
  type InstallSystemPackagesStep,
  type LockStrategy,
  type Plan,
  type Step,
} from "./steps.js";
import { explainWithShortfall, installPackages, type SystemPackagesShortfall } from "./system-packages.js";
import {
  copyEnvironment,
  currentEnvironment,
  discardEnvironment,
  newEnvironmentPath,
  swapInEnvironment,
} from "./venv.js";

export interface ExecuteContext {
  out: Output;
  /** Finds (or bootstraps) uv and returns a runner for it; called once, by the `ensureUv` step. */
  getUv(): Promise<UvRunner>;
  platform: string;
  existingConfig: DhtConfig | null;
  /** fix-env: checks the repaired copy against the record; throws (drift) when it is still wrong. */
  validateStaged?: (envPath: string) => Promise<void>;
  /** regenerate: explains a checksum mismatch (which packages differ). */
  describeDrift?: (envPath: string) => Promise<string>;
  /**
   * Decides, when the build reaches the system-packages step, what to install (the workflow reads the
   * machine, plans and asks for consent: src/workflows/system-packages.ts).
   */
  decideSystemPackages?: (
    step: InstallSystemPackagesStep,
    build: BuildTarget & { lock: LockStrategy },
  ) => Promise<SystemPackagesDecision>;
}

/** What to do at the system-packages step: install these (consent given), or only report. */
export interface SystemPackagesDecision {
  install: { manager: SystemPackageManager; names: string[] } | null;
  /** The step's outcome when nothing is installed. */
  outcome: string;
  /** Left missing for want of consent: explains a build that fails afterwards. */
  shortfall: SystemPackagesShortfall | null;
}

export interface ExecuteResult {
  python: { version: string; implementation: string };
  packages: number;
  checksum: string;
  configWritten: boolean;
  seconds: number;
}

/**
 * Carries a plan out. The environment is filled in a fresh directory and swapped in only at `swapVenv`;
 * any failure before that deletes the half-built directory and restores every project file the run had
 * rewritten, so the previous `.venv` and the user's files stay exactly as they were.
 */
export async function executePlan(plan: Plan, ctx: ExecuteContext): Promise<ExecuteResult> {
  const started = Date.now();
  const backup = new FileBackup(plan.root);
  let uv: UvRunner | null = null;
  let pythonPath: string | null = null;
  let envPath: string | null = null;
  let swapped = false;
  let configWritten = false;
  // System packages left missing without consent: they explain a build that fails afterwards.
  let shortfall: SystemPackagesShortfall | null = null;
  // Runtime versions to record in `.dhtconfig` `languages` (null: drop the entry).
  const runtimeVersions: Record<string, string | null> = {};
  const target = (): BuildTarget => {
    if (!uv || !envPath) throw new DhtlError("internal", "plan builds before uv and the environment exist");
    return { root: plan.root, envPath, uv };
  };
  const needUv = (): UvRunner => {
    if (!uv) throw new DhtlError("internal", "plan runs uv before ensureUv");
    return uv;
  };

  const needPython = (): string => {
    if (!pythonPath) throw new DhtlError("internal", "plan locks before choosing Python");
    return pythonPath;
  };

  // Reading every RECORD is the costly part of a checksum: once the environment is complete, read it once.
  const states = new Map<string, EnvironmentState>();
  const stateOf = (path: string): EnvironmentState => {
    let state = states.get(path);
    if (!state) {
      state = readEnvironmentState(path);
      states.set(path, state);
    }
    return state;
  };

  const perform = async (step: Step): Promise<string | undefined> => {
    switch (step.kind) {
      case "ensureUv":
        uv = await ctx.getUv();
        return undefined;
      case "usePython":
        pythonPath = step.interpreter.path;
        return step.interpreter.path;
      case "installPython":
        pythonPath = await installPythonOrExplain(
          { root: plan.root, uv: needUv() },
          step.version,
          step.installed,
        );
        return pythonPath;
      case "createVenv":
        if (!pythonPath)
          throw new DhtlError("internal", "plan creates the environment before choosing Python");
        envPath = newEnvironmentPath(plan.root);
        backup.setEnvironment(envPath);
        await createVenv({ root: plan.root, envPath, uv: needUv() }, pythonPath);
        return undefined;
      case "copyCurrentEnv": {
        const current = currentEnvironment(plan.root);
        if (current.kind !== "managed")
          throw new DhtlError("internal", ".venv is not an environment dhtl built");
        envPath = newEnvironmentPath(plan.root);
        backup.setEnvironment(envPath);
        copyEnvironment(current.path, envPath);
        return undefined;
      }
      case "writeRequirementsIn":
        writeProjectFile(backup, plan.root, step.file, step.content);
        if (step.constraintsFile) writeProjectFile(backup, plan.root, step.constraintsFile, step.constraints);
        return undefined;
      case "compileLock":
        backup.remember(step.output);
        await compileLock({ root: plan.root, uv: needUv() }, step.input, step.output, {
          version: step.pythonVersion,
          path: needPython(),
        });
        return undefined;
      case "uvLock":
        backup.remember("uv.lock");
        await uvLock({ root: plan.root, uv: needUv() }, needPython());
        return undefined;
      case "checkLockFresh":
        await checkUvLockFresh({ root: plan.root, uv: needUv() });
        return undefined;
      case "uvSync":
        await uvSync(target(), step.reinstall, step.locked, step.extras);
        return undefined;
      case "pipSync":
        await pipSync(target(), step.lockFile, step.reinstall);
        return undefined;
      case "installProject":
        await installProjectEditable(target());
        return undefined;
      case "verifyChecksum":
        return verify(step.expected);
      case "installSystemPackages": {
        if (!ctx.decideSystemPackages) throw new DhtlError("internal", "no decision for system packages");
        const decision = await ctx.decideSystemPackages(step, { ...target(), lock: plan.lock });
        shortfall = decision.shortfall;
        if (!decision.install) return decision.outcome;
        const { manager, names } = decision.install;
        await installPackages(manager, names, {
          consent: true,
          onCommand: (argv) => ctx.out.warn(`running: ${formatCommand(argv)}`),
        });
        return `installed ${names.join(", ")}`;
      }
      case "swapVenv":
        // Written into the new environment before the swap, so the swap stays one atomic rename.
        writeActivationHooks(plan.root, target().envPath);
        // The commit point: from here the new environment and the rewritten files belong together.
        swapInEnvironment(plan.root, target().envPath);
        swapped = true;
        backup.commit();
        return undefined;
      case "writeDhtConfig":
        configWritten = recordConfig(step.compiledInputDigest);
        return configWritten ? "written" : "unchanged";
      case "lockRuntime": {
        backup.remember(step.lockFile);
        const version = await compileRuntimeLock(
          { root: plan.root, uv: needUv() },
          RUNTIMES[step.language],
          step.requirement,
          { version: step.pythonVersion, path: needPython() },
          step.requestedIn,
        );
        runtimeVersions[step.language] = step.record ? version : null;
        return version;
      }
      case "removeRuntimeLock":
        writeProjectFile(backup, plan.root, step.lockFile, "");
        runtimeVersions[step.language] = null;
        return undefined;
      case "installRuntime": {
        const runtime = RUNTIMES[step.language];
        const version = await installRuntimeLock(target(), runtime);
        LANGUAGE_ADAPTERS[step.language].linkRuntime?.(target().envPath);
        return `${runtime.distribution} ${version}`;
      }
      case "installComponent": {
        // After the swap: the tools run from the live `.venv/bin`, the path the user's shell will use too.
        const result = await LANGUAGE_ADAPTERS[step.language].installDependencies({
          root: plan.root,
          dir: step.dir,
          packageManager: step.packageManager,
          lockfile: step.lockfile,
          envBin: join(plan.root, ".venv", "bin"),
        });
        if (result.warning) ctx.out.warn(`warning: ${result.warning}`);
        return result.outcome;
      }
      default: {
        // A new kind of Step must be carried out here: without a case it would pass as a silent no-op.
        const unknown: never = step;
        throw new DhtlError("internal", `no executor for step ${JSON.stringify(unknown)}`);
      }
    }
  };

  const verify = async (expected: string | null): Promise<string> => {
    const path = target().envPath;
    if (ctx.validateStaged) {
      await ctx.validateStaged(path);
      return "valid";
    }
    const actual = environmentChecksum(stateOf(path));
    if (expected && actual !== expected) {
      const detail = ctx.describeDrift ? await ctx.describeDrift(path) : "";
      throw new DhtlError(
        "drift",
        `the rebuilt environment does not match the recorded checksum${detail ? `: ${detail}` : ""}`,
        {
          hint: "the lock or the Python build differs from the one recorded; `dhtl setup` records the new state",
        },
      );
    }
    return actual.slice(0, 19);
  };

  const recordConfig = (compiledInputDigest: string | null): boolean => {
    const path = target().envPath;
    const state = stateOf(path);
    const lockFile = plan.lock.file;
    const built = {
      lockFile,
      lockDigest: sha256File(join(plan.root, lockFile)),
      inputDigest: plan.lock.kind === "uv" ? uvLockInputDigest(plan.root) : compiledInputDigest,
      checksum: environmentChecksum(state),
      python: state.python,
      languages: runtimeVersions,
    };
    backup.remember(".dhtconfig");
    return writeDhtConfig(plan.root, nextDhtConfig(ctx.existingConfig, plan, built, ctx.platform));
  };

  try {
    for (const step of plan.steps) {
      const done = ctx.out.step(describeStep(step));
      const outcome = await perform(step);
      done(outcome);
    }
  } catch (error) {
    if (envPath && !swapped) discardEnvironment(envPath);
    if (!swapped) backup.restore();
    throw explainWithShortfall(error, shortfall);
  }
  backup.commit();
  const finalEnv = envPath ?? currentEnvironmentPath(plan.root);
  const state = stateOf(finalEnv);
  return {
    python: state.python,
    packages: state.packages.length,
    checksum: environmentChecksum(state),
    configWritten,
    seconds: (Date.now() - started) / 1000,
  };
}

async function installPythonOrExplain(
  target: Pick<BuildTarget, "root" | "uv">,
  version: string,
  installed: string[],
): Promise<string> {
  try {
    return await installPython(target, version);
  } catch (error) {
    throw new DhtlError(
      "toolFailed",
      `Python ${version} is not installed and uv could not install it (installed: ${installed.join(", ") || "none"})`,
      {
        hint: `install it with \`pyenv install ${version}\` or \`uv python install ${version}\`, then retry`,
        cause: error,
      },
    );
  }
}

function currentEnvironmentPath(root: string): string {
  const current = currentEnvironment(root);
  if (current.kind === "none")
    throw new DhtlError("drift", "there is no .venv", { hint: "run `dhtl setup`" });
  return current.path;
}

/** Writes a dhtl-owned project file (removing it when the content is empty), remembering the old one. */
function writeProjectFile(backup: FileBackup, root: string, relPath: string, content: string): void {
  backup.remember(relPath);
  const path = join(root, relPath);
  if (content === "") {
    if (existsSync(path)) rmSync(path);
    return;
  }
  writeFileAtomic(path, content);
}
