/**
 * How the environment commands (setup, regenerate, fix-env, clone, fork) show their work: a plan on
 * `--dry-run`, one outcome line (or one JSON object) after a build, and under `--json` a failure as
 * `{ok: false, error}` on stdout too.
 */
import { DhtlError, ExitCode } from "../core/errors.js";
import type { Output } from "../core/output.js";
import type { ExecuteResult } from "../run/execute.js";
import type { Plan } from "../run/steps.js";
import type { GitHooksOutcome } from "../workflows/dev-tools.js";
import type { BuildOutcome, BuildUi, ProjectOutcome } from "../workflows/setup.js";
import type { CommandContext } from "./command.js";
import { consentFrom } from "./consent.js";
import { flag } from "./options.js";
import { reportError } from "./report-error.js";

/** Progress and consent for a build workflow, from the command line. */
export function buildUi(ctx: CommandContext): BuildUi {
  return { out: progressOutput(ctx), consent: consentFrom(flag(ctx.options, "yes")) };
}

/** The plan (dry run) or the outcome of a build. */
export async function printBuild(
  ctx: CommandContext,
  { plan, result, gitHooks }: BuildOutcome,
): Promise<void> {
  if (result) printOutcome(ctx, plan, result, gitHooks ?? null);
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

export function printOutcome(
  ctx: CommandContext,
  plan: Plan,
  result: ExecuteResult,
  gitHooks: GitHooksOutcome | null = null,
): void {
  if (ctx.options.json) {
    ctx.out.line(JSON.stringify(outcomeJson(plan, result, gitHooks)));
    return;
  }
  if (ctx.out.quiet) return;
  const what = plan.upToDate ? "environment already valid" : "environment ready";
  ctx.out.line(
    `${plan.command}: ${what} — Python ${result.python.version}, ${result.packages} packages, ` +
      `lock ${plan.lock.file}${plan.extras.length > 0 ? `, extras ${plan.extras.join(", ")}` : ""}, ` +
      `${result.inferred.length > 0 ? `inferred ${result.inferred.join(", ")}, ` : ""}` +
      `${plan.excludeNewer ? `as of ${plan.excludeNewer}, ` : ""}` +
      `${result.seconds.toFixed(1)}s`,
  );
  const failed = result.componentFailures.map(
    (failure) => `${failure.dir === "." ? "./" : `${failure.dir}/`} (${failure.language})`,
  );
  if (result.missingImports.length > 0)
    ctx.out.line(
      `  not installed though the code imports them: ${result.missingImports.join(", ")} — see the warnings above`,
    );
  if (failed.length > 0)
    ctx.out.line(
      `  not installed: ${failed.join(", ")} — see the warning above; the Python environment is complete`,
    );
  const tools = Object.entries(result.tools ?? {}).map(([name, version]) => `${name} ${version}`);
  if (tools.length > 0) ctx.out.line(`dev tools (uv tool, on .venv/bin): ${tools.join(", ")}`);
}

/** The `--json` object of a finished build. */
export function outcomeJson(plan: Plan, result: ExecuteResult, gitHooks: GitHooksOutcome | null) {
  return {
    ok: true,
    command: plan.command,
    upToDate: plan.upToDate,
    python: result.python,
    pythonReason: pythonReasonOf(plan),
    packages: result.packages,
    checksum: result.checksum,
    lock: { file: plan.lock.file, kind: plan.lock.kind },
    extras: plan.extras,
    ...(plan.excludeNewer ? { asOf: plan.excludeNewer } : {}),
    tools: result.tools ?? {},
    gitHooks,
    dhtconfigWritten: result.configWritten,
    seconds: Number(result.seconds.toFixed(2)),
    componentFailures: result.componentFailures,
    inferred: result.inferred,
    missingImports: result.missingImports,
  };
}

/**
 * `setup --all`: each project's outcome (its failure printed as any error is), then the exit code of the
 * first failure, or 0. Under `--json`, one object: `{ok, projects: [{dir, ok, …outcome or error}]}`.
 */
export async function printProjectOutcomes(ctx: CommandContext, outcomes: ProjectOutcome[]): Promise<number> {
  let exitCode = 0;
  const projects: Record<string, unknown>[] = [];
  for (const item of outcomes) {
    if ("error" in item) {
      const code = ctx.options.json ? exitCodeOf(item.error) : reportError(item.error, ctx.debug);
      if (exitCode === 0) exitCode = code;
      projects.push({ dir: item.dir, ok: false, error: errorJson(item.error) });
      continue;
    }
    if (ctx.options.json) {
      const { plan, result } = item.outcome;
      projects.push({
        dir: item.dir,
        ok: true,
        dryRun: result === null,
        lock: plan.lock.file,
        ...(result ? { packages: result.packages, python: result.python } : {}),
      });
    } else {
      if (!ctx.out.quiet) ctx.out.line(`${item.dir === "." ? "./" : `${item.dir}/`}:`);
      await printBuild(ctx, item.outcome);
    }
  }
  if (ctx.options.json) ctx.out.line(JSON.stringify({ ok: exitCode === 0, command: "setup", projects }));
  return exitCode;
}

function exitCodeOf(error: unknown): number {
  return error instanceof DhtlError ? error.exitCode : ExitCode.internal;
}

function errorJson(error: unknown): Record<string, unknown> {
  if (!(error instanceof DhtlError)) return { code: "internal", message: String(error) };
  const { code, message, file, line, hint } = error;
  return { code, exitCode: error.exitCode, message, file, line, hint };
}

/** Why the interpreter was chosen (the plan's Python step), for `--json`. */
function pythonReasonOf(plan: Plan): string | null {
  const step = plan.steps.find(
    (candidate) => candidate.kind === "usePython" || candidate.kind === "installPython",
  );
  return step?.reason ?? null;
}
