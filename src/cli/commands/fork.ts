import { prepareEnvironment } from "../clone-environment.js";
import type { CommandSpec } from "../command.js";
import { dryRunOption, jsonOption, yesOption } from "../command.js";
import { flag } from "../options.js";

export const forkCommand: CommandSpec = {
  name: "fork",
  args: "<github-url> [dir]",
  summary:
    "fork a GitHub repository with gh, clone the fork with an upstream remote, and prepare its environment",
  options: [yesOption, dryRunOption, jsonOption],
  help: "Needs the GitHub CLI (gh), signed in (`gh auth login`).",
  async run(ctx) {
    const { forkRepository, planFork } = await import("../../workflows/clone.js");
    const plan = await planFork({ repository: ctx.args[0] ?? "", dir: ctx.args[1] });
    if (flag(ctx.options, "dryRun")) {
      ctx.out.line(
        `would fork ${plan.upstream} to ${plan.fork}, clone it into ${plan.dir}, add remote upstream → ${plan.upstream}`,
      );
      return 0;
    }
    await forkRepository(plan, ctx.out);
    return prepareEnvironment(ctx, plan.dir);
  },
};
