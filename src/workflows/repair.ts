/**
 * `fix-env`: repair drift in `.venv` with the smallest change that restores the recorded state, on a
 * copy that replaces `.venv` only once it validates. An environment dhtl did not build, a Python
 * mismatch or `--force` rebuilds it whole (regenerate).
 */
import { DhtlError } from "../core/errors.js";
import { planFix } from "../plan/fix-plan.js";
import {
  type InstalledDistribution,
  readInstalledDistributions,
  sitePackagesDirs,
} from "../python/dist-info.js";
import { platformKey } from "../record/dhtconfig.js";
import { executePlan } from "../run/execute.js";
import { existingRuntimeLocks } from "../run/languages/index.js";
import { uvRunner } from "../run/tools.js";
import { currentEnvironment } from "../run/venv.js";
import { formatDrift, onlyToolDrift } from "../verify/drift.js";
import { type ValidationReport, validateEnvironment } from "../verify/validate.js";
import { withRecordedTools } from "./dev-tools.js";
import { mainManifestLabel } from "./manifest-layout.js";
import { withRecordedProject } from "./project.js";
import { regenerateRecorded } from "./regenerate.js";
import type { BuildOutcome, BuildUi } from "./setup.js";
import { decideSystemPackages, withSystemPackages } from "./system-packages.js";

export interface RepairOptions {
  path: string;
  /** Rebuild the whole environment (regenerate --force). */
  force: boolean;
  dryRun: boolean;
}

export interface RepairOutcome extends BuildOutcome {
  /** What the repair restored (`extra x; missing y`); null when it rebuilt or changed nothing. */
  repaired: string | null;
}

export function repairProject(options: RepairOptions, ui: BuildUi): Promise<RepairOutcome> {
  const missing = { purpose: "repair towards", hint: "run `dhtl setup` first" };
  return withRecordedProject(options.path, options.dryRun, missing, async (project) => {
    const { facts, recorded } = project;
    const regenerate = async (): Promise<RepairOutcome> => ({
      ...(await regenerateRecorded(project, { force: true, dryRun: options.dryRun }, ui)),
      repaired: null,
    });
    const current = currentEnvironment(facts.root);
    // Only an environment dhtl built is repaired in place; anything else (or --force) is rebuilt whole.
    if (options.force || current.kind !== "managed") return regenerate();
    const report = await validateEnvironment(facts.root, { quick: false });
    // A replaced interpreter or a planted start-up hook is not repaired file by file: rebuilt whole.
    if (report.drift.environment.length > 0) return regenerate();
    const fix = planFix({
      facts,
      recorded,
      drift: report.drift,
      modifiedOwners: ownersOf(current.path, report.drift.modifiedFiles),
      pythonMatches: pythonMatches(report),
      runtimeLocks: existingRuntimeLocks(facts.root),
    });
    if (!fix || (fix.upToDate && !report.ok && !onlyToolDrift(report))) return regenerate();
    const plan = withRecordedTools(
      await withSystemPackages(fix, facts.systemDependencies, recorded.systemPackages),
      recorded.tools,
      report.drift.tools,
    );
    if (options.dryRun) return { plan, result: null, repaired: null };
    const result = await executePlan(plan, {
      out: ui.out,
      getUv: () => uvRunner(ui.out),
      platform: platformKey(),
      existingConfig: recorded,
      decideSystemPackages: (step, build) => decideSystemPackages(step, build, ui),
      allowActivation: ui.allowActivation ?? true,
      pipManifest: mainManifestLabel(facts),
      validateStaged: async (envPath, modifiedFiles) => {
        const after = await validateEnvironment(facts.root, {
          quick: false,
          venvPath: envPath,
          ...(modifiedFiles ? { modifiedFiles } : {}),
        });
        if (!after.ok) {
          throw new DhtlError(
            "drift",
            `the repair did not restore the recorded state: ${formatDrift(after)}`,
            {
              hint: "run `dhtl fix-env --force` to rebuild the environment from the lock",
            },
          );
        }
      },
    });
    return { plan, result, repaired: plan.upToDate ? null : formatDrift(report) };
  });
}

function pythonMatches(report: ValidationReport): boolean {
  const { expected, actual } = report.python;
  return expected === null || actual === expected || (actual?.startsWith(`${expected}.`) ?? false);
}

/** Normalised names of the distributions whose RECORD lists a modified file. */
function ownersOf(envPath: string, modifiedFiles: string[]): string[] {
  if (modifiedFiles.length === 0) return [];
  const wanted = new Set(modifiedFiles);
  const owners = new Set<string>();
  for (const dist of installedDistributions(envPath)) {
    if (dist.record.some((row) => wanted.has(row.path))) owners.add(dist.normalized);
  }
  return [...owners].sort();
}

function installedDistributions(envPath: string): InstalledDistribution[] {
  return sitePackagesDirs(envPath).flatMap((site) => readInstalledDistributions(site));
}
