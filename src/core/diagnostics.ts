import { compareTextIgnoringCase } from "./compare.js";

/**
 * A diagnostic is a problem that did not stop the work: a bad file skipped, a value that needs review.
 * Fatal problems are thrown as DhtlError instead.
 */
export type Severity = "error" | "warning" | "info" | "review";

export interface Diagnostic {
  /** Path relative to the project root (posix separators). */
  file: string;
  line: number | null;
  severity: Severity;
  message: string;
}

export function diagnostic(
  severity: Severity,
  file: string,
  message: string,
  line: number | null = null,
): Diagnostic {
  return { file, line, severity, message };
}

/** Stable order so JSON output is deterministic. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      compareTextIgnoringCase(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareTextIgnoringCase(a.message, b.message),
  );
}
