import type { Diagnostic } from "../../core/diagnostics.js";
import { DhtlError } from "../../core/errors.js";
import type { Output } from "../../core/output.js";
import type { ExecuteResult } from "../../run/execute.js";
import type { Plan } from "../../run/steps.js";
import { type CommandContext, type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";

export const setupCommand: CommandSpec = {
  name: "setup",
  summary: "create .venv from the project's manifests: lock, install, record .dhtconfig",
  args: "[path]",
  options: [
    {
      flags: "--extras <names>",
      description: "also install these optional-dependency extras (comma-separated; '' for none); recorded",
    },
    { flags: "--all-extras", description: "also install every extra the project declares; recorded" },
    yesOption,
    dryRunOption,
    jsonOption,
  ],
  help: [
    "Builds the environment beside the current .venv and swaps it in only when complete.",
    "uv projects are locked with uv.lock; any other project gets a dhtl-owned .dhtl/requirements.lock;",
    "your manifests are never modified. Every dependency group is installed; extras only when asked",
    "(the choice is recorded in .dhtconfig, so regenerate and later setups install them too).",
    "",
    "Examples:",
    "  dhtl setup",
    "  dhtl setup path/to/project --dry-run",
    "  dhtl setup --extras test,docs",
  ].join("\n"),
  run: (ctx: CommandContext): Promise<number> =>
    withJsonErrors(ctx, async () => {
      const { resolve } = await import("node:path");
      const { existsSync } = await import("node:fs");
      const { collectFacts } = await import("../../facts/collect.js");
      const { findProjectRoot } = await import("../../facts/root.js");
      const { planSetup, pythonRequestOf } = await import("../../plan/setup-plan.js");
      const { chooseExtras } = await import("../../plan/extras.js");
      const { findInterpreterFor, startInterpreterDiscovery, uvRunner } = await import("../../run/tools.js");
      const { executePlan } = await import("../../run/execute.js");
      const { existingRuntimeLocks } = await import("../../run/languages/index.js");
      const { consentFrom } = await import("../../run/system-step.js");
      const { withSystemPackages } = await import("../../workflows/system-packages.js");
      const { withProjectSession } = await import("../../run/session.js");
      const { platformKey, readDhtConfig } = await import("../../record/dhtconfig.js");

      // Finding uv and probing interpreters both spawn processes: let them overlap with reading the project.
      const uvReady = ctx.options.dryRun ? null : uvRunner(progressOutput(ctx));
      uvReady?.catch(() => {});
      const discovered = startInterpreterDiscovery();
      // Settle what a killed run left (and keep other runs out) before reading the project: a dry run only reads.
      const root = findProjectRoot(resolve(ctx.args[0] ?? "."));
      const inSession = <T>(work: () => Promise<T>): Promise<T> =>
        ctx.options.dryRun ? work() : withProjectSession(root, work);
      return inSession(async () => {
        const facts = await collectFacts(root, {
          machine: false,
          user: false,
          imports: false,
        });
        refuseBrokenManifests(facts.diagnostics);
        const existingConfig = readDhtConfig(facts.root);
        const { extras, dropped } = chooseExtras(
          facts.project,
          {
            extras: typeof ctx.options.extras === "string" ? ctx.options.extras : undefined,
            allExtras: ctx.options.allExtras === true,
          },
          existingConfig?.extras,
        );
        if (dropped.length > 0)
          ctx.out.warn(`warning: the project no longer declares the recorded extras ${dropped.join(", ")}`);
        const search = await findInterpreterFor(pythonRequestOf(facts), {
          discovered,
          prefer: existingConfig?.python?.version,
        });
        const plan = await withSystemPackages(
          planSetup({
            facts,
            interpreter: search.interpreter,
            installed: search.installed,
            uvLockExists: existsSync(resolve(facts.root, "uv.lock")),
            extras,
            languages: {
              components: facts.components,
              existingRuntimeLocks: existingRuntimeLocks(facts.root),
              recordedLanguages: existingConfig?.languages,
            },
          }),
          facts.systemDependencies,
          existingConfig?.systemPackages,
        );
        if (ctx.options.dryRun) return printPlan(ctx, plan);
        const result = await executePlan(plan, {
          out: progressOutput(ctx),
          getUv: () => uvReady ?? uvRunner(progressOutput(ctx)),
          platform: platformKey(),
          existingConfig,
          consent: consentFrom(ctx.options.yes),
        });
        printOutcome(ctx, plan, result);
        return 0;
      });
    }),
};

const reportedErrors = new WeakSet<object>();

/**
 * Under `--json`, a failure still prints one object on stdout (`{ok: false, error}`); the error then goes
 * on to the CLI, which prints it on stderr and exits with its code.
 */
export async function withJsonErrors(ctx: CommandContext, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (ctx.options.json && error instanceof DhtlError && !reportedErrors.has(error)) {
      reportedErrors.add(error);
      const { code, message, file, line, hint } = error;
      ctx.out.line(
        JSON.stringify({ ok: false, error: { code, exitCode: error.exitCode, message, file, line, hint } }),
      );
    }
    throw error;
  }
}

/** A manifest entry that could not be read would silently drop a dependency: stop before building. */
export function refuseBrokenManifests(diagnostics: Diagnostic[]): void {
  const broken = diagnostics.find((diagnostic) => diagnostic.severity === "error");
  if (broken) {
    throw new DhtlError("badInput", broken.message, {
      file: broken.file,
      line: broken.line ?? undefined,
      hint: "fix the manifest (see `dhtl analyze`), then run setup again",
    });
  }
}

/** `--json` keeps stdout for the one result object: progress goes quiet. */
export function progressOutput(ctx: CommandContext): Output {
  return ctx.options.json ? { ...ctx.out, step: () => () => {} } : ctx.out;
}

export async function printPlan(ctx: CommandContext, plan: Plan): Promise<number> {
  const { planToJson, renderPlan } = await import("../../plan/render.js");
  if (ctx.options.json) {
    ctx.out.line(
      JSON.stringify({
        ok: true,
        command: plan.command,
        dryRun: true,
        upToDate: plan.upToDate,
        lock: { file: plan.lock.file, kind: plan.lock.kind },
        plan: planToJson(plan),
      }),
    );
  } else {
    for (const line of renderPlan(plan)) ctx.out.line(line);
  }
  return 0;
}

export function printOutcome(ctx: CommandContext, plan: Plan, result: ExecuteResult): void {
  if (ctx.options.json) {
    ctx.out.line(
      JSON.stringify({
        ok: true,
        command: plan.command,
        upToDate: plan.upToDate,
        python: result.python,
        packages: result.packages,
        checksum: result.checksum,
        lock: { file: plan.lock.file, kind: plan.lock.kind },
        extras: plan.extras,
        dhtconfigWritten: result.configWritten,
        seconds: Number(result.seconds.toFixed(2)),
      }),
    );
    return;
  }
  if (ctx.out.quiet) return;
  const what = plan.upToDate ? "environment already valid" : "environment ready";
  ctx.out.line(
    `${plan.command}: ${what} — Python ${result.python.version}, ${result.packages} packages, ` +
      `lock ${plan.lock.file}${plan.extras.length > 0 ? `, extras ${plan.extras.join(", ")}` : ""}, ` +
      `${result.seconds.toFixed(1)}s`,
  );
}
