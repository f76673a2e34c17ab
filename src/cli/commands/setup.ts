import { type CommandContext, type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { withJsonErrors } from "../json-errors.js";
import { flag, text } from "../options.js";

export const setupCommand: CommandSpec = {
  name: "setup",
  summary: "create .venv from the project's manifests: lock, install, record .dhtconfig",
  args: "[path]",
  options: [
    {
      flags: "--extras <names>",
      description: "also install these optional-dependency extras (comma-separated; '' for none); recorded",
    },
    { flags: "--all-extras", description: "also install every extra the project declares; recorded" },
    yesOption,
    dryRunOption,
    jsonOption,
  ],
  help: [
    "Builds the environment beside the current .venv and swaps it in only when complete.",
    "uv projects are locked with uv.lock; any other project gets a dhtl-owned .dhtl/requirements.lock;",
    "your manifests are never modified. Every dependency group is installed; extras only when asked",
    "(the choice is recorded in .dhtconfig, so regenerate and later setups install them too).",
    "",
    "Examples:",
    "  dhtl setup",
    "  dhtl setup path/to/project --dry-run",
    "  dhtl setup --extras test,docs",
  ].join("\n"),
  run: (ctx: CommandContext): Promise<number> =>
    withJsonErrors(ctx, async () => {
      const { setupProject } = await import("../../workflows/setup.js");
      const { buildUi, printBuild } = await import("../build-output.js");
      const outcome = await setupProject(
        {
          path: ctx.args[0] ?? ".",
          extras: text(ctx.options, "extras"),
          allExtras: flag(ctx.options, "allExtras"),
          dryRun: flag(ctx.options, "dryRun"),
        },
        buildUi(ctx),
      );
      await printBuild(ctx, outcome);
      return 0;
    }),
};
