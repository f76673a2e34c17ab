import { ExitCode, isDhtlError } from "../core/errors.js";
import { fileSystemError } from "../core/fs-errors.js";
import { paint, shouldColor } from "../core/output.js";
import { redactOutput } from "../core/redact.js";

/**
 * Prints an error as `error: file:line: message` plus a hint, and returns the exit code it maps to. Messages
 * quote tools' output and stack traces under `--debug`: all of it passes the redaction rules.
 */
export function reportError(raised: unknown, debug: boolean): number {
  const color = shouldColor(process.stderr);
  // A write the operating system refused is not a dhtl bug: exit 5, naming the path.
  const error = fileSystemError(raised) ?? raised;
  const write = (text: string) => process.stderr.write(redactOutput(text));
  if (isDhtlError(error)) {
    const where = error.location ? `${error.location}: ` : "";
    write(`${paint(color, "red", "error")}: ${where}${error.message}\n`);
    if (error.hint) write(`${paint(color, "dim", "hint")}: ${error.hint}\n`);
    if (debug && error.stack) write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`${paint(color, "red", "internal error")}: ${message}\n`);
  if (debug && error instanceof Error && error.stack) write(`${error.stack}\n`);
  else write("run again with --debug for details, and please report it\n");
  return ExitCode.internal;
}
