import type { BuildOutcome } from "../workflows/setup.js";
import type { CommandContext } from "./command.js";

/**
 * Gives a fresh clone its environment (regenerate when it records one, else setup) and says how to enter
 * it; a failure keeps the clone and says how to retry.
 */
export async function prepareEnvironment(ctx: CommandContext, dir: string): Promise<number> {
  const { relative } = await import("node:path");
  const { environmentCommandFor, prepareClone, retryCommandFor } = await import("../workflows/clone.js");
  const { buildUi, printBuild } = await import("./build-output.js");
  const { withJsonErrors } = await import("./json-errors.js");
  const { reportError } = await import("./report-error.js");
  const command = environmentCommandFor(dir);
  try {
    return await withJsonErrors(ctx, async () => {
      // A fresh clone is code nobody on this machine has read: its environment is not put on the cd hook's
      // allow list until the user says so.
      const outcome: BuildOutcome = await prepareClone(dir, command, {
        ...buildUi(ctx),
        allowActivation: false,
      });
      await printBuild(ctx, outcome);
      if (!ctx.options.json) {
        const where = relative(process.cwd(), dir) || ".";
        ctx.out.line(`next: cd ${where} && source .venv/bin/activate`);
        ctx.out.line(
          `      to activate it on cd (dhtl hook bash|zsh|fish), once you trust it: dhtl allow ${where}`,
        );
      }
      return 0;
    });
  } catch (error) {
    const code = reportError(error, ctx.debug);
    ctx.out.warn(
      `the clone is kept in ${dir}; retry with: cd ${dir} && dhtl ${retryCommandFor(dir, command)}`,
    );
    return code;
  }
}
