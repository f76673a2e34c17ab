/**
 * `regenerate`: rebuild `.venv` from `.dhtconfig` and the lock alone (never re-resolving), unless the
 * environment already matches the record.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { gitIgnoreRules } from "../facts/git-checkout.js";
import { projectReadContext } from "../facts/project-files.js";
import { PROJECT_LOCKS, type ProjectLockFile, projectLockDigest } from "../plan/project-lock.js";
import { planRegenerate, recordedPythonRequest } from "../plan/regenerate-plan.js";
import { platformKey, sha256File } from "../record/dhtconfig.js";
import { uvLockInputDigest } from "../record/lock-inputs.js";
import { executePlan } from "../run/execute.js";
import type { UvRunner } from "../run/install.js";
import { existingRuntimeLocks } from "../run/languages/index.js";
import { findInterpreterFor, uvRunner } from "../run/tools.js";
import { currentEnvironment } from "../run/venv.js";
import { describeDrift, onlyToolDrift } from "../verify/drift.js";
import { validateEnvironment } from "../verify/validate.js";
import { installGitHooks, withRecordedTools } from "./dev-tools.js";
import { mainManifestLabel } from "./manifest-layout.js";
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
  const likelyRebuild = options.force || currentEnvironment(resolve(options.path)).kind !== "managed";
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
  const report =
    // Only an environment dhtl built here can be "already valid": a checkout can commit one that matches.
    force || currentEnvironment(facts.root).kind !== "managed"
      ? null
      : await validateEnvironment(facts.root, { quick: false }).catch(() => undefined);
  // Dev tools alone are installed beside a valid environment, not a reason to rebuild it.
  const environmentValid =
    report === null ? null : report !== undefined && (report.ok || onlyToolDrift(report));
  const lockMissing = lockPath !== null && !existsSync(lockPath);
  const request = recordedPythonRequest(recorded, facts);
  const search =
    environmentValid === true && !force
      ? { interpreter: null, installed: [] }
      : await findInterpreterFor(request, { root: facts.root });
  const built = await withSystemPackages(
    planRegenerate({
      facts,
      recorded,
      lockDigestNow: lockPath && !lockMissing ? sha256File(lockPath) : null,
      missingLockIgnoredBy:
        lockMissing && recorded.lock
          ? ((await gitIgnoreRules(facts.root, [recorded.lock.file]))?.get(recorded.lock.file) ?? null)
          : null,
      uvInputDigestNow: recorded.lock?.file === "uv.lock" ? uvLockInputDigest(facts.root) : null,
      projectLockDigestNow: recorded.lock?.source
        ? sourceLockDigest(facts.root, recorded.lock.source, recorded.extras ?? [])
        : null,
      uvGroupsLockDigestNow: digestIfExists(facts.root, recorded.lock?.groups?.file),
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
  const plan = withRecordedTools(built, recorded.tools, report?.drift.tools ?? null);
  if (options.dryRun) return { plan, result: null };
  const result = await executePlan(plan, {
    out: ui.out,
    getUv: () => uvReady ?? uvRunner(ui.out),
    platform: platformKey(),
    existingConfig: recorded,
    describeDrift: (envPath) => describeDrift(facts.root, envPath),
    decideSystemPackages: (step, build) => decideSystemPackages(step, build, ui),
    allowActivation: ui.allowActivation ?? true,
    pipManifest: mainManifestLabel(facts),
  });
  return { plan, result, gitHooks: await installGitHooks(facts.root, ui, { dryRun: false }) };
}

/** The digest of the project lock a converted lock was made from, as it is now; null when it is gone. */
export function sourceLockDigest(root: string, source: string, extras: string[]): string | null {
  const file = PROJECT_LOCKS.find((name) => name === source) as ProjectLockFile | undefined;
  if (!file || !existsSync(join(root, file))) return null;
  const text = projectReadContext(root).readFile(file, { file, line: null }).text;
  return projectLockDigest({ file, text }, extras);
}

/** sha256 of a project file, or null when it is missing or not recorded at all. */
function digestIfExists(root: string, file: string | undefined): string | null {
  if (!file) return null;
  const path = join(root, file);
  return existsSync(path) ? sha256File(path) : null;
}
