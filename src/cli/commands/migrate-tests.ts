import { ExitCode } from "../../core/errors.js";
import { type Output, paint } from "../../core/output.js";
import type { MigrateTestsPlan } from "../../workflows/migrate-tests.js";
import { type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { flag } from "../options.js";

export const migrateTestsCommand: CommandSpec = {
  name: "migrate-tests",
  summary: "rewrite unittest/nose tests for pytest (plan and diff first; also `dhtl migrate tests`)",
  args: "[path]",
  options: [dryRunOption, yesOption, jsonOption],
  help: [
    "Rewrites self.assertEqual(a, b) and the other assert methods to plain `assert`, assertRaises to",
    "pytest.raises, setUp/tearDown to setup_method/teardown_method, keeping comments, multi-line calls and",
    "messages. A class keeps unittest.TestCase when something in it still needs it (the plan says why).",
    "Every rewritten file is parsed by Python before anything is written.",
    "",
    "Without --yes the plan and diff are shown and nothing is written (exit 4); --dry-run exits 0.",
  ].join("\n"),
  async run({ args, options, out }) {
    const { applyMigrateTests, planProjectTests } = await import("../../workflows/migrate-tests.js");
    const dryRun = flag(options, "dryRun");
    const plan = planProjectTests(args[0] ?? ".");
    const write = plan.files.length > 0 && !dryRun && flag(options, "yes");
    if (write) await applyMigrateTests(plan);
    if (options.json) out.line(JSON.stringify(await toJson(plan, write), null, 2));
    else await printPlan(out, plan, write, dryRun);
    if (plan.files.length === 0 || write || dryRun) return ExitCode.ok;
    return ExitCode.refused;
  },
};

async function toJson(plan: MigrateTestsPlan, written: boolean) {
  const { unifiedDiff } = await import("../diff.js");
  return {
    root: plan.root,
    written,
    files: plan.files.map((f) => ({
      path: f.path,
      conversions: f.conversions,
      notes: f.notes,
      diff: unifiedDiff(f.path, f.before, f.after),
    })),
    skipped: plan.skipped,
  };
}

async function printPlan(
  out: Output,
  plan: MigrateTestsPlan,
  written: boolean,
  dryRun: boolean,
): Promise<void> {
  const { unifiedDiff } = await import("../diff.js");
  const c = out.color;
  for (const file of plan.files) {
    out.line(paint(c, "bold", `${file.path}: ${file.conversions.length} conversions`));
    for (const conversion of file.conversions) {
      out.line(`  ${file.path}:${conversion.line}  ${conversion.from}  →  ${conversion.to}`);
    }
    for (const note of file.notes) out.line(`  ${paint(c, "dim", "note")} ${note}`);
    if (!written && !out.quiet) {
      for (const line of unifiedDiff(file.path, file.before, file.after).trimEnd().split("\n")) {
        const added = line.startsWith("+") && !line.startsWith("+++");
        const removed = line.startsWith("-") && !line.startsWith("---");
        out.line(added ? paint(c, "green", line) : removed ? paint(c, "red", line) : line);
      }
    }
  }
  for (const skipped of plan.skipped)
    out.line(`${paint(c, "dim", "skipped")} ${skipped.path}: ${skipped.reason}`);
  if (plan.files.length === 0)
    out.line(`${paint(c, "green", "✓")} no unittest or nose tests left to convert`);
  else if (written)
    out.line(`${paint(c, "green", "✓")} rewrote ${plan.files.length} file(s); run pytest to confirm`);
  else if (dryRun) out.line("dry run: nothing written");
  else out.line("nothing written; run again with --yes to apply");
}
