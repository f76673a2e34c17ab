/**
 * How the environment commands (setup, regenerate, fix-env, clone, fork) show their work: a plan on
 * `--dry-run`, one outcome line (or one JSON object) after a build, and under `--json` a failure as
 * `{ok: false, error}` on stdout too.
 */
import type { Output } from "../core/output.js";
import type { ExecuteResult } from "../run/execute.js";
import type { Plan } from "../run/steps.js";
import type { BuildOutcome, BuildUi } from "../workflows/setup.js";
import type { CommandContext } from "./command.js";
import { consentFrom } from "./consent.js";
import { flag } from "./options.js";

/** Progress and consent for a build workflow, from the command line. */
export function buildUi(ctx: CommandContext): BuildUi {
  return { out: progressOutput(ctx), consent: consentFrom(flag(ctx.options, "yes")) };
}

/** The plan (dry run) or the outcome of a build. */
export async function printBuild(ctx: CommandContext, { plan, result }: BuildOutcome): Promise<void> {
  if (result) printOutcome(ctx, plan, result);
  else await printPlan(ctx, plan);
}

/** `--json` keeps stdout for the one result object: progress goes quiet. */
export function progressOutput(ctx: CommandContext): Output {
  return ctx.options.json ? { ...ctx.out, step: () => () => {} } : ctx.out;
}

export async function printPlan(ctx: CommandContext, plan: Plan): Promise<void> {
  const { planToJson, renderPlan } = await import("../plan/render.js");
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
