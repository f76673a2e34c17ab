import { type CommandContext, type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { withJsonErrors } from "../json-errors.js";
import { flag } from "../options.js";

export const regenerateCommand: CommandSpec = {
  name: "regenerate",
  summary: "rebuild .venv from .dhtconfig and the lock alone (no re-resolution)",
  args: "[path]",
  options: [
    { flags: "--force", description: "rebuild even when the environment is valid" },
    yesOption,
    dryRunOption,
    jsonOption,
  ],
  help: [
    "A lock that no longer matches the manifests is reported as stale (exit 1), never re-resolved.",
    "After a rebuild the environment checksum equals the one recorded for this platform.",
    "",
    "Examples:",
    "  dhtl regenerate",
    "  dhtl regenerate --force --yes",
  ].join("\n"),
  run: (ctx: CommandContext): Promise<number> =>
    withJsonErrors(ctx, async () => {
      const { regenerateProject } = await import("../../workflows/regenerate.js");
      const { buildUi, printBuild } = await import("../build-output.js");
      const outcome = await regenerateProject(
        { path: ctx.args[0] ?? ".", force: flag(ctx.options, "force"), dryRun: flag(ctx.options, "dryRun") },
        buildUi(ctx),
      );
      await printBuild(ctx, outcome);
      return 0;
    }),
};
