import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import type { Output } from "../core/output.js";
import { lexists, removeProjectPath, writeProjectFile as writeInsideProject } from "../core/safe-path.js";
import type { SystemPackageManager } from "../facts/system-deps/index.js";
import { formatCommand } from "../facts/system-packages/index.js";
import { pinnedNames } from "../formats/requirements.js";
import { uvLockNames } from "../formats/uv-lock.js";
import { normalizeName } from "../pep/names.js";
import { newEnvironmentProblems } from "../python/env-integrity.js";
import { environmentPython, readVenvPython } from "../python/venv-info.js";
import { type EnvironmentState, environmentChecksum, readEnvironmentState } from "../record/checksum.js";
import { type DhtConfig, sha256File, writeDhtConfig } from "../record/dhtconfig.js";
import { uvLockInputDigest } from "../record/lock-inputs.js";
import { nextDhtConfig } from "../record/next-config.js";
import { provisionTools } from "./dev-tools.js";
import { createMarkedEnvironmentDir } from "./env-mark.js";
import { writePipWrappers } from "./env-wrappers.js";
import { explainBuildFailure } from "./explain-build.js";
import { FileBackup } from "./file-backup.js";
import { keepGitStatusClean } from "./git-hygiene.js";
import { writeActivationHooks } from "./hooks/activation.js";
import { allowActivation } from "./hooks/allow.js";
import {
  type BuildTarget,
  checkUvLockFresh,
  compileLock,
  createVenv,
  installLockAndProject,
  installProject,
  installPython,
  pipSync,
  type UvRunner,
  uvLock,
  uvSync,
} from "./install.js";
import { compileRuntimeLock, installRuntimeLock, LANGUAGE_ADAPTERS, RUNTIMES } from "./languages/index.js";
import { correctShippedRecords } from "./shipped-records.js";
import {
  describeStep,
  type InstallSystemPackagesStep,
  type LockStrategy,
  type Plan,
  type Step,
} from "./steps.js";
import { explainWithShortfall, installPackages, type SystemPackagesShortfall } from "./system-packages.js";
import { ensureUv, explainUvFailure } from "./uv.js";
import { probeLinkMode, useLinkMode } from "./uv-environment.js";

const HARDLINK_NOTE =
  "note: DHTL_LINK_MODE=hardlink: the environment shares its files with uv's cache (faster; an edit inside .venv changes every environment installed from that cache)";

import { compileUvGroupsLock, installUvGroupsLock } from "./uv-groups.js";
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
  validateStaged?: (envPath: string, modifiedFiles: string[] | null) => Promise<void>;
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
  /** Put the new environment on the cd hook's allow list (run/hooks/allow.ts); `dhtl clone` does not. */
  allowActivation?: boolean;
  /**
   * The journal of a larger transaction this build is part of (`dhtl add` edited a manifest first): the
   * build's files join it, and a failure before the swap puts every one of them back.
   */
  backup?: FileBackup;
  /** Where a new dependency belongs, for the `.venv/bin/pip` wrapper's warning (run/env-wrappers.ts). */
  pipManifest?: string | null;
  /**
   * Decides, when the build reaches `inferRequirements` (the lock compiled once), which inferred requirements
   * the project gets and the input that holds them; asks for consent and throws (refused) without it.
   * `lockedNames`: the distributions the lock pins now; `dropped`: inferred names the index does not have.
   */
  decideInferred?: (
    step: Extract<Step, { kind: "inferRequirements" }>,
    lockedNames: ReadonlySet<string>,
    dropped: string[],
  ) => Promise<InferredDecision>;
}

/** The inferred requirements of this build and, when the input must change, its new text. */
export interface InferredDecision {
  /** Normalised names, sorted: what `.dhtconfig` records as `inferred`. */
  names: string[];
  /** The dhtl-owned input to compile again (with its digest), or null when the lock already fits. */
  input: { content: string; digest: string } | null;
  /** Distributions the code imports that stay uninstalled (the lock is the user's, or `--no-infer`). */
  missing?: string[];
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
  /** Dev tools installed isolated by this run (name → version); absent when the plan had none. */
  tools?: Record<string, string>;
  packages: number;
  checksum: string;
  configWritten: boolean;
  seconds: number;
  /**
   * Node/Go/Rust components whose install step failed after the Python environment was complete: each was
   * a warning naming the directory and the command, never the command's failure.
   */
  componentFailures: ComponentFailure[];
  /** Requirements inferred from the imports that this build installed (empty when none). */
  inferred: string[];
  /** Distributions the code imports that this build left out, each reported as a warning (never "ready" silently). */
  missingImports: string[];
}

/** A component step that failed once `.venv` was live (class 17): what, where, and the command to retry. */
export interface ComponentFailure {
  language: "node" | "rust" | "go";
  dir: string;
  message: string;
  hint: string | null;
}

/**
 * Carries a plan out. The environment is filled in a fresh directory and swapped in only at `swapVenv`;
 * any failure before that deletes the half-built directory and restores every project file the run had
 * rewritten, so the previous `.venv` and the user's files stay exactly as they were.
 */
export async function executePlan(plan: Plan, ctx: ExecuteContext): Promise<ExecuteResult> {
  const started = Date.now();
  const backup = ctx.backup ?? new FileBackup(plan.root);
  let uv: UvRunner | null = null;
  let pythonPath: string | null = null;
  let envPath: string | null = null;
  let swapped = false;
  let configWritten = false;
  // System packages left missing without consent: they explain a build that fails afterwards.
  let shortfall: SystemPackagesShortfall | null = null;
  // Runtime versions to record in `.dhtconfig` `languages` (null: drop the entry).
  const runtimeVersions: Record<string, string | null> = {};
  // The interpreter came from `uv python install` for a minor pin, or from the fallback: record it.
  let recordActualPython = false;
  const componentFailures: ComponentFailure[] = [];
  // The inferred requirements this build settled on (null: none decided, the record keeps its own).
  let inferred = null as { names: string[]; inputDigest: string | null } | null;
  let missingImports: string[] = [];
  // The environment was created empty by this run (not a copy being repaired).
  let freshEnvironment = false;
  // Steps already carried out together with the one before them (see "pipSync").
  const joined = new Set<Step>();
  // Dev tools to record: setup records what it installed (none when it planned none); the others keep the record.
  let toolVersions: Record<string, string> | undefined = plan.command === "setup" ? {} : undefined;
  let toolsInstalled: Record<string, string> | undefined;
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

  // A wheel whose RECORD is wrong about its own files is told from a damaged cache once, before the
  // environment's state is read for a checksum, a validation or the pre-swap check (run/shipped-records.ts).
  // The files still modified after it, kept for the pre-swap check: the environment is re-hashed once.
  let recordsChecked: { envPath: string; modified: string[] } | null = null;
  const correctRecordsOnce = async (): Promise<void> => {
    // Nothing was built by this run (a record-only plan): the environment in place was checked when built.
    if (!uv || !envPath || recordsChecked?.envPath === envPath) return;
    const built = target();
    let lockText: string | null = null;
    try {
      if (plan.lock.kind === "compiled") lockText = readFileSync(join(plan.root, plan.lock.file), "utf8");
    } catch {}
    const check = await correctShippedRecords(built, lockText);
    for (const note of check.notes) ctx.out.warn(`note: ${note}`);
    recordsChecked = { envPath: built.envPath, modified: check.modified };
    states.delete(built.envPath);
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

  const perform = async (step: Step, next: Step | undefined): Promise<string | undefined> => {
    if (joined.has(step)) return "installed together with the lock";
    switch (step.kind) {
      case "ensureUv":
        uv = await ctx.getUv();
        return undefined;
      case "usePython":
        pythonPath = step.interpreter.path;
        return step.interpreter.path;
      case "installPython": {
        const installed = await installPythonOrFallBack({ root: plan.root, uv: needUv() }, step, ctx.out);
        pythonPath = installed.path;
        // A minor pin or a fallback is not fixed by the project files: record the exact version used.
        recordActualPython = installed.fellBack || step.version.split(".").length < 3;
        return installed.fellBack ? `${installed.path} (fallback)` : pythonPath;
      }
      case "createVenv":
        if (!pythonPath)
          throw new DhtlError("internal", "plan creates the environment before choosing Python");
        envPath = newEnvironmentPath(plan.root);
        backup.setEnvironment(envPath);
        createMarkedEnvironmentDir(plan.root, envPath);
        {
          // Independent: uv venv installs nothing, so the link mode can be settled while it runs.
          const [mode] = await Promise.all([
            probeLinkMode(needUv(), plan.root, envPath),
            createVenv({ root: plan.root, envPath, uv: needUv() }, pythonPath),
          ]);
          useLinkMode(mode);
          if (mode === "hardlink") ctx.out.warn(HARDLINK_NOTE);
        }
        freshEnvironment = true;
        return undefined;
      case "copyCurrentEnv": {
        const current = currentEnvironment(plan.root);
        if (current.kind !== "managed")
          throw new DhtlError("internal", ".venv is not an environment dhtl built");
        envPath = newEnvironmentPath(plan.root);
        backup.setEnvironment(envPath);
        copyEnvironment(plan.root, current.path, envPath);
        {
          const mode = await probeLinkMode(needUv(), plan.root, envPath);
          useLinkMode(mode);
          if (mode === "hardlink") ctx.out.warn(HARDLINK_NOTE);
        }
        return undefined;
      }
      case "writeRequirementsIn":
        writeProjectFile(backup, plan.root, step.file, step.content);
        if (step.constraintsFile) writeProjectFile(backup, plan.root, step.constraintsFile, step.constraints);
        return undefined;
      case "writeLock":
        writeProjectFile(backup, plan.root, step.file, step.content);
        return `${step.from} → ${step.file}`;
      case "compileLock":
        backup.remember(step.output);
        await compileLock(
          { root: plan.root, uv: needUv() },
          step.input,
          step.output,
          { version: step.pythonVersion, path: needPython() },
          {
            upgrade: step.upgrade ?? false,
            excludeNewer: step.excludeNewer ?? null,
            fresh: step.fresh ?? false,
          },
        );
        return undefined;
      case "inferRequirements": {
        if (!ctx.decideInferred) throw new DhtlError("internal", "no decision for inferred requirements");
        const decide = ctx.decideInferred;
        const lockText = readFileSync(join(plan.root, step.lockFile), "utf8");
        const locked = new Set(step.lockFile === "uv.lock" ? uvLockNames(lockText) : pinnedNames(lockText));
        const dropped: string[] = [];
        for (;;) {
          const decision = await decide(step, locked, dropped);
          missingImports = decision.missing ?? [];
          if (!decision.input) {
            inferred = { names: decision.names, inputDigest: null };
            if (missingImports.length > 0)
              return `not installed: ${missingImports.join(", ")} (see the warnings)`;
            return decision.names.length > 0 ? `kept ${decision.names.join(", ")}` : "nothing missing";
          }
          const input = step.input;
          if (input === null) throw new DhtlError("internal", `${step.lockFile} is not dhtl's to edit`);
          writeProjectFile(backup, plan.root, input, decision.input.content);
          try {
            await compileLock(
              { root: plan.root, uv: needUv() },
              input,
              step.lockFile,
              { version: step.pythonVersion, path: needPython() },
              { excludeNewer: step.excludeNewer ?? null },
            );
          } catch (error) {
            // A name the code imports but the index does not have (a module generated at run time): drop it.
            const missing = missingFromIndex(error, decision.names);
            if (!missing) throw error;
            dropped.push(missing);
            ctx.out.warn(
              `warning: ${missing} is imported (${importsOf(step, missing)}) but is no package on the index: not installed`,
            );
            continue;
          }
          inferred = { names: decision.names, inputDigest: decision.input.digest };
          return decision.names.length > 0 ? `inferred ${decision.names.join(", ")}` : "nothing to add";
        }
      }
      case "uvLock":
        backup.remember("uv.lock");
        await uvLock({ root: plan.root, uv: needUv() }, needPython(), {
          upgrade: step.upgrade ?? false,
          excludeNewer: step.excludeNewer ?? null,
        });
        return undefined;
      case "checkLockFresh":
        await checkUvLockFresh({ root: plan.root, uv: needUv() });
        return undefined;
      case "uvSync":
        await uvSync(target(), step.reinstall, step.locked, step.extras, step.allPackages ?? false);
        return undefined;
      case "pipSync":
        // Into a new environment, the lock and the project go in one uv call (see installLockAndProject);
        // not when resolving as of a date, where the project's own backend must stay today's.
        if (
          next?.kind === "installProject" &&
          next.mode === "editable" &&
          freshEnvironment &&
          step.reinstall.length === 0 &&
          !step.excludeNewer &&
          // A backend without build_editable fails the joined call: then each goes in turn, as below.
          (await installLockAndProject(target(), step.lockFile).catch(() => false))
        ) {
          joined.add(next);
          return "with the project itself";
        }
        await pipSync(target(), step.lockFile, step.reinstall, step.excludeNewer ?? null);
        return undefined;
      case "installProject": {
        const used = await installProject(target(), step.mode);
        if (used === step.mode) return used;
        ctx.out.warn(
          "note: the build backend has no build_editable (PEP 660): the project was installed as a regular package",
        );
        return `${used} (the backend cannot build editable installs)`;
      }
      case "compileUvGroups": {
        backup.remember(step.output);
        const result = await compileUvGroupsLock(
          { root: plan.root, uv: needUv() },
          step.input,
          step.output,
          { version: step.pythonVersion, path: needPython() },
          step.extras,
        );
        for (const requirement of result.overruled)
          ctx.out.warn(`note: uv.lock's version is kept: ${requirement}`);
        return result.packages === 0 ? "everything is in uv.lock" : `${result.packages} packages`;
      }
      case "installUvGroups": {
        const count = await installUvGroupsLock(target(), step.lockFile, step.reinstall);
        return count === 0 ? "nothing beyond uv.lock" : `${count} packages`;
      }
      case "verifyChecksum":
        await correctRecordsOnce();
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
      case "swapVenv": {
        // fix-env has validated the repaired copy in full already; every other new environment is checked here.
        await correctRecordsOnce();
        if (!ctx.validateStaged) refuseUnsoundEnvironment(target().envPath, recordsChecked?.modified ?? null);
        // Written into the new environment before the swap, so the swap stays one atomic rename.
        writeActivationHooks(plan.root, target().envPath);
        writePipWrappers(
          plan.root,
          target().envPath,
          { uvPath: (await ensureUv()).path, manifest: ctx.pipManifest ?? null, lockFile: plan.lock.file },
          { live: false },
        );
        // The commit point: from here the new environment and the rewritten files belong together.
        const { movedAside } = swapInEnvironment(plan.root, target().envPath);
        swapped = true;
        backup.commit();
        if (ctx.allowActivation) allowOrWarn(plan.root, ctx.out);
        if (movedAside)
          ctx.out.warn(`note: the .venv dhtl did not build was moved to ${movedAside} (kept, not deleted)`);
        const git = await keepGitStatusClean(plan.root, recordedFiles(plan));
        for (const line of [...git.notes.map((note) => `note: ${note}`), ...git.warnings]) ctx.out.warn(line);
        return movedAside ? `previous .venv kept as ${movedAside}` : undefined;
      }
      case "writeDhtConfig":
        await correctRecordsOnce();
        configWritten = recordConfig(
          inferred?.inputDigest ?? step.compiledInputDigest,
          step.uvGroupsInputDigest ?? null,
        );
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
      case "installTools": {
        const envPath = step.live ? currentEnvironmentPath(plan.root) : target().envPath;
        const provisioned = await provisionTools(needUv(), plan.root, envPath, step.tools, {
          live: step.live,
        });
        if (toolVersions) toolVersions = provisioned.recorded;
        toolsInstalled = provisioned.recorded;
        return provisioned.outcome;
      }
      case "installComponent": {
        // After the swap: the tools run from the live `.venv/bin`, the path the user's shell will use too.
        try {
          const result = await LANGUAGE_ADAPTERS[step.language].installDependencies({
            root: plan.root,
            dir: step.dir,
            packageManager: step.packageManager,
            lockfile: step.lockfile,
            envBin: join(plan.root, ".venv", "bin"),
          });
          if (result.warning) ctx.out.warn(`warning: ${result.warning}`);
          return result.outcome;
        } catch (error) {
          // The Python environment is complete and live: a Node/Go/Rust part failing is the user's to fix
          // (a 404 in a lint tool's lock), never a reason to report the whole setup as failed.
          if (!(error instanceof DhtlError) || error.code === "internal") throw error;
          const failure = componentFailure(step, error);
          componentFailures.push(failure);
          ctx.out.warn(`warning: ${failure.message}`);
          if (failure.hint) ctx.out.warn(`hint: ${failure.hint}`);
          return "failed (a warning, not an error: the Python environment is complete)";
        }
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
      await ctx.validateStaged(path, recordsChecked?.envPath === path ? recordsChecked.modified : null);
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

  const recordConfig = (compiledInputDigest: string | null, uvGroupsInputDigest: string | null): boolean => {
    const path = target().envPath;
    const state = stateOf(path);
    const lockFile = plan.lock.file;
    const groups = plan.uvGroups ?? null;
    const built = {
      lockFile,
      lockDigest: sha256File(join(plan.root, lockFile)),
      inputDigest: plan.lock.kind === "uv" ? uvLockInputDigest(plan.root) : compiledInputDigest,
      lockSource: plan.lock.kind === "converted" ? plan.lock.from : null,
      groups:
        groups && uvGroupsInputDigest
          ? {
              file: groups.lock,
              digest: sha256File(join(plan.root, groups.lock)),
              inputDigest: uvGroupsInputDigest,
            }
          : null,
      checksum: environmentChecksum(state),
      python: state.python,
      languages: runtimeVersions,
      ...(inferred ? { inferred: inferred.names } : {}),
      tools: toolVersions,
    };
    backup.remember(".dhtconfig");
    const request = recordActualPython ? { ...plan, recordPython: state.python.version } : plan;
    return writeDhtConfig(plan.root, nextDhtConfig(ctx.existingConfig, request, built, ctx.platform));
  };

  try {
    for (const [index, step] of plan.steps.entries()) {
      const done = ctx.out.step(describeStep(step));
      const outcome = await perform(step, plan.steps[index + 1]);
      done(outcome);
    }
  } catch (error) {
    // Read before the restore: the lock being installed names the version that failed to build.
    const explained = await explainBuildOn(error, plan, envPath, uv);
    if (envPath && !swapped) discardEnvironment(plan.root, envPath);
    if (!swapped) backup.restore();
    throw explainWithShortfall(explained, shortfall);
  }
  backup.commit();
  const finalEnv = envPath ?? currentEnvironmentPath(plan.root);
  const state = stateOf(finalEnv);
  return {
    python: state.python,
    ...(toolsInstalled ? { tools: toolsInstalled } : {}),
    packages: state.packages.length,
    checksum: environmentChecksum(state),
    configWritten,
    seconds: (Date.now() - started) / 1000,
    componentFailures,
    inferred: inferred?.names ?? ctx.existingConfig?.inferred ?? [],
    missingImports,
  };
}

/** The inferred name uv could not find on the index, when that is why the compile failed. */
function missingFromIndex(error: unknown, inferredRequirements: string[]): string | null {
  if (!(error instanceof DhtlError)) return null;
  const explained = explainUvFailure(error.message);
  const name = explained?.kind === "notFound" && explained.package ? normalizeName(explained.package) : null;
  const inferred = inferredRequirements.map((requirement) =>
    normalizeName(/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement)?.[0] ?? requirement),
  );
  return name && inferred.includes(name) ? name : null;
}

function importsOf(step: Extract<Step, { kind: "inferRequirements" }>, name: string): string {
  const candidate = step.candidates.find((c) => c.name === name);
  return candidate
    ? `import ${candidate.imports.join(", ")} in ${candidate.files.slice(0, 3).join(", ")}`
    : name;
}

function componentFailure(
  step: Extract<Step, { kind: "installComponent" }>,
  error: DhtlError,
): ComponentFailure {
  return { language: step.language, dir: step.dir, message: error.message, hint: error.hint ?? null };
}

/** `uv python install`; when uv cannot, the planned fallback (with its warning), else an error listing what is installed. */
async function installPythonOrFallBack(
  target: Pick<BuildTarget, "root" | "uv">,
  step: Extract<Step, { kind: "installPython" }>,
  out: Output,
): Promise<{ path: string; fellBack: boolean }> {
  const { version, installed } = step;
  try {
    return { path: await installPython(target, version), fellBack: false };
  } catch (error) {
    if (step.fallback) {
      out.warn(`warning: ${step.fallback.warning}`);
      return { path: step.fallback.interpreter.path, fellBack: true };
    }
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

/** Stops before the swap when the new environment is not what its packages say (see newEnvironmentProblems). */
function refuseUnsoundEnvironment(envPath: string, modifiedFiles: string[] | null): void {
  const problems = newEnvironmentProblems(envPath, modifiedFiles);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).join("; ");
  throw new DhtlError(
    "toolFailed",
    `the new environment is not what its packages install (${problems.length} problem${problems.length === 1 ? "" : "s"}: ${shown}); .venv was left as it was`,
    { hint: "uv's cache may hold a damaged file: run `uv cache clean`, then retry" },
  );
}

/** The files a clone needs to rebuild this environment: the lock, what it was compiled from, the record. */
function recordedFiles(plan: Plan): string[] {
  const files = [".dhtconfig", plan.lock.file];
  if (plan.lock.kind === "compiled") {
    files.push(plan.lock.input);
    if (plan.lock.constraints) files.push(plan.lock.constraints);
  }
  for (const step of plan.steps)
    if (step.kind === "lockRuntime" || step.kind === "installRuntime") files.push(step.lockFile);
  return files;
}

/** Best effort: the environment is live either way; without the record the cd hook just asks for `dhtl allow`. */
function allowOrWarn(root: string, out: Output): void {
  try {
    allowActivation(root);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    out.warn(
      `warning: could not put the environment on the cd hook's allow list (${why}); run \`dhtl allow\``,
    );
  }
}

/** Writes a dhtl-owned project file (removing it when the content is empty), remembering the old one. */
function writeProjectFile(backup: FileBackup, root: string, relPath: string, content: string): void {
  backup.remember(relPath);
  if (content === "") {
    if (lexists(join(root, relPath))) removeProjectPath(root, relPath);
    return;
  }
  writeInsideProject(root, relPath, content);
}

/** A build failure explained by the Python version when that is its cause (run/explain-build.ts). */
async function explainBuildOn(
  error: unknown,
  plan: Plan,
  envPath: string | null,
  uv: UvRunner | null,
): Promise<unknown> {
  if (!envPath || !existsSync(join(envPath, "pyvenv.cfg"))) return error;
  try {
    const python = readVenvPython(envPath);
    return await explainBuildFailure(error, {
      root: plan.root,
      lockFile: plan.lock.file,
      python: {
        path: environmentPython(envPath),
        version: python.version,
        implementation: python.implementation,
      },
      knownGaps: plan.pythonGaps?.version === python.version ? plan.pythonGaps.gaps : [],
      uv,
    });
  } catch {
    return error;
  }
}
