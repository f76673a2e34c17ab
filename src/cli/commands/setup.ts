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
    {
      flags: "--no-infer",
      description: "install only what the manifests declare, even when the code imports more (reported)",
    },
    {
      flags: "--all",
      description:
        "set up every Python project here: the root's and each nested one (backend/ …), each in its own dir",
    },
    {
      flags: "--as-of <date|commit|none>",
      description:
        "resolve as of a date (2018-05-27), of the project's last code change (commit), or today (none); recorded",
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
    "A uv workspace is one environment at its root, every member installed. A root with no Python project",
    "and exactly one below it (backend/) sets that one up in its own directory and says so; with several,",
    "name one (`dhtl setup backend`) or pass --all. `dhtl analyze` lists them (Subprojects).",
    "What the code imports and no manifest declares (scripts and notebooks without a manifest included) is",
    "installed with consent (--yes, or yes on a terminal), pinned with hashes in the lock and recorded in",
    ".dhtconfig as `inferred`; without consent setup stops (exit 4) and changes nothing.",
    "A project nothing pins (no lock) whose code last changed over a year ago is resolved as of that",
    "change (uv --exclude-newer, build tools exempt), never before its Python's wheels existed; --as-of",
    "chooses (none: today's releases), and the date is recorded so later setups resolve the same way.",
    "",
    "Examples:",
    "  dhtl setup",
    "  dhtl setup path/to/project --dry-run",
    "  dhtl setup --extras test,docs",
    "  dhtl setup --python 3.11",
    "  dhtl setup backend",
    "  dhtl setup --all",
    "  dhtl setup --as-of 2018-05-27",
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
        python: text(ctx.options, "python"),
        upgrade: flag(ctx.options, "upgrade"),
        asOf: text(ctx.options, "asOf"),
        infer: ctx.options.infer !== false,
      };
      if (flag(ctx.options, "all"))
        return printProjectOutcomes(ctx, await setupAllProjects(options, buildUi(ctx)));
      await printBuild(ctx, await setupProject(options, buildUi(ctx)));
      return 0;
    }),
};
