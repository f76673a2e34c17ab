/**
 * `setup`: collect the project, plan the build from its manifests (lock, install, record), then carry
 * the plan out — or stop after planning on a dry run.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Output } from "../core/output.js";
import { collectProject } from "../facts/collect.js";
import { lastCommitDate } from "../facts/git-checkout.js";
import { localRequirements } from "../facts/local-requirements.js";
import type { ProjectFacts } from "../facts/types.js";
import { chooseResolution, parseAsOf, type Resolution, type ResolutionInputs } from "../plan/as-of.js";
import { chooseExtras } from "../plan/extras.js";
import { chooseLockStrategy } from "../plan/lock-strategy.js";
import { minorOf, planSetup, pythonRequestOf } from "../plan/setup-plan.js";
import { platformKey, readDhtConfig } from "../record/dhtconfig.js";
import { type ExecuteResult, executePlan } from "../run/execute.js";
import { existingRuntimeLocks } from "../run/languages/index.js";
import type { Plan } from "../run/steps.js";
import { findInterpreterFor, startInterpreterDiscovery, uvRunner } from "../run/tools.js";
import { inProject, refuseBrokenManifests } from "./project.js";
import { decideSystemPackages, type SystemPackagesConsent, withSystemPackages } from "./system-packages.js";

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
}

export interface SetupOptions {
  path: string;
  /** `--extras a,b` ("" for none); undefined: keep what `.dhtconfig` records. */
  extras?: string;
  allExtras: boolean;
  /** `--as-of DATE|commit|none`; undefined: keep what `.dhtconfig` records, or decide (plan/as-of.ts). */
  asOf?: string;
  dryRun: boolean;
}

export async function setupProject(options: SetupOptions, ui: BuildUi): Promise<BuildOutcome> {
  // Finding uv and probing interpreters both spawn processes: let them overlap with reading the project.
  const uvReady = options.dryRun ? null : uvRunner(ui.out);
  uvReady?.catch(() => {});
  const discovered = startInterpreterDiscovery();
  // Settle what a killed run left (and keep other runs out) before reading the project: a dry run only reads.
  return inProject(options.path, options.dryRun, async (root) => {
    const facts = collectProject(root);
    refuseBrokenManifests(facts.diagnostics);
    // Local directories are installed, never dropped; what cannot be (outside, missing, file: URLs) stops here.
    localRequirements(root, facts.project);
    const existingConfig = readDhtConfig(root);
    const { extras, dropped } = chooseExtras(
      facts.project,
      { extras: options.extras, allExtras: options.allExtras },
      existingConfig?.extras,
    );
    if (dropped.length > 0)
      ui.out.warn(`warning: the project no longer declares the recorded extras ${dropped.join(", ")}`);
    const search = await findInterpreterFor(pythonRequestOf(facts), {
      discovered,
      prefer: existingConfig?.python?.version,
    });
    const uvLockExists = existsSync(join(root, "uv.lock"));
    const resolution = await resolutionFor(facts, {
      request: options.asOf === undefined ? undefined : parseAsOf(options.asOf),
      recorded: existingConfig?.lock?.excludeNewer,
      uvLockExists,
      python: search.interpreter ? minorOf(search.interpreter.version) : null,
    });
    if (resolution) ui.out.warn(`note: resolving as of ${resolution.excludeNewer}: ${resolution.reason}`);
    const plan = await withSystemPackages(
      planSetup({
        facts,
        interpreter: search.interpreter,
        installed: search.installed,
        uvLockExists,
        resolution,
        freshLock: (resolution?.excludeNewer ?? null) !== (existingConfig?.lock?.excludeNewer ?? null),
        extras,
        languages: {
          components: facts.components,
          existingRuntimeLocks: existingRuntimeLocks(root),
          recordedLanguages: existingConfig?.languages,
        },
      }),
      facts.systemDependencies,
      existingConfig?.systemPackages,
    );
    if (options.dryRun) return { plan, result: null };
    const result = await executePlan(plan, {
      out: ui.out,
      getUv: () => uvReady ?? uvRunner(ui.out),
      platform: platformKey(),
      existingConfig,
      decideSystemPackages: (step, build) => decideSystemPackages(step, build, ui),
      allowActivation: ui.allowActivation ?? true,
    });
    return { plan, result };
  });
}

/**
 * The time to resolve as of (plan/as-of.ts), asking git for the project's own date only when the
 * choice depends on it.
 */
async function resolutionFor(
  facts: ProjectFacts,
  inputs: Pick<ResolutionInputs, "request" | "recorded" | "python"> & { uvLockExists: boolean },
): Promise<Resolution | null> {
  const pinnedBy = versionsPinnedBy(facts, inputs.uvLockExists);
  const needsDate =
    inputs.request?.kind === "commit" || (!inputs.request && !inputs.recorded && pinnedBy === null);
  const projectDate = needsDate
    ? await lastCommitDate(
        facts.root,
        facts.project.sources.map((source) => source.file),
        ["**/*.py", "**/*.ipynb"],
      )
    : null;
  return chooseResolution({ ...inputs, pinnedBy, projectDate, now: new Date() });
}

/** The file that already pins the project's versions (a lock of any kind), or null. */
function versionsPinnedBy(facts: ProjectFacts, uvLockExists: boolean): string | null {
  const lock = chooseLockStrategy(facts.project, { uvLock: uvLockExists });
  if (lock.kind === "uv") return uvLockExists ? lock.file : null;
  if (lock.kind === "user-hashed" || existsSync(join(facts.root, lock.file))) return lock.file;
  return facts.project.locked[0]?.file ?? null;
}
