/**
 * pyproject.toml in every dialect it can carry, merged into one ManifestFacts whose `kind` lists them
 * (`pyproject:pep621+dependency-groups+uv`). One merged value, not one per dialect, because Poetry 2.x,
 * PDM and uv layer their tables over `[project]`: reporting them apart would count dependencies twice.
 * Spec: https://packaging.python.org/en/latest/specifications/pyproject-toml/
 */
import { posix } from "node:path";
import { parseToml } from "../../../formats/toml.js";
import { type Table, tableAt } from "../../../formats/toml-table.js";
import {
  emptyManifest,
  type ManifestFacts,
  type ManifestReader,
  type PackageManager,
  type PyprojectDetails,
  type ReadContext,
  type SourceFile,
} from "../types.js";
import { readBuildSystem, readDependencyGroups, readProjectTable } from "./pep621.js";
import { readPoetry } from "./poetry.js";
import { readFlit, readHatch, readPdm, readSetuptools, readUv } from "./tools.js";
import { type DialectInput, TomlLines } from "./values.js";

export const pyprojectReader: ManifestReader = {
  name: "pyproject",
  spec: "https://packaging.python.org/en/latest/specifications/pyproject-toml/",
  claims: (relPath) => posix.basename(relPath) === "pyproject.toml",
  read(file, ctx) {
    return [readPyproject(file, ctx)];
  },
};

export function readPyproject(file: SourceFile, ctx: ReadContext): ManifestFacts {
  const doc = parseToml(file.text, file.path);
  const manifest = emptyManifest("pyproject", file.path);
  const details: PyprojectDetails = { dialects: [] };
  manifest.details.pyproject = details;
  const input: DialectInput = {
    doc,
    file: file.path,
    lines: new TomlLines(file.text),
    ctx,
    manifest,
    details,
  };
  const { dialects } = details;
  // Order matters: [project] first so tool tables can see what it already declares.
  if (readProjectTable(input)) dialects.push("pep621");
  if (readDependencyGroups(input)) dialects.push("dependency-groups");
  if (readPoetry(input)) dialects.push("poetry");
  if (readPdm(input)) dialects.push("pdm");
  if (readUv(input)) dialects.push("uv");
  if (readHatch(input)) dialects.push("hatch");
  if (readFlit(input)) dialects.push("flit");
  if (readSetuptools(input)) dialects.push("setuptools");
  readBuildSystem(input);
  if (manifest.buildSystem) dialects.push("build-system");
  manifest.kind = dialects.length > 0 ? `pyproject:${dialects.join("+")}` : "pyproject";
  manifest.packageManager = inferPackageManager(doc, manifest, file.path, ctx);
  manifest.includedFiles = [...new Set(manifest.includedFiles)].sort();
  return manifest;
}

/** Lock files speak loudest, then tool tables, then the build backend. */
function inferPackageManager(
  doc: Table,
  manifest: ManifestFacts,
  file: string,
  ctx: ReadContext,
): PackageManager | null {
  const beside = (name: string) => ctx.exists(posix.join(posix.dirname(file), name));
  const tool = tableAt(doc, ["tool"]) ?? {};
  const backend = manifest.buildSystem?.backend ?? "";
  if (beside("uv.lock")) return "uv";
  if (beside("poetry.lock")) return "poetry";
  if (beside("pdm.lock")) return "pdm";
  if (tool.uv !== undefined) return "uv";
  if (tool.poetry !== undefined || backend.startsWith("poetry")) return "poetry";
  if (tool.pdm !== undefined || backend.startsWith("pdm")) return "pdm";
  if (tool.hatch !== undefined || backend.startsWith("hatchling")) return "hatch";
  if (tool.flit !== undefined || backend.startsWith("flit")) return "flit";
  if (tool.setuptools !== undefined || backend.startsWith("setuptools")) return "setuptools";
  return null;
}
