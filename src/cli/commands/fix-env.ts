import {
  type InstalledDistribution,
  readInstalledDistributions,
  sitePackagesDirs,
} from "../../python/dist-info.js";
import type { ValidationReport } from "../../verify/validate.js";
import { type CommandContext, type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { withJsonErrors } from "./setup.js";

export const fixEnvCommand: CommandSpec = {
  name: "fix-env",
  summary: "repair drift in .venv with the smallest change that restores the recorded state",
  args: "[path]",
  options: [
    { flags: "--force", description: "rebuild the whole environment (regenerate --force)" },
    yesOption,
    dryRunOption,
    jsonOption,
  ],
  help: [
    "Removes extra packages, installs missing ones and reinstalls changed or modified ones (pinned by the",
    "lock), on a copy of .venv that replaces it only once it validates.",
    "",
    "Examples:",
    "  dhtl fix-env",
    "  dhtl fix-env --dry-run --json",
  ].join("\n"),
  run: (ctx: CommandContext): Promise<number> =>
    withJsonErrors(ctx, async () => {
      const { DhtlError } = await import("../../core/errors.js");
      const { planFix } = await import("../../plan/fix-plan.js");
      const { platformKey } = await import("../../record/dhtconfig.js");
      const { validateEnvironment } = await import("../../verify/validate.js");
      const { executePlan } = await import("../../run/execute.js");
      const { existingRuntimeLocks } = await import("../../run/languages/index.js");
      const { consentFrom } = await import("../../run/system-step.js");
      const { withSystemPackages } = await import("../../workflows/system-packages.js");
      const { uvRunner } = await import("../../run/tools.js");
      const { currentEnvironment } = await import("../../run/venv.js");
      const { printOutcome, printPlan, progressOutput } = await import("./setup.js");
      const { regenerateCommand } = await import("./regenerate.js");
      const { formatDrift } = await import("../../verify/drift.js");
      const { withRecordedProject } = await import("./recorded-project.js");

      const regenerate = () => regenerateCommand.run({ ...ctx, options: { ...ctx.options, force: true } });
      const missing = { purpose: "repair towards", hint: "run `dhtl setup` first" };
      return withRecordedProject(ctx, missing, async ({ facts, recorded }) => {
        const current = currentEnvironment(facts.root);
        // Only an environment dhtl built is repaired in place; anything else (or --force) is rebuilt whole.
        if (ctx.options.force || current.kind !== "managed") return regenerate();
        const report = await validateEnvironment(facts.root, { quick: false });
        const fix = planFix({
          facts,
          recorded,
          drift: report.drift,
          modifiedOwners: ownersOf(current.path, report.drift.modifiedFiles),
          pythonMatches: pythonMatches(report),
          runtimeLocks: existingRuntimeLocks(facts.root),
        });
        if (!fix || (fix.upToDate && !report.ok)) return regenerate();
        const plan = await withSystemPackages(fix, facts.systemDependencies, recorded.systemPackages);
        if (ctx.options.dryRun) return printPlan(ctx, plan);
        const result = await executePlan(plan, {
          out: progressOutput(ctx),
          getUv: () => uvRunner(progressOutput(ctx)),
          platform: platformKey(),
          existingConfig: recorded,
          consent: consentFrom(ctx.options.yes),
          validateStaged: async (envPath) => {
            const after = await validateEnvironment(facts.root, { quick: false, venvPath: envPath });
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
        if (!ctx.options.json && !plan.upToDate) ctx.out.line(`repaired: ${formatDrift(report)}`);
        printOutcome(ctx, plan, result);
        return 0;
      });
    }),
};

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
