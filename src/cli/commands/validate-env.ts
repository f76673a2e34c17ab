import { ExitCode } from "../../core/errors.js";
import { type Output, paint } from "../../core/output.js";
import type { ValidationReport } from "../../verify/validate.js";
import { type CommandSpec, jsonOption } from "../command.js";

export const validateEnvCommand: CommandSpec = {
  name: "validate-env",
  summary: "check that .venv matches the lock and the recorded checksum",
  args: "[path]",
  options: [
    { flags: "--quick", description: "interpreter and name==version only (fast, for shell hooks)" },
    jsonOption,
  ],
  help: [
    "Exit codes: 0 the environment is valid, 1 drift found, 2 no .dhtconfig or no .venv (run `dhtl setup`).",
    "With --quiet nothing is printed when valid and one line on drift (for shell activation hooks).",
  ].join("\n"),
  async run({ args, options, out }) {
    const { validateEnvironment } = await import("../../verify/validate.js");
    const root = args[0] ?? ".";
    const report = await validateEnvironment(root, { quick: Boolean(options.quick), stamp: true });
    if (options.json) out.line(JSON.stringify(report, null, 2));
    else if (out.quiet) {
      if (!report.ok) out.line(`dhtl: ${summarize(report)} — run \`dhtl fix-env\``);
    } else printReport(out, report, Boolean(options.quick));
    return report.ok ? ExitCode.ok : ExitCode.drift;
  },
};

/** One line: what kind of drift, how much. */
export function summarize(report: ValidationReport): string {
  const { drift, python, checksum } = report;
  const parts: string[] = [];
  if (python.expected !== null && python.actual !== python.expected) {
    parts.push(`Python ${python.actual} instead of ${python.expected}`);
  }
  if (drift.extra.length) parts.push(`${drift.extra.length} extra`);
  if (drift.missing.length) parts.push(`${drift.missing.length} missing`);
  if (drift.changed.length) parts.push(`${drift.changed.length} changed`);
  if (drift.modifiedFiles.length)
    parts.push(`${drift.modifiedFiles.length} modified file${drift.modifiedFiles.length === 1 ? "" : "s"}`);
  if (!parts.length && checksum.actual !== checksum.expected)
    parts.push("checksum differs from the recorded one");
  return parts.length ? `environment drift: ${parts.join(", ")}` : "environment is valid";
}

function printReport(out: Output, report: ValidationReport, quick: boolean): void {
  const c = out.color;
  if (report.ok) {
    const python = report.python.actual ? ` (Python ${report.python.actual})` : "";
    const checksum = !quick && report.checksum.expected ? " and the recorded checksum" : "";
    out.line(`${paint(c, "green", "✓")} environment matches the lock${checksum}${python}`);
    return;
  }
  out.line(`${paint(c, "red", "✗")} ${summarize(report)}`);
  const { drift } = report;
  for (const item of drift.extra) out.line(`  ${paint(c, "yellow", "+")} ${item}  (not in the lock)`);
  for (const item of drift.missing) out.line(`  ${paint(c, "red", "-")} ${item}  (missing)`);
  for (const item of drift.changed)
    out.line(`  ${paint(c, "yellow", "~")} ${item.name} ${item.actual} (lock: ${item.expected})`);
  const shown = drift.modifiedFiles.slice(0, 10);
  for (const file of shown) out.line(`  ${paint(c, "yellow", "!")} ${file}  (modified)`);
  if (drift.modifiedFiles.length > shown.length)
    out.line(`  … and ${drift.modifiedFiles.length - shown.length} more modified files`);
  if (
    report.checksum.expected &&
    report.checksum.actual &&
    report.checksum.expected !== report.checksum.actual
  ) {
    out.line(`  checksum ${report.checksum.actual} (recorded: ${report.checksum.expected})`);
  }
  out.line(
    `run ${paint(c, "bold", "dhtl fix-env")} to repair, or ${paint(c, "bold", "dhtl regenerate")} to rebuild`,
  );
}
