/**
 * The project's manifests as the add/remove target chooser (plan/manifest-target.ts) sees them, and the
 * one-line answer to "where does a new dependency go" that the `.venv/bin/pip` wrapper prints.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isDhtlError } from "../core/errors.js";
import { readTextFileSync } from "../core/fs.js";
import type { ProjectFacts } from "../facts/types.js";
import { parseToml } from "../formats/toml.js";
import { chooseManifestTarget, type ManifestLayout } from "../plan/manifest-target.js";

/** What the target chooser needs to know, read from the facts and the two TOML manifests it may edit. */
export function layoutOf(facts: ProjectFacts): ManifestLayout {
  const manifests = facts.project.manifests;
  const toml = (file: string) => {
    const path = join(facts.root, file);
    return existsSync(path) ? parseToml(readTextFileSync(path, file), file) : null;
  };
  return {
    pyproject: manifests.some((manifest) => manifest.file === "pyproject.toml")
      ? toml("pyproject.toml")
      : null,
    pipfile: manifests.some((manifest) => manifest.kind === "pipfile") ? toml("Pipfile") : null,
    requirements: manifests
      .filter((manifest) => manifest.kind === "requirements" && !manifest.file.startsWith(".dhtl/"))
      .map((manifest) => ({
        file: manifest.file,
        role: manifest.details.pip?.role ?? "main",
        compiled: manifest.details.pip?.compiledFrom !== undefined,
      })),
    packageManager: facts.project.packageManager,
    readOnly: manifests
      .filter(
        (manifest) =>
          ["setup.py", "setup.cfg", "conda"].includes(manifest.kind) &&
          (manifest.dependencies.length > 0 || Object.keys(manifest.dependencyGroups).length > 0),
      )
      .map((manifest) => manifest.file),
  };
}

/** `pyproject.toml [project] dependencies`, or null when dhtl cannot name one (setup.py, a broken file). */
export function mainManifestLabel(facts: ProjectFacts): string | null {
  try {
    return chooseManifestTarget(layoutOf(facts), null).label;
  } catch (error) {
    if (isDhtlError(error)) return null;
    throw error;
  }
}
