/**
 * `setup`: collect the project, plan the build from its manifests (lock, install, record), then carry
 * the plan out — or stop after planning on a dry run.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Output } from "../core/output.js";
import { collectProject } from "../facts/collect.js";
import { chooseExtras } from "../plan/extras.js";
import { planSetup, pythonRequestOf } from "../plan/setup-plan.js";
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
    const plan = await withSystemPackages(
      planSetup({
        facts,
        interpreter: search.interpreter,
        installed: search.installed,
        uvLockExists: existsSync(join(root, "uv.lock")),
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
    });
    return { plan, result };
  });
}
