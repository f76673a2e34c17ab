import type { BuildOutcome } from "../workflows/setup.js";
import type { CommandContext } from "./command.js";

/**
 * Gives a fresh clone its environment (regenerate when it records one, else setup) and says how to enter
 * it; a failure keeps the clone and says how to retry.
 */
export async function prepareEnvironment(ctx: CommandContext, dir: string): Promise<number> {
  const { relative } = await import("node:path");
  const { environmentCommandFor, prepareClone } = await import("../workflows/clone.js");
  const { buildUi, printBuild } = await import("./build-output.js");
  const { withJsonErrors } = await import("./json-errors.js");
  const { reportError } = await import("./report-error.js");
  const command = environmentCommandFor(dir);
  try {
    return await withJsonErrors(ctx, async () => {
      const outcome: BuildOutcome = await prepareClone(dir, command, buildUi(ctx));
      await printBuild(ctx, outcome);
      if (!ctx.options.json) {
        const where = relative(process.cwd(), dir) || ".";
        ctx.out.line(`next: cd ${where} && source .venv/bin/activate   (or: dhtl hook bash >> ~/.bashrc)`);
      }
      return 0;
    });
  } catch (error) {
    const code = reportError(error, ctx.debug);
    ctx.out.warn(`the clone is kept in ${dir}; retry with: cd ${dir} && dhtl ${command}`);
    return code;
  }
}
