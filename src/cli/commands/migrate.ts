import { ExitCode } from "../../core/errors.js";
import { type Output, paint } from "../../core/output.js";
import type { BuildToolsAsOf, MigrationPlan } from "../../plan/migrate/types.js";
import type { MigrationResult } from "../../workflows/migrate.js";
import { type CommandContext, type CommandSpec, dryRunOption, jsonOption, yesOption } from "../command.js";
import { flag, text } from "../options.js";

export const migrateCommand: CommandSpec = {
  name: "migrate",
  summary: "convert a pip/Poetry/Pipenv/conda/setuptools project to pyproject.toml + uv.lock (diff first)",
  args: "[args...]",
  options: [
    {
      flags: "--from <format>",
      description: "source format: pip, poetry, pipenv, conda or setuptools (default: detected)",
    },
    dryRunOption,
    yesOption,
    { flags: "--remove-old", description: "delete the old manifests and lock files once migrated" },
    {
      flags: "--as-of <date|commit|none>",
      description:
        "lock as of a date (2018-05-27), of the project's last code change (commit), or today (none)",
    },
    jsonOption,
  ],
  help: [
    "Usage: dhtl migrate [path]   (a folder named like a sub-migration must be written ./name)",
    "",
    "Writes a PEP 621 pyproject.toml (edited in place when one exists: comments and layout kept) and a",
    "uv.lock that keeps the old lock's versions (poetry.lock, Pipfile.lock, pdm.lock, pinned requirements)",
    "wherever they still fit; every version that changed is reported. The previous files are copied to",
    ".dhtl/migrate-backup/<n>/ first. Old files stay unless --remove-old.",
    "Where nothing names a Python, the one `dhtl setup` would choose is pinned (.python-version, and",
    "requires-python for an application). Where nothing pins the versions and the code last changed over a",
    "year ago, uv.lock is resolved as of that change (uv lock --exclude-newer, recorded in uv.lock only:",
    "a later `uv lock` or `uv add` resolves today's releases); --as-of chooses.",
    "",
    "--dry-run prints the plan and the diff and writes nothing. Without --yes a terminal is asked;",
    "without a terminal nothing is written and the exit code is 4.",
  ].join("\n"),
  /** Sub-migrations, one line each; any other first argument is the project path. */
  subcommands: {
    tests: async () => (await import("./migrate-tests.js")).migrateTestsCommand,
  },
  async run(ctx) {
    return migrateProject(ctx, ctx.args[0] ?? ".");
  },
};

async function migrateProject({ options, out }: CommandContext, path: string): Promise<number> {
  const { applyProjectMigration, planProjectMigration } = await import("../../workflows/migrate.js");
  const request = { path, from: text(options, "from"), asOf: text(options, "asOf") };
  const { root, plan } = await planProjectMigration(request, out);
  const json = flag(options, "json");
  // -q: no plan and no diff, only what was done (and errors).
  if (!json && !out.quiet) await printPlan(out, plan);
  if (flag(options, "dryRun")) {
    if (json) out.line(JSON.stringify(await toJson(plan, null), null, 2));
    return ExitCode.ok;
  }
  if (!flag(options, "yes")) {
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !json;
    if (
      !interactive ||
      !(await (await import("../consent.js")).confirm("Write these changes and lock with uv?"))
    ) {
      if (json) out.line(JSON.stringify(await toJson(plan, null), null, 2));
      else out.line("nothing written; run again with --yes to apply");
      return ExitCode.refused;
    }
  }
  const replan = async (buildTools: BuildToolsAsOf) =>
    (await planProjectMigration(request, out, buildTools)).plan;
  const result = await applyProjectMigration(
    root,
    plan,
    { removeOld: flag(options, "removeOld"), replan },
    out,
  );
  const written = result.replanned?.plan ?? plan;
  if (!json && !out.quiet && result.replanned) await printPlan(out, written);
  if (json) out.line(JSON.stringify(await toJson(written, result), null, 2));
  else printResult(out, written, result);
  return ExitCode.ok;
}

async function toJson(plan: MigrationPlan, result: MigrationResult | null) {
  const { unifiedDiff } = await import("../diff.js");
  return {
    source: plan.source,
    detectedBecause: plan.detectedBecause,
    buildSystem: { backend: plan.build.backend, requires: plan.build.requires, reason: plan.build.reason },
    changes: plan.changes.map((c) => ({
      path: c.path,
      created: c.before === null,
      diff: unifiedDiff(c.path, c.before, c.after),
    })),
    oldFiles: plan.oldFiles,
    oldLockedVersions: plan.oldLock.length,
    review: plan.review,
    notes: plan.notes,
    condaOnly: plan.condaOnly,
    written: result?.written ?? [],
    removed: result?.removed ?? [],
    backupDir: result?.backupDir ?? null,
    keptVersions: result?.keptVersions ?? null,
    changedVersions: result?.changedVersions ?? [],
    pinsDropped: result?.pinsDropped ?? "none",
    asOf: result ? result.asOf : (plan.asOf?.excludeNewer ?? null),
    asOfFailed: result?.asOfFailed ?? null,
    pinsLimited: result?.pinsLimited ?? [],
    replannedBecause: result?.replanned?.because ?? null,
  };
}

async function printPlan(out: Output, plan: MigrationPlan): Promise<void> {
  const { unifiedDiff } = await import("../diff.js");
  const c = out.color;
  const p = plan.project;
  out.line(`${paint(c, "bold", `migrate from ${plan.source}`)} (${plan.detectedBecause})`);
  out.line(`build system: ${plan.build.backend ?? "none"} — ${plan.build.reason}`);
  const groups = Object.keys(p.dependencyGroups);
  out.line(
    `${p.dependencies.length} dependencies, ${Object.keys(p.optionalDependencies).length} extras, ` +
      `groups: ${groups.length ? groups.join(", ") : "none"}, ${Object.keys(p.sources).length} sources, ` +
      `${p.indexes.length} indexes, ${p.constraints.length} constraints`,
  );
  for (const change of plan.changes) {
    for (const line of unifiedDiff(change.path, change.before, change.after).trimEnd().split("\n")) {
      const style = /^\+(?!\+\+)/.test(line)
        ? "green"
        : /^-(?!--)/.test(line)
          ? "red"
          : line.startsWith("@@")
            ? "cyan"
            : null;
      out.line(style ? paint(c, style, line) : line);
    }
  }
  if (plan.oldLock.length > 0) {
    const files = [...new Set(plan.oldLock.map((l) => l.file))].join(", ");
    out.line(
      `old lock: ${plan.oldLock.length} versions from ${files}, kept in uv.lock wherever they still fit`,
    );
  }
  if (plan.oldFiles.length > 0) out.line(`no longer used once migrated: ${plan.oldFiles.join(", ")}`);
  for (const item of plan.condaOnly)
    out.line(`${paint(c, "yellow", "conda-only")} ${item.spec}: ${item.what}`);
  for (const item of plan.review) out.line(`${paint(c, "yellow", "review")} ${item}`);
  for (const note of plan.notes) out.line(`${paint(c, "dim", "note")} ${note}`);
}

function printResult(out: Output, plan: MigrationPlan, result: MigrationResult): void {
  const c = out.color;
  out.line(`${paint(c, "green", "✓")} wrote ${result.written.join(", ")}`);
  if (result.asOfFailed)
    out.line(
      `${paint(c, "yellow", "!")} uv could not lock as of ${plan.asOf?.excludeNewer} (${result.asOfFailed}): locked today's releases instead (\`--as-of\` chooses a date)`,
    );
  else if (result.asOf)
    out.line(
      `uv.lock resolved as of ${result.asOf}: recorded in uv.lock only (the next plain \`uv lock\` or \`uv sync\` drops the date and keeps these versions; \`uv lock --upgrade\` takes today's releases)`,
    );
  if (plan.oldLock.length > 0) {
    out.line(`kept ${result.keptVersions} of ${plan.oldLock.length} old locked versions`);
    if (result.pinsDropped === "transitive")
      out.line(
        `${paint(c, "yellow", "!")} the old indirect versions could not all hold together: kept the direct ones`,
      );
    if (result.pinsDropped === "all")
      out.line(`${paint(c, "yellow", "!")} the old versions could not hold together: uv resolved afresh`);
  }
  if (result.pinsLimited.length > 0)
    out.line(
      `old versions kept only on the Pythons their wheels serve (newer Pythons get versions that install there): ${result.pinsLimited.join(", ")}`,
    );
  for (const change of out.quiet ? [] : result.changedVersions) {
    out.line(`  ${change.name} ${change.old} → ${change.new ?? "(no longer needed)"}`);
  }
  if (result.removed.length > 0) out.line(`removed ${result.removed.join(", ")}`);
  else if (plan.oldFiles.length > 0) {
    out.line(`no longer used: ${plan.oldFiles.join(", ")} (delete them, or run again with --remove-old)`);
  }
  if (result.backupDir) out.line(`previous files copied to ${result.backupDir}/ (copy them back to undo)`);
}
