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
    {
      flags: "--no-infer",
      description: "install only what the manifests declare, even when the code imports more (reported)",
    },
    {
      flags: "--all",
      description:
        "set up every Python project here: the root's and each nested one (backend/ …), each in its own dir",
    },
    yesOption,
    dryRunOption,
    jsonOption,
  ],
  help: [
    "Builds the environment beside the current .venv and swaps it in only when complete.",
    "uv projects are locked with uv.lock; any other project gets a dhtl-owned .dhtl/requirements.lock;",
    "your manifests are never modified. Every dependency group is installed; extras only when asked",
    "(the choice is recorded in .dhtconfig, so regenerate and later setups install them too).",
    "A uv workspace is one environment at its root, every member installed. A root with no Python project",
    "and exactly one below it (backend/) sets that one up in its own directory and says so; with several,",
    "name one (`dhtl setup backend`) or pass --all. `dhtl analyze` lists them (Subprojects).",
    "What the code imports and no manifest declares (scripts and notebooks without a manifest included) is",
    "installed with consent (--yes, or yes on a terminal), pinned with hashes in the lock and recorded in",
    ".dhtconfig as `inferred`; without consent setup stops (exit 4) and changes nothing.",
    "",
    "Examples:",
    "  dhtl setup",
    "  dhtl setup path/to/project --dry-run",
    "  dhtl setup --extras test,docs",
    "  dhtl setup backend",
    "  dhtl setup --all",
  ].join("\n"),
  run: (ctx: CommandContext): Promise<number> =>
    withJsonErrors(ctx, async () => {
      const { setupAllProjects, setupProject } = await import("../../workflows/setup.js");
      const { buildUi, printBuild, printProjectOutcomes } = await import("../build-output.js");
      const options = {
        path: ctx.args[0] ?? ".",
        extras: text(ctx.options, "extras"),
        allExtras: flag(ctx.options, "allExtras"),
        dryRun: flag(ctx.options, "dryRun"),
        infer: ctx.options.infer !== false,
      };
      if (flag(ctx.options, "all"))
        return printProjectOutcomes(ctx, await setupAllProjects(options, buildUi(ctx)));
      await printBuild(ctx, await setupProject(options, buildUi(ctx)));
      return 0;
    }),
};
