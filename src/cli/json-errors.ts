import { DhtlError } from "../core/errors.js";
import type { CommandContext } from "./command.js";

const reportedErrors = new WeakSet<object>();

/**
 * Under `--json`, a failure still prints one object on stdout (`{ok: false, error}`); the error then goes
 * on to the CLI, which prints it on stderr and exits with its code.
 */
export async function withJsonErrors(ctx: CommandContext, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (ctx.options.json && error instanceof DhtlError && !reportedErrors.has(error)) {
      reportedErrors.add(error);
      const { code, message, file, line, hint } = error;
      ctx.out.line(
        JSON.stringify({ ok: false, error: { code, exitCode: error.exitCode, message, file, line, hint } }),
      );
    }
    throw error;
  }
}
