import { type CommandContext, type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { withJsonErrors } from "../json-errors.js";
import { flag } from "../options.js";

export const fixEnvCommand: CommandSpec = {
  name: "fix-env",
  summary: "repair drift in .venv with the smallest change that restores the recorded state",
  args: "[path]",
  options: [
    { flags: "--force", description: "rebuild the whole environment (regenerate --force)" },
    yesOption,
    dryRunOption,
    jsonOption,
  ],
  help: [
    "Removes extra packages, installs missing ones and reinstalls changed or modified ones (pinned by the",
    "lock), on a copy of .venv that replaces it only once it validates.",
    "",
    "Examples:",
    "  dhtl fix-env",
    "  dhtl fix-env --dry-run --json",
  ].join("\n"),
  run: (ctx: CommandContext): Promise<number> =>
    withJsonErrors(ctx, async () => {
      const { repairProject } = await import("../../workflows/repair.js");
      const { buildUi, printBuild } = await import("../build-output.js");
      const outcome = await repairProject(
        { path: ctx.args[0] ?? ".", force: flag(ctx.options, "force"), dryRun: flag(ctx.options, "dryRun") },
        buildUi(ctx),
      );
      if (outcome.repaired !== null && !ctx.options.json) ctx.out.line(`repaired: ${outcome.repaired}`);
      await printBuild(ctx, outcome);
      return 0;
    }),
};
