import { ExitCode, isDhtlError } from "../core/errors.js";
import { paint, shouldColor } from "../core/output.js";

/** Prints an error as `error: file:line: message` plus a hint, and returns the exit code it maps to. */
export function reportError(error: unknown, debug: boolean): number {
  const color = shouldColor(process.stderr);
  if (isDhtlError(error)) {
    const where = error.location ? `${error.location}: ` : "";
    process.stderr.write(`${paint(color, "red", "error")}: ${where}${error.message}\n`);
    if (error.hint) process.stderr.write(`${paint(color, "dim", "hint")}: ${error.hint}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${paint(color, "red", "internal error")}: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write("run again with --debug for details, and please report it\n");
  return ExitCode.internal;
}
