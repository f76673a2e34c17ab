import { diagnostic } from "../../core/diagnostics.js";
import { isDhtlError } from "../../core/errors.js";
import { condaReader } from "./conda/index.js";
import { pipfileReader } from "./pipfile/index.js";
import { pyprojectReader } from "./pyproject/index.js";
import { pythonPinsReader } from "./python-pins/index.js";
import { requirementsReader } from "./requirements/index.js";
import { setupCfgReader } from "./setup-cfg/index.js";
import { setupPyReader } from "./setup-py/index.js";
import { emptyManifest, type ManifestFacts, type ManifestReader, type ReadContext } from "./types.js";

/** Every manifest format dhtl reads. Adding a format: one file beside this one and one line here. */
export const manifestReaders: ManifestReader[] = [
  pyprojectReader,
  setupPyReader,
  setupCfgReader,
  requirementsReader,
  pipfileReader,
  condaReader,
  pythonPinsReader,
];

/**
 * Runs every reader over the files it claims. A file that cannot be read at all becomes an error
 * diagnostic on an otherwise empty manifest, so one bad file never hides the rest of the project.
 */
export function readManifests(candidates: string[], ctx: ReadContext): ManifestFacts[] {
  const results: ManifestFacts[] = [];
  for (const path of candidates) {
    for (const reader of manifestReaders) {
      if (!reader.claims(path)) continue;
      try {
        const file = ctx.readFile(path, { file: path, line: null });
        results.push(...reader.read(file, ctx));
      } catch (error) {
        if (!isDhtlError(error)) throw error;
        results.push(failedManifest(reader.name, error.file ?? path, error.line ?? null, error.message));
      }
    }
  }
  return results;
}

function failedManifest(kind: string, file: string, line: number | null, message: string): ManifestFacts {
  const manifest = emptyManifest(`${kind}:unreadable`, file);
  manifest.diagnostics.push(diagnostic("error", file, message, line));
  return manifest;
}
