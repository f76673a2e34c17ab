import { type CommandContext, type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { withJsonErrors } from "./setup.js";

export const regenerateCommand: CommandSpec = {
  name: "regenerate",
  summary: "rebuild .venv from .dhtconfig and the lock alone (no re-resolution)",
  args: "[path]",
  options: [
    { flags: "--force", description: "rebuild even when the environment is valid" },
    yesOption,
    dryRunOption,
    jsonOption,
  ],
  help: [
    "A lock that no longer matches the manifests is reported as stale (exit 1), never re-resolved.",
    "After a rebuild the environment checksum equals the one recorded for this platform.",
    "",
    "Examples:",
    "  dhtl regenerate",
    "  dhtl regenerate --force --yes",
  ].join("\n"),
  run: (ctx: CommandContext): Promise<number> =>
    withJsonErrors(ctx, async () => {
      const { existsSync } = await import("node:fs");
      const { join, resolve } = await import("node:path");
      const { planRegenerate, recordedPythonRequest } = await import("../../plan/regenerate-plan.js");
      const { platformKey, sha256File } = await import("../../record/dhtconfig.js");
      const { uvLockInputDigest } = await import("../../record/lock-inputs.js");
      const { validateEnvironment } = await import("../../verify/validate.js");
      const { executePlan } = await import("../../run/execute.js");
      const { existingRuntimeLocks } = await import("../../run/languages/index.js");
      const { consentFrom } = await import("../../run/system-step.js");
      const { withSystemPackages } = await import("../../workflows/system-packages.js");
      const { findInterpreterFor, uvRunner } = await import("../../run/tools.js");
      const { currentEnvironment } = await import("../../run/venv.js");
      const { printOutcome, printPlan, progressOutput, refuseBrokenManifests } = await import("./setup.js");
      const { describeDrift } = await import("../../verify/drift.js");
      const { withRecordedProject } = await import("./recorded-project.js");

      // uv is needed unless the plan turns out empty: find it while the project is read.
      const force = Boolean(ctx.options.force);
      const likelyRebuild = force || currentEnvironment(resolve(ctx.args[0] ?? ".")).kind === "none";
      const uvReady = ctx.options.dryRun || !likelyRebuild ? null : uvRunner(progressOutput(ctx));
      uvReady?.catch(() => {});
      const missing = {
        purpose: "regenerate from",
        hint: "run `dhtl setup` first to lock the project and record its environment",
      };
      return withRecordedProject(ctx, missing, async ({ facts, recorded }) => {
        refuseBrokenManifests(facts.diagnostics);
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
        if (ctx.options.dryRun) return printPlan(ctx, plan);
        const result = await executePlan(plan, {
          out: progressOutput(ctx),
          getUv: () => uvReady ?? uvRunner(progressOutput(ctx)),
          platform: platformKey(),
          existingConfig: recorded,
          describeDrift: (envPath) => describeDrift(facts.root, envPath),
          consent: consentFrom(ctx.options.yes),
        });
        printOutcome(ctx, plan, result);
        return 0;
      });
    }),
};
