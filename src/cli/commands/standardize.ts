import { ExitCode } from "../../core/errors.js";
import { type Output, paint } from "../../core/output.js";
import type { StandardizePlan } from "../../workflows/standardize.js";
import { type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { flag } from "../options.js";

export const standardizeCommand: CommandSpec = {
  name: "standardize",
  summary: "add the standard dev tools, their configuration and pre-commit hooks (diff first)",
  args: "[path]",
  options: [dryRunOption, yesOption, jsonOption],
  help: [
    "Adds pytest, pytest-cov, mypy, ruff, pre-commit (and per project type: pytest-django, pytest-asyncio",
    "and httpx, nbqa and jupyter) to the `dev` dependency group; sets ruff target-version and mypy",
    "python_version from requires-python and pytest testpaths/--strict-markers; writes or merges",
    ".pre-commit-config.yaml with pinned revisions. Settings you already have win: differences are",
    "reported as conflicts. Comments and layout of pyproject.toml are kept. A second run changes nothing.",
    "",
    "Without --yes the diff is shown and nothing is written (exit 4); --dry-run shows it and exits 0.",
  ].join("\n"),
  async run({ args, options, out }) {
    const { applyStandardize, standardizeProject } = await import("../../workflows/standardize.js");
    const dryRun = flag(options, "dryRun");
    const plan = await standardizeProject(args[0] ?? ".");
    const write = plan.changes.length > 0 && !dryRun && flag(options, "yes");
    const relocked = write ? (await applyStandardize(plan)).relocked : false;

    if (options.json) out.line(JSON.stringify(await planToJson(plan, write), null, 2));
    else await printPlan(out, plan, write, dryRun);
    if (relocked && !options.json) out.line("uv.lock locked again with the new dev group");
    if (plan.changes.length === 0 || write || dryRun) return ExitCode.ok;
    return ExitCode.refused;
  },
};

async function planToJson(plan: StandardizePlan, written: boolean) {
  const { unifiedDiff } = await import("../diff.js");
  return {
    root: plan.root,
    written,
    changes: plan.changes.map((c) => ({
      path: c.path,
      created: c.before === null,
      diff: unifiedDiff(c.path, c.before, c.after),
    })),
    addedDevTools: plan.addedDevTools,
    conflicts: plan.conflicts,
    notes: plan.notes,
  };
}

async function printPlan(
  out: Output,
  plan: StandardizePlan,
  written: boolean,
  dryRun: boolean,
): Promise<void> {
  const { unifiedDiff } = await import("../diff.js");
  const c = out.color;
  for (const change of out.quiet ? [] : plan.changes) {
    for (const line of unifiedDiff(change.path, change.before, change.after).trimEnd().split("\n")) {
      const style =
        line.startsWith("+") && !line.startsWith("+++")
          ? "green"
          : line.startsWith("-") && !line.startsWith("---")
            ? "red"
            : line.startsWith("@@")
              ? "cyan"
              : null;
      out.line(style ? paint(c, style, line) : line);
    }
  }
  for (const conflict of plan.conflicts) out.line(`${paint(c, "yellow", "conflict")} ${conflict}`);
  for (const note of plan.notes) out.line(`${paint(c, "dim", "note")} ${note}`);
  if (plan.changes.length === 0) out.line(`${paint(c, "green", "✓")} already standard: nothing to change`);
  else if (written)
    out.line(`${paint(c, "green", "✓")} wrote ${plan.changes.map((ch) => ch.path).join(", ")}`);
  else if (dryRun) out.line("dry run: nothing written");
  else
    out.line(
      `nothing written; run again with --yes to apply${plan.addedDevTools.length ? ", then `uv lock`" : ""}`,
    );
}
