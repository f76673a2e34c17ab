/**
 * `regenerate`: rebuild `.venv` from `.dhtconfig` and the lock alone (never re-resolving), unless the
 * environment already matches the record.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { planRegenerate, recordedPythonRequest } from "../plan/regenerate-plan.js";
import { platformKey, sha256File } from "../record/dhtconfig.js";
import { uvLockInputDigest } from "../record/lock-inputs.js";
import { executePlan } from "../run/execute.js";
import type { UvRunner } from "../run/install.js";
import { existingRuntimeLocks } from "../run/languages/index.js";
import { findInterpreterFor, uvRunner } from "../run/tools.js";
import { currentEnvironment } from "../run/venv.js";
import { describeDrift } from "../verify/drift.js";
import { validateEnvironment } from "../verify/validate.js";
import { type RecordedProject, refuseBrokenManifests, withRecordedProject } from "./project.js";
import type { BuildOutcome, BuildUi } from "./setup.js";
import { decideSystemPackages, withSystemPackages } from "./system-packages.js";

export interface RegenerateOptions {
  path: string;
  /** Rebuild even when the environment is valid. */
  force: boolean;
  dryRun: boolean;
}

export const NOTHING_TO_REGENERATE = {
  purpose: "regenerate from",
  hint: "run `dhtl setup` first to lock the project and record its environment",
};

export function regenerateProject(options: RegenerateOptions, ui: BuildUi): Promise<BuildOutcome> {
  // uv is needed unless the plan turns out empty: find it while the project is read.
  const likelyRebuild = options.force || currentEnvironment(resolve(options.path)).kind === "none";
  const uvReady = options.dryRun || !likelyRebuild ? null : uvRunner(ui.out);
  uvReady?.catch(() => {});
  return withRecordedProject(options.path, options.dryRun, NOTHING_TO_REGENERATE, (project) =>
    regenerateRecorded(project, options, ui, uvReady),
  );
}

/** Regenerates a project already opened (fix-env falls back to it inside its own session). */
export async function regenerateRecorded(
  { facts, recorded }: RecordedProject,
  options: Pick<RegenerateOptions, "force" | "dryRun">,
  ui: BuildUi,
  uvReady: Promise<UvRunner> | null = null,
): Promise<BuildOutcome> {
  refuseBrokenManifests(facts.diagnostics);
  const { force } = options;
  const lockPath = recorded.lock ? join(facts.root, recorded.lock.file) : null;
  const environmentValid =
    force || currentEnvironment(facts.root).kind === "none"
      ? null
      : await validateEnvironment(facts.root, { quick: false }).then(
          (report) => report.ok,
          () => false,
        );
  const request = recordedPythonRequest(recorded, facts);
  const search =
    environmentValid === true && !force
      ? { interpreter: null, installed: [] }
      : await findInterpreterFor(request, { root: facts.root });
  const plan = await withSystemPackages(
    planRegenerate({
      facts,
      recorded,
      lockDigestNow: lockPath && existsSync(lockPath) ? sha256File(lockPath) : null,
      uvInputDigestNow: recorded.lock?.file === "uv.lock" ? uvLockInputDigest(facts.root) : null,
      interpreter: search.interpreter,
      installed: search.installed,
      platform: platformKey(),
      environmentValid,
      force,
      languages: {
        components: facts.components,
        existingRuntimeLocks: existingRuntimeLocks(facts.root),
      },
    }),
    facts.systemDependencies,
    recorded.systemPackages,
    // The lock stays as recorded: its wheels already tell which source builds are moot.
    search.interpreter,
  );
  if (options.dryRun) return { plan, result: null };
  const result = await executePlan(plan, {
    out: ui.out,
    getUv: () => uvReady ?? uvRunner(ui.out),
    platform: platformKey(),
    existingConfig: recorded,
    describeDrift: (envPath) => describeDrift(facts.root, envPath),
    decideSystemPackages: (step, build) => decideSystemPackages(step, build, ui),
  });
  return { plan, result };
}
