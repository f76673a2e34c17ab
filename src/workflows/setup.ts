/**
 * `setup`: collect the project, plan the build from its manifests (lock, install, record), then carry
 * the plan out — or stop after planning on a dry run.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Output } from "../core/output.js";
import { collectProject } from "../facts/collect.js";
import { localRequirements } from "../facts/local-requirements.js";
import { findProjectRoot } from "../facts/root.js";
import { hasPythonManifest } from "../facts/subprojects.js";
import { chooseExtras } from "../plan/extras.js";
import { planSetup, pythonRequestOf } from "../plan/setup-plan.js";
import { platformKey, readDhtConfig } from "../record/dhtconfig.js";
import { type ExecuteResult, executePlan } from "../run/execute.js";
import { existingRuntimeLocks } from "../run/languages/index.js";
import type { Plan } from "../run/steps.js";
import { findInterpreterFor, startInterpreterDiscovery, uvRunner } from "../run/tools.js";
import { inferredDecider, inferredInputsFor } from "./inferred.js";
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
  dryRun: boolean;
  /**
   * False (`--no-infer`): install only what the manifests declare, even when the code imports more
   * (reported, never installed). Default: what the code imports is checked and, with consent, inferred.
   */
  infer?: boolean;
}

export async function setupProject(options: SetupOptions, ui: BuildUi): Promise<BuildOutcome> {
  // Finding uv and probing interpreters both spawn processes: let them overlap with reading the project.
  const uvReady = options.dryRun ? null : uvRunner(ui.out);
  uvReady?.catch(() => {});
  const discovered = startInterpreterDiscovery();
  // Settle what a killed run left (and keep other runs out) before reading the project: a dry run only reads.
  return inProject(options.path, { dryRun: options.dryRun, announce: announceTo(ui) }, async (root) => {
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
        inferred: await inferring,
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
      decideInferred: inferredDecider(facts.project, extras, ui, options.infer !== false),
      allowActivation: ui.allowActivation ?? true,
    });
    return { plan, result };
  });
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
