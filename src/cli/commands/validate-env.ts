import { existsSync } from "node:fs";
import { join } from "node:path";
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
    "Exit codes: 0 the environment is valid, 1 drift found or the record is stale, 2 no .dhtconfig or no",
    ".venv (run `dhtl setup`).",
    "A stale record (the lock or the manifests changed since .dhtconfig was written, e.g. after `uv add`)",
    "is told apart from drift (the environment differs from the lock): `dhtl setup` records the first,",
    "`dhtl fix-env` repairs the second.",
    "With --quiet nothing is printed when valid and one line on drift (for shell activation hooks).",
  ].join("\n"),
  async run({ args, options, out }) {
    const root = await environmentRoot(args[0] ?? ".");
    const quick = Boolean(options.quick);
    // The prompt hook's quick check loads the checker alone; the full one also reads the manifests.
    const report = quick
      ? await (await import("../../verify/validate.js")).validateEnvironment(root, { quick, stamp: true })
      : await (await import("../../workflows/validate.js")).validateProject(root, { quick, stamp: true });
    if (options.json) out.line(JSON.stringify(report, null, 2));
    else if (out.quiet) {
      if (!report.ok) out.line(`dhtl: ${summarize(report)} — run \`${nextCommand(report)}\``);
    } else printReport(out, report, quick);
    return report.ok ? ExitCode.ok : ExitCode.drift;
  },
};

/**
 * The directory holding the environment's record: the path itself when it has a `.dhtconfig` (the prompt
 * hook's case, answered without reading the project), else where setup put it (workflows/project.ts: a
 * workspace member's workspace, the only project nested below a root without one).
 */
async function environmentRoot(path: string): Promise<string> {
  if (existsSync(join(path, ".dhtconfig"))) return path;
  const { environmentRootFor } = await import("../../workflows/project.js");
  return environmentRootFor(path).root;
}

/** What to run: record a stale record (which also rebuilds from the new lock), else repair the drift. */
export function nextCommand(report: ValidationReport): string {
  return report.stale ? report.stale.command : "dhtl fix-env";
}

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
  if (drift.environment.length) parts.push(drift.environment.join("; "));
  if (drift.tools.length) parts.push(`${drift.tools.length} dev tool${drift.tools.length === 1 ? "" : "s"}`);
  if (!parts.length && !report.stale && checksum.actual !== checksum.expected)
    parts.push("checksum differs from the recorded one");
  const differs = parts.length ? `environment drift: ${parts.join(", ")}` : "";
  if (report.stale) {
    const stale = `stale record (${report.stale.reasons.join("; ")})`;
    return differs ? `${stale}, and ${differs} against the ${report.stale.relock ? "" : "new "}lock` : stale;
  }
  return differs || "environment is valid";
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
  for (const problem of drift.environment) out.line(`  ${paint(c, "red", "!")} ${problem}`);
  for (const tool of drift.tools) out.line(`  ${paint(c, "yellow", "~")} ${tool.problem}  (dev tool)`);
  const shown = drift.modifiedFiles.slice(0, 10);
  for (const file of shown) out.line(`  ${paint(c, "yellow", "!")} ${file}  (modified)`);
  if (drift.modifiedFiles.length > shown.length)
    out.line(`  … and ${drift.modifiedFiles.length - shown.length} more modified files`);
  if (
    !report.stale &&
    report.checksum.expected &&
    report.checksum.actual &&
    report.checksum.expected !== report.checksum.actual
  ) {
    out.line(`  checksum ${report.checksum.actual} (recorded: ${report.checksum.expected})`);
  }
  if (report.stale) {
    const { extra, missing, changed, modifiedFiles, environment, tools } = report.drift;
    const clean = [extra, missing, changed, modifiedFiles, environment, tools].every(
      (list) => list.length === 0,
    );
    const command = paint(c, "bold", report.stale.command);
    out.line(
      report.stale.relock
        ? `the lock is behind: run ${command} to lock again, build the environment and record it`
        : clean
          ? `the environment matches the new lock: run ${command} to record it`
          : `run ${command} to build the environment from the new lock and record it`,
    );
    return;
  }
  if (drift.extra.length > 0)
    out.line(
      `to keep an extra package, add it to the project (${paint(c, "bold", "dhtl add NAME")} edits the manifest, locks and installs)`,
    );
  out.line(
    `run ${paint(c, "bold", "dhtl fix-env")} to repair, or ${paint(c, "bold", "dhtl regenerate")} to rebuild`,
  );
}
