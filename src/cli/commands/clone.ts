import { prepareEnvironment } from "../clone-environment.js";
import type { CommandSpec } from "../command.js";
import { dryRunOption, jsonOption, yesOption } from "../command.js";
import { flag, unlessNegated } from "../options.js";

export const cloneCommand: CommandSpec = {
  name: "clone",
  args: "<repository> [dir]",
  summary: "clone a repository and give it a ready environment (regenerate, or setup when not yet recorded)",
  options: [
    yesOption,
    dryRunOption,
    jsonOption,
    { flags: "--no-gh", description: "use plain git even for GitHub URLs when gh is installed" },
  ],
  help: [
    "Any git URL or local path. GitHub URLs go through `gh repo clone` when gh is installed.",
    "With a .dhtconfig in the repository the environment is regenerated exactly; otherwise `setup` runs.",
    "A failed environment step keeps the clone and prints how to retry.",
  ].join("\n"),
  async run(ctx) {
    const { cloneRepository, planClone } = await import("../../workflows/clone.js");
    const plan = await planClone({
      repository: ctx.args[0] ?? "",
      dir: ctx.args[1],
      useGh: unlessNegated(ctx.options, "gh"),
    });
    if (flag(ctx.options, "dryRun")) {
      ctx.out.line(
        `would clone ${plan.repository} into ${plan.dir} with ${plan.viaGh ? "gh repo clone" : "git clone"}`,
      );
      ctx.out.line("then regenerate from .dhtconfig when the repository has one, else set it up");
      return 0;
    }
    await cloneRepository(plan, ctx.out);
    return prepareEnvironment(ctx, plan.dir);
  },
};
