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
      flags: "--python <version|path>",
      description: "use this interpreter (3.11, 3.11.7 or a path) instead of choosing one; recorded",
    },
    {
      flags: "--upgrade",
      description:
        "re-resolve instead of installing the project's own lock (poetry.lock, pdm.lock, Pipfile.lock)",
    },
    yesOption,
    dryRunOption,
    jsonOption,
  ],
  help: [
    "Builds the environment beside the current .venv and swaps it in only when complete.",
    "uv projects are locked with uv.lock (groups uv does not read: .dhtl/uv-groups.lock beside it); a",
    "project with poetry.lock, pdm.lock or Pipfile.lock gets exactly what that lock pins (converted into",
    ".dhtl/requirements.lock, not re-resolved, unless it is stale or --upgrade is given); any other project",
    "gets a dhtl-owned .dhtl/requirements.lock. Your manifests are never modified. Every dependency group",
    "`dhtl analyze` lists is installed (requirement files, tox, nox, PDM, Hatch …), and the extras the",
    "project's own workflow installs (CI, tox, Hatch, `-e .[test]`, extras named dev/test); --extras and",
    "--all-extras choose others. The choice is recorded in .dhtconfig. The project itself is installed",
    "editable, as a regular package when its backend cannot, or not at all for an application.",
    "The interpreter is the newest installed one the project allows on which every locked version has a",
    "wheel, ranked by what its CI, tox, Dockerfile and classifiers name; --python overrides it.",
    "",
    "Examples:",
    "  dhtl setup",
    "  dhtl setup path/to/project --dry-run",
    "  dhtl setup --extras test,docs",
    "  dhtl setup --python 3.11",
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
          python: text(ctx.options, "python"),
          upgrade: flag(ctx.options, "upgrade"),
        },
        buildUi(ctx),
      );
      await printBuild(ctx, outcome);
      return 0;
    }),
};
