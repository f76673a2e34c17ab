import { ExitCode } from "../../core/errors.js";
import { type Output, paint } from "../../core/output.js";
import type { ExportFileChange, ExportResult } from "../../workflows/export.js";
import { type CommandContext, type CommandSpec, dryRunOption, jsonOption } from "../command.js";
import { withJsonErrors } from "../json-errors.js";

declare const __DHTL_VERSION__: string | undefined;

const TARGETS = ["docker", "devcontainer", "ci"];

export const exportCommand: CommandSpec = {
  name: "export",
  summary: "write a Dockerfile, a devcontainer or a CI workflow that rebuilds this environment",
  args: "<target> [path]",
  options: [
    { flags: "--force", description: "overwrite files that differ (the diff is shown first)" },
    {
      flags: "--base-image <image>",
      description: "docker/devcontainer: a Debian-based image instead of python:X.Y.Z-slim-<debian>",
    },
    dryRunOption,
    jsonOption,
  ],
  help: [
    "Targets:",
    "  docker        Dockerfile (multi-stage, slim, non-root) and .dockerignore",
    "  devcontainer  .devcontainer/devcontainer.json and .devcontainer/Dockerfile (post-create: dhtl regenerate)",
    "  ci            .github/workflows/dhtl.yml (matrix from requires-python, regenerate, validate-env, tests)",
    "",
    "Rendered from .dhtconfig, the lock and the project files; the same inputs give the same bytes. New files",
    "are written; a file that differs is shown as a diff and overwritten only with --force (exit 4 without,",
    "and nothing is written). --dry-run shows every file and writes nothing.",
    "",
    "Examples:",
    "  dhtl export docker --dry-run",
    "  dhtl export ci --force",
  ].join("\n"),
  run: (ctx) => withJsonErrors(ctx, () => exportFiles(ctx)),
};

async function exportFiles({ args, options, out }: CommandContext): Promise<number> {
  const { DhtlError } = await import("../../core/errors.js");
  const target = args[0] ?? "";
  if (!TARGETS.includes(target)) {
    throw new DhtlError("badInput", `unknown export target ${JSON.stringify(target)}`, {
      hint: `choose one of: ${TARGETS.join(", ")}`,
    });
  }
  const { applyExport, planExport } = await import("../../workflows/export.js");
  const result = await planExport(args[1] ?? ".", {
    target: target as "docker" | "devcontainer" | "ci",
    dhtlVersion: typeof __DHTL_VERSION__ === "string" ? __DHTL_VERSION__ : "0.0.0-dev",
    baseImage: typeof options.baseImage === "string" ? options.baseImage : undefined,
  });
  const changed = result.files.some((file) => file.status === "changed");
  const refused = changed && !options.force && !options.dryRun;
  const written = options.dryRun || refused ? [] : applyExport(result, Boolean(options.force));
  if (options.json) out.line(JSON.stringify(await toJson(result, written, Boolean(options.dryRun)), null, 2));
  else await printResult(out, result, written, { dryRun: Boolean(options.dryRun), refused });
  return refused ? ExitCode.refused : ExitCode.ok;
}

async function toJson(result: ExportResult, written: ExportFileChange[], dryRun: boolean) {
  const { unifiedDiff } = await import("../diff.js");
  return {
    target: result.target,
    root: result.root,
    dryRun,
    written: written.map((file) => file.path),
    files: result.files.map((file) => ({
      path: file.path,
      status: file.status,
      content: file.after,
      diff: file.status === "changed" ? unifiedDiff(file.path, file.before, file.after) : null,
    })),
    python: result.inputs.python,
    baseImage: result.inputs.baseImage,
    lock: result.inputs.lock,
    testRunner: result.inputs.testRunner,
    systemPackages: {
      build: result.inputs.packages.build,
      runtime: result.inputs.packages.runtime,
      recorded: result.inputs.packages.recorded,
    },
    notes: result.notes,
  };
}

async function printResult(
  out: Output,
  result: ExportResult,
  written: ExportFileChange[],
  state: { dryRun: boolean; refused: boolean },
): Promise<void> {
  const { unifiedDiff } = await import("../diff.js");
  const c = out.color;
  for (const file of result.files) {
    if (file.status === "unchanged") {
      out.line(`${paint(c, "dim", "unchanged")} ${file.path}`);
      continue;
    }
    // A new file is shown whole on a dry run; a changed one always as a diff.
    if (file.status === "new" && !state.dryRun) continue;
    const text = file.status === "new" ? file.after : unifiedDiff(file.path, file.before, file.after);
    out.line(paint(c, "bold", `${file.status === "new" ? "new file" : "changes to"} ${file.path}:`));
    for (const line of text.trimEnd().split("\n")) out.line(file.status === "new" ? line : diffLine(c, line));
    out.line();
  }
  if (out.quiet) return;
  for (const note of result.notes) out.line(`${paint(c, "dim", "note")} ${note}`);
  if (state.dryRun) out.line("dry run: nothing written");
  else if (state.refused)
    out.line(`nothing written: run \`dhtl export ${result.target} --force\` to overwrite the changed files`);
  else if (written.length === 0) out.line(`${paint(c, "green", "✓")} up to date: nothing to write`);
  else out.line(`${paint(c, "green", "✓")} wrote ${written.map((file) => file.path).join(", ")}`);
}

function diffLine(color: boolean, line: string): string {
  if (line.startsWith("+") && !line.startsWith("+++")) return paint(color, "green", line);
  if (line.startsWith("-") && !line.startsWith("---")) return paint(color, "red", line);
  if (line.startsWith("@@")) return paint(color, "cyan", line);
  return line;
}
