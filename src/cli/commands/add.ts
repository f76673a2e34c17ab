import { ExitCode } from "../../core/errors.js";
import { paint } from "../../core/output.js";
import type { ManifestChangeOutcome } from "../../workflows/manifest-change.js";
import { type CommandContext, type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { withJsonErrors } from "../json-errors.js";
import { flag, text } from "../options.js";

const groupOption = {
  flags: "--group <name>",
  description: "a dependency group (dev, test …) instead of the main dependencies",
};
const projectOption = {
  flags: "--project <dir>",
  description: "the project (default: the current directory)",
};

export const addCommand: CommandSpec = {
  name: "add",
  summary: "add requirements to the project's manifest, then lock, install and record in one step",
  args: "<packages...>",
  options: [groupOption, projectOption, yesOption, dryRunOption, jsonOption],
  help: [
    "Edits the manifest that holds the project's dependencies, in its own dialect, keeping comments and",
    "layout: PEP 621 [project] dependencies or a PEP 735 [dependency-groups] group; Poetry's",
    "[tool.poetry.dependencies] or group tables; Pipfile [packages]/[dev-packages]; requirements.txt or",
    "requirements-<group>.txt (the .in of a pip-compile pair). A package already listed there gets the new",
    "constraint. Then, as `dhtl setup`: lock, build the environment, record .dhtconfig — all or nothing: a",
    "failed resolve or build leaves every file and .venv as they were.",
    "setup.py, setup.cfg and environment.yml are never rewritten (the error names the file to edit).",
    "",
    "Examples:",
    "  dhtl add requests",
    "  dhtl add 'httpx>=0.27' 'rich[jupyter]'",
    "  dhtl add --group dev pytest",
    "  dhtl add --dry-run attrs",
  ].join("\n"),
  run: (ctx) => runManifestChange(ctx, "add"),
};

export const removeCommand: CommandSpec = {
  name: "remove",
  summary: "remove requirements from the project's manifest, then lock, install and record in one step",
  args: "<packages...>",
  options: [groupOption, projectOption, yesOption, dryRunOption, jsonOption],
  help: [
    "Removes each named package from the list `dhtl add` would add it to (the main dependencies, or",
    "--group's), keeping the rest of the file as it is; then locks, builds the environment and records",
    ".dhtconfig, all or nothing. A package that is not in that list is an error naming where it is.",
    "",
    "Examples:",
    "  dhtl remove requests",
    "  dhtl remove --group dev pytest-cov",
  ].join("\n"),
  run: (ctx) => runManifestChange(ctx, "remove"),
};

function runManifestChange(ctx: CommandContext, action: "add" | "remove"): Promise<number> {
  return withJsonErrors(ctx, async () => {
    const { changeManifest } = await import("../../workflows/manifest-change.js");
    const { buildUi } = await import("../build-output.js");
    const outcome = await changeManifest(
      {
        path: text(ctx.options, "project") ?? ".",
        action,
        packages: ctx.args,
        group: text(ctx.options, "group") ?? null,
        dryRun: flag(ctx.options, "dryRun"),
      },
      buildUi(ctx),
    );
    await printChange(ctx, outcome);
    return ExitCode.ok;
  });
}

async function printChange(ctx: CommandContext, { change, build }: ManifestChangeOutcome): Promise<void> {
  const { unifiedDiff } = await import("../diff.js");
  const { outcomeJson, printOutcome } = await import("../build-output.js");
  const diff = unifiedDiff(change.path, change.before, change.after);
  const dryRun = flag(ctx.options, "dryRun");
  if (ctx.options.json) {
    const built = build?.result ? outcomeJson(build.plan, build.result, build.gitHooks ?? null) : null;
    ctx.out.line(
      JSON.stringify({
        ...(built ?? { ok: true }),
        command: change.action,
        dryRun,
        group: change.group,
        manifest: change.target,
        entries: change.entries,
        changed: change.before !== change.after,
        created: change.before === null,
        diff,
      }),
    );
    return;
  }
  const c = ctx.out.color;
  for (const line of diff.trimEnd().split("\n")) {
    if (line === "") continue;
    const style =
      line.startsWith("+") && !line.startsWith("+++")
        ? "green"
        : line.startsWith("-") && !line.startsWith("---")
          ? "red"
          : null;
    ctx.out.line(style ? paint(c, style, line) : line);
  }
  const verb = change.action === "add" ? "added to" : "removed from";
  if (change.before === change.after)
    ctx.out.line(`${change.target.label} already says so: nothing to change`);
  else if (dryRun)
    ctx.out.line(`dry run: nothing written (would lock, build the environment and record .dhtconfig)`);
  else ctx.out.line(`${paint(c, "green", "✓")} ${change.entries.join(", ")} ${verb} ${change.target.label}`);
  if (build?.result) printOutcome(ctx, build.plan, build.result, build.gitHooks ?? null);
}
