/**
 * `setup`: collect the project, plan the build from its manifests (lock, install, record), then carry
 * the plan out — or stop after planning on a dry run.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import type { Output } from "../core/output.js";
import { collectProject } from "../facts/collect.js";
import { lastCommitDate } from "../facts/git-checkout.js";
import { localRequirements } from "../facts/local-requirements.js";
import { findProjectRoot } from "../facts/root.js";
import { hasPythonManifest } from "../facts/subprojects.js";
import type { ProjectModel } from "../facts/types.js";
import { parseAsOf } from "../plan/as-of.js";
import { chooseExtras } from "../plan/extras.js";
import { minorOf } from "../plan/interpreter-choice.js";
import { projectLockFileOf } from "../plan/project-lock.js";
import { planSetup, type SetupPlanInputs } from "../plan/setup-plan.js";
import { UV_GROUPS_LOCK } from "../plan/uv-groups.js";
import { platformKey, readDhtConfig } from "../record/dhtconfig.js";
import { type ExecuteResult, executePlan } from "../run/execute.js";
import { existingRuntimeLocks } from "../run/languages/index.js";
import type { Plan } from "../run/steps.js";
import { startInterpreterDiscovery, uvRunner } from "../run/tools.js";
import { type GitHooksOutcome, installGitHooks, withSetupTools } from "./dev-tools.js";
import { inferredDecider, inferredInputsFor } from "./inferred.js";
import { choosePython, explicitPython } from "./interpreter.js";
import { mainManifestLabel } from "./manifest-layout.js";
import { refuseBrokenManifests } from "./project.js";
import { eraOf, firstLine, projectDateOnce, resolutionFor } from "./resolution.js";
import {
  convertLock,
  narrowedRange,
  pipenvSeed,
  probeRequirements,
  readProjectLock,
  recordedNarrowLock,
  vanishedPin,
  warningsOf,
  wheelLock,
} from "./setup-locks.js";
import { decideSystemPackages, type SystemPackagesConsent, withSystemPackages } from "./system-packages.js";
import { inEditedProject, type ProjectEdit } from "./transaction.js";

/** What a build workflow needs from whoever runs it: where progress goes, and who may say yes. */
export interface BuildUi {
  /** Progress steps and warnings (a `--json` caller silences the steps). */
  out: Output;
  consent: SystemPackagesConsent;
  /** Put the environment built on the cd hook's allow list (run/hooks/allow.ts); `dhtl clone` says no. */
  allowActivation?: boolean;
}

/** A build workflow's answer: the plan, and what carrying it out did (null on a dry run). */
export interface BuildOutcome {
  plan: Plan;
  result: ExecuteResult | null;
  /** The project's pre-commit hooks (null: no `.pre-commit-config.yaml` at the top of a git work tree). */
  gitHooks?: GitHooksOutcome | null;
}

export interface SetupOptions {
  path: string;
  /** `--extras a,b` ("" for none); undefined: keep what `.dhtconfig` records. */
  extras?: string;
  allExtras: boolean;
  /** `--as-of DATE|commit|none`; undefined: keep what `.dhtconfig` records, or decide (plan/as-of.ts). */
  asOf?: string;
  dryRun: boolean;
  /** `--python VERSION|PATH`: use that interpreter (recorded). */
  python?: string;
  /** `--upgrade`: re-resolve instead of installing the project's lock as it pins. */
  upgrade?: boolean;
  /**
   * False (`--no-infer`): install only what the manifests declare, even when the code imports more
   * (reported, never installed). Default: what the code imports is checked and, with consent, inferred.
   */
  infer?: boolean;
  /** Changes the project's files first, in the same transaction (`dhtl add`/`remove`: workflows/transaction.ts). */
  edit?: ProjectEdit;
}

export async function setupProject(options: SetupOptions, ui: BuildUi): Promise<BuildOutcome> {
  // Finding uv and probing interpreters both spawn processes: let them overlap with reading the project.
  const uvReady = options.dryRun ? null : uvRunner(ui.out);
  uvReady?.catch(() => {});
  let uvForProbes: ReturnType<typeof uvRunner> | null = uvReady;
  const getUv = () => {
    uvForProbes ??= uvRunner(ui.out);
    return uvForProbes;
  };
  const discovered = startInterpreterDiscovery();
  // Settle what a killed run left (and keep other runs out) before reading the project: a dry run only reads.
  return inEditedProject(
    options.path,
    { dryRun: options.dryRun, announce: announceTo(ui) },
    options.edit,
    async (root, transaction) => {
      const facts = collectProject(root);
      refuseBrokenManifests(facts.diagnostics);
      // Local directories are installed, never dropped; what cannot be (outside, missing, file: URLs) stops here.
      localRequirements(root, facts.project);
      const existingConfig = readDhtConfig(root);
      // The import scan reads every source file: it overlaps with the interpreter search.
      // `--no-infer` still looks (to report), but keeps nothing recorded and adds nothing.
      const inferring = inferredInputsFor(
        facts,
        options.infer === false ? [] : (existingConfig?.inferred ?? []),
      );
      inferring.catch(() => {});
      const { extras, dropped, defaults } = chooseExtras(
        facts.project,
        { extras: options.extras, allExtras: options.allExtras },
        existingConfig?.extras,
      );
      if (dropped.length > 0)
        ui.out.warn(`warning: the project no longer declares the recorded extras ${dropped.join(", ")}`);
      for (const [why, names] of byReason(defaults))
        ui.out.warn(
          `note: installing the extra${names.length > 1 ? "s" : ""} ${names.join(", ")} by default: ${why} (\`--extras\` chooses others)`,
        );
      const uvLockExists = existsSync(join(root, "uv.lock"));
      const projectLock = options.upgrade || uvLockExists ? null : readProjectLock(root, facts);
      if (options.upgrade && !uvLockExists) {
        const lockFile = projectLockFileOf(facts.project.sources.map((source) => source.file));
        if (lockFile)
          ui.out.warn(`note: --upgrade: re-resolving instead of installing ${lockFile} as it pins`);
      }
      const requested = options.python ?? existingConfig?.python?.requested;
      const explicit = requested
        ? await explicitPython(
            requested,
            root,
            options.python ? "--python" : ".dhtconfig (from setup --python)",
          )
        : null;
      const interpreters = await discovered;
      const asOf = options.asOf === undefined ? undefined : parseAsOf(options.asOf);
      const projectDate = projectDateOnce(facts);
      const dating = {
        request: asOf,
        recorded: existingConfig?.lock?.excludeNewer,
        uvLockExists,
        projectDate,
      };
      const choice = await choosePython({
        facts,
        interpreters,
        explicit,
        recorded: existingConfig?.python?.version ?? null,
        lock: wheelLock(root, uvLockExists, projectLock),
        probe: probeRequirements(facts, projectLock, extras, uvLockExists),
        era: explicit ? null : await eraOf(facts, dating),
        uv: getUv,
        warn: (message) => ui.out.warn(message),
      });
      for (const warning of warningsOf(choice.plan)) ui.out.warn(`warning: ${warning}`);
      // Asked once, when first needed: pipenv's setuptools is pinned as of it, and an old lock builds with
      // the tools of its time.
      let lockDatePromise: Promise<string | null> | null = null;
      const knownLockDate = projectLock
        ? {
            file: projectLock.file,
            date: () => (lockDatePromise ??= lastCommitDate(root, [projectLock.file])),
          }
        : undefined;
      const seeded =
        projectLock && knownLockDate
          ? await pipenvSeed(projectLock, knownLockDate.date, choice.plan, getUv, (message) =>
              ui.out.warn(message),
            )
          : [];
      const converted = projectLock ? convertLock(facts, projectLock, extras, choice.plan, seeded) : null;
      if (converted?.kind === "convert" && converted.seeded.length > 0)
        ui.out.warn(
          `note: adding ${converted.seeded.join(", ")} to what ${converted.from} pins: pipenv's environments always had it, and code of that time imports pkg_resources`,
        );
      if (converted?.kind === "convert" && converted.uncovered.length > 0)
        ui.out.warn(
          `note: ${converted.from} does not cover the groups ${converted.uncovered.join(", ")}: they are not installed (\`dhtl setup --upgrade\` re-resolves everything)`,
        );
      if (converted?.kind === "reresolve")
        ui.out.warn(
          `note: ${converted.reason}: re-resolving instead of installing ${converted.from} as it pins`,
        );
      const narrowLock = options.upgrade
        ? null
        : recordedNarrowLock(facts, existingConfig, uvLockExists, converted);
      if (narrowLock)
        ui.out.warn(
          `note: locking for Python ${narrowLock} only, as .dhtconfig records (the project's whole range cannot be resolved)`,
        );
      const chosenVersion =
        choice.plan.kind === "use"
          ? choice.plan.decision.interpreter.version
          : (choice.plan.fallback?.interpreter.version ?? choice.plan.version);
      const resolution = await resolutionFor(facts, {
        ...dating,
        python: minorOf(chosenVersion),
        knownLockDate,
      });
      if (resolution) ui.out.warn(`note: resolving as of ${resolution.excludeNewer}: ${resolution.reason}`);
      const automaticResolution = options.asOf === undefined && !existingConfig?.lock?.excludeNewer;
      const inferred = await inferring;
      const planInputs = (narrow: string | null): SetupPlanInputs => ({
        facts,
        interpreter: null,
        installed: [...new Set(interpreters.map((found) => `${found.implementation}-${found.version}`))],
        uvLockExists,
        uvGroupsLockExists: existsSync(join(root, UV_GROUPS_LOCK)),
        extras,
        inferred,
        resolution,
        freshLock: (resolution?.excludeNewer ?? null) !== (existingConfig?.lock?.excludeNewer ?? null),
        languages: {
          components: facts.components,
          existingRuntimeLocks: existingRuntimeLocks(root),
          recordedLanguages: existingConfig?.languages,
        },
        python: choice.plan,
        projectLock: converted,
        narrowLock: narrow,
        upgrade: options.upgrade ?? false,
        requestedPython:
          explicit?.kind === "version" ? explicit.value : explicit ? explicit.interpreter.version : null,
      });
      // The dev tools the project runs without declaring them: installed isolated (uv tool) and recorded.
      const withTools = (built: Plan) => withSetupTools(built, facts.project, existingConfig?.tools, ui.out);
      const plan = async (inputs: SetupPlanInputs) =>
        withTools(
          await withSystemPackages(
            planSetup(inputs),
            facts.systemDependencies,
            existingConfig?.systemPackages,
          ),
        );
      const first = await plan(planInputs(narrowLock));
      // uv projects are installed by `uv sync` (editable unless `package = false`).
      const install = first.projectInstall;
      if (install && shouldSayProjectInstall(install, first.lock.kind, facts.project))
        ui.out.warn(`note: the project itself is ${install.reason}`);
      if (options.dryRun) return { plan: first, result: null };
      const execute = (planned: Plan) =>
        executePlan(planned, {
          out: ui.out,
          getUv,
          platform: platformKey(),
          existingConfig,
          decideSystemPackages: (step, build) => decideSystemPackages(step, build, ui),
          decideInferred: inferredDecider(facts.project, extras, ui, options.infer !== false),
          allowActivation: ui.allowActivation ?? true,
          pipManifest: mainManifestLabel(facts),
          backup: transaction.forBuild(),
        });
      const built = await buildWithRetries();
      return { ...built, gitHooks: await installGitHooks(root, ui, { dryRun: false }) };

      /**
       * The date was dhtl's guess, not the user's: releases of the project's time that do not build on the
       * chosen Python are no reason to fail. Today's releases, then, and say so; null when that does not apply.
       */
      async function todayInstead(
        error: unknown,
        overrides: Partial<SetupPlanInputs>,
      ): Promise<BuildOutcome | null> {
        if (
          !resolution ||
          !automaticResolution ||
          !(error instanceof DhtlError) ||
          error.code !== "toolFailed"
        )
          return null;
        ui.out.warn(
          `note: resolving as of ${resolution.excludeNewer} failed (${firstLine(error.message)}); resolving today's releases instead (\`--as-of\` chooses a date)`,
        );
        const today = await plan({
          ...planInputs(narrowLock),
          ...overrides,
          resolution: null,
          freshLock: true,
        });
        transaction.redo();
        try {
          return { plan: today, result: await execute(today) };
        } catch (todayError) {
          // Today's releases may meet class 15 as the dated ones did (marshmallow: an extra pins a release
          // that needs a newer Python than requires-python, whatever the date).
          const narrow = narrowedRange(todayError, today, choice.plan);
          if (!narrow) throw todayError;
          return narrowedBuild(narrow, { ...overrides, resolution: null, freshLock: true });
        }
      }

      /**
       * Class 15: uv resolves every extra for every Python the project allows, and some extra cannot be
       * resolved for one of them. Lock for the chosen interpreter's range instead, and say so; releases of
       * an automatic date that then fail for another reason still give way to today's.
       */
      async function narrowedBuild(
        narrow: string,
        overrides: Partial<SetupPlanInputs>,
      ): Promise<BuildOutcome> {
        ui.out.warn(
          `note: uv cannot lock the project for every Python it allows (${facts.python.chosen?.value ?? "any"}); locking for Python ${narrow}, the chosen interpreter's range, instead (recorded in .dhtconfig)`,
        );
        const narrowed = await plan({ ...planInputs(narrow), ...overrides });
        transaction.redo();
        try {
          return { plan: narrowed, result: await execute(narrowed) };
        } catch (error) {
          const today =
            overrides.resolution === null
              ? null
              : await todayInstead(error, { ...overrides, narrowLock: narrow });
          if (!today) throw error;
          return today;
        }
      }

      async function buildWithRetries(): Promise<BuildOutcome> {
        try {
          return { plan: first, result: await execute(first) };
        } catch (error) {
          const gone = converted?.kind === "convert" ? vanishedPin(error) : null;
          if (gone && converted) {
            // A pin the index no longer serves (a yanked-and-deleted release): the lock cannot be installed as it is.
            const reason = `${converted.from} pins ${gone}, which the package index no longer has`;
            ui.out.warn(`note: ${reason}: re-resolving instead of installing ${converted.from} as it pins`);
            const retry = await plan({
              ...planInputs(null),
              projectLock: { kind: "reresolve", from: converted.from, reason },
            });
            // The failed build put the edited manifest back with its own files: edit it again.
            transaction.redo();
            try {
              return { plan: retry, result: await execute(retry) };
            } catch (retryError) {
              // Re-resolving as of the lock's time may fail too (codecov's releases of then are deleted).
              const today = await todayInstead(retryError, {
                projectLock: { kind: "reresolve", from: converted.from, reason },
              });
              if (!today) throw retryError;
              return today;
            }
          }
          // Class 15 before the date's fallback: today's releases cannot cure what the project's metadata says.
          const narrow = narrowedRange(error, first, choice.plan);
          if (narrow) return narrowedBuild(narrow, {});
          const today = await todayInstead(error, {});
          if (today) return today;
          throw error;
        }
      }
    },
  );
}

/** The default extras grouped by the reason they are installed, in order. */
function byReason(defaults: { extra: string; why: string }[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const found of defaults) grouped.set(found.why, [...(grouped.get(found.why) ?? []), found.extra]);
  return grouped;
}

/**
 * Whether setup says how the project itself is installed: when it is not installed editable, except where
 * uv installs it (uv projects) and where there is plainly nothing to build (no pyproject.toml at all).
 */
function shouldSayProjectInstall(
  install: NonNullable<Plan["projectInstall"]>,
  lock: Plan["lock"]["kind"],
  project: ProjectModel,
): boolean {
  if (install.mode === "editable") return false;
  if (install.mode === "regular") return lock !== "uv";
  return project.manifests.some((manifest) => manifest.details.pyproject !== undefined);
}

/** Says why the environment is built elsewhere than the directory given (a workspace, `backend/`). */
export function announceTo(ui: BuildUi): (note: string) => void {
  return (note) => ui.out.warn(note);
}

/** What `setup --all` did in one directory (root-relative, "." for the root): built, or why not. */
export type ProjectOutcome = { dir: string; outcome: BuildOutcome } | { dir: string; error: unknown };

/** Every Python project at and below `path` (`setup --all`), each in its own directory; one outcome each. */
export async function setupAllProjects(options: SetupOptions, ui: BuildUi): Promise<ProjectOutcome[]> {
  const root = findProjectRoot(options.path);
  const facts = collectProject(root);
  const nested = facts.subprojects.filter((subproject) => subproject.kind === "nested");
  const dirs = [
    ...(hasPythonManifest(facts.project) || nested.length === 0 ? ["."] : []),
    ...nested.map((subproject) => subproject.dir),
  ];
  const outcomes: ProjectOutcome[] = [];
  for (const dir of dirs) {
    if (dirs.length > 1) ui.out.warn(`setup --all: ${dir === "." ? "the root" : `${dir}/`}`);
    try {
      outcomes.push({ dir, outcome: await setupProject({ ...options, path: join(root, dir) }, ui) });
    } catch (error) {
      // One project failing does not stop the others: every one is reported, and the command fails at the end.
      outcomes.push({ dir, error });
    }
  }
  return outcomes;
}
