/**
 * Requirement lines that live in a tool's own file (tox `deps`, a noxfile's `session.install(…)`): pip
 * arguments, read by the requirements interpreter into one dependency group of a manifest. Such files are
 * secondary sources of facts: what cannot be read there is a warning, never a reason to stop a setup.
 */
import { isDhtlError } from "../../../core/errors.js";
import type { LogicalLine } from "../../../formats/requirements.js";
import { emptyManifest, type ManifestFacts, type ReadContext, type SourceFile } from "../types.js";
import { readPipLines } from "./index.js";

/**
 * Reads `lines` (pip arguments as written in `file`) into `manifest`: requirements into `group`,
 * `-c` into constraints, `-e .[test]` into devExtras, local paths and indexes as a requirements file has them.
 */
export function readToolRequirementLines(
  lines: LogicalLine[],
  file: SourceFile,
  ctx: ReadContext,
  manifest: ManifestFacts,
  group: string,
): void {
  const scratch = emptyManifest(manifest.kind, file.path);
  try {
    readPipLines(lines, file, ctx, scratch);
  } catch (error) {
    if (!isDhtlError(error)) throw error;
    manifest.diagnostics.push({
      file: error.file ?? file.path,
      line: error.line ?? null,
      severity: "warning",
      message: `${error.message}: not installed`,
    });
    return;
  }
  if (scratch.dependencies.length > 0) {
    const list = manifest.dependencyGroups[group] ?? [];
    for (const dep of scratch.dependencies)
      if (!list.some((known) => known.requirement === dep.requirement)) list.push(dep);
    manifest.dependencyGroups[group] = list;
  }
  manifest.constraints.push(...scratch.constraints);
  manifest.indexes.push(...scratch.indexes);
  manifest.includedFiles = [...new Set([...manifest.includedFiles, ...scratch.includedFiles])].sort();
  if (scratch.devExtras?.length) manifest.devExtras = [...(manifest.devExtras ?? []), ...scratch.devExtras];
  const pip = scratch.details.pip;
  if (pip?.localPaths?.length) {
    manifest.details.pip ??= {};
    manifest.details.pip.localPaths = [...(manifest.details.pip.localPaths ?? []), ...pip.localPaths];
  }
  if (pip?.installsProject) {
    manifest.details.pip ??= {};
    manifest.details.pip.installsProject = pip.installsProject;
  }
  // A line the tool's file gets wrong is reported, not fatal: the project's own manifests still stand.
  manifest.diagnostics.push(
    ...scratch.diagnostics.map((d) => (d.severity === "error" ? { ...d, severity: "warning" as const } : d)),
  );
}
