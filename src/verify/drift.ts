import type { ValidationReport } from "./validate.js";

/** One line: what differs between an environment and the record. */
export function formatDrift(report: ValidationReport): string {
  const { drift } = report;
  const parts = [
    drift.extra.length > 0 ? `extra ${drift.extra.join(", ")}` : "",
    drift.missing.length > 0 ? `missing ${drift.missing.join(", ")}` : "",
    drift.changed.length > 0
      ? `changed ${drift.changed.map((c) => `${c.name} ${c.expected}→${c.actual}`).join(", ")}`
      : "",
    drift.modifiedFiles.length > 0 ? `${drift.modifiedFiles.length} modified files` : "",
    ...drift.environment,
    ...drift.tools.map((tool) => tool.problem),
    report.python.expected && report.python.expected !== report.python.actual
      ? `python ${report.python.expected}→${report.python.actual}`
      : "",
  ].filter(Boolean);
  return parts.join("; ") || "checksum differs";
}

/** Describes how the environment at `envPath` differs from the record (for regenerate's mismatch error). */
export async function describeDrift(root: string, envPath: string): Promise<string> {
  const { validateEnvironment } = await import("./validate.js");
  try {
    return formatDrift(await validateEnvironment(root, { quick: false, venvPath: envPath }));
  } catch {
    return "";
  }
}

/** True when the dev tools are all that differs: the environment itself needs no rebuild, only the tools. */
export function onlyToolDrift(report: ValidationReport): boolean {
  const { drift, python, checksum } = report;
  return (
    report.stale === null &&
    drift.tools.length > 0 &&
    drift.extra.length === 0 &&
    drift.missing.length === 0 &&
    drift.changed.length === 0 &&
    drift.modifiedFiles.length === 0 &&
    drift.environment.length === 0 &&
    (python.expected === null || python.expected === python.actual) &&
    (checksum.expected === null || checksum.actual === null || checksum.expected === checksum.actual)
  );
}
