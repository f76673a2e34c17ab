/**
 * Which list a `requirements.txt` feeds depends on the rest of the project: alone it is the runtime
 * dependency list, but beside a package manifest that states the runtime dependencies itself (`[project]
 * dependencies`, even `[]`; Poetry; `install_requires`) it is the development environment (`-e .[test]`,
 * pytest, tblib …). Then its requirements become a dependency group named after the file — still installed by
 * setup like every group, no longer reported as what the package needs at run time.
 */
import { diagnostic } from "../core/diagnostics.js";
import type { ManifestFacts } from "./manifests/types.js";

/** The manifests with every dev-environment requirements file turned into a group. */
export function demoteDevRequirementFiles(manifests: ManifestFacts[]): ManifestFacts[] {
  const declaring = manifests.filter(declaresRuntimeDependencies);
  if (declaring.length === 0) return manifests;
  // A file the package manifest reads its dependencies from (setuptools `dynamic`, `open()` in setup.py) is
  // the runtime list.
  const readByPackage = new Set(declaring.flatMap((manifest) => manifest.includedFiles));
  const stater = declaring[0]!.file;
  return manifests.map((manifest) =>
    isDevRequirementsFile(manifest, readByPackage) ? asGroup(manifest, stater) : manifest,
  );
}

/** True when the manifest itself is where the package states its runtime dependencies. */
function declaresRuntimeDependencies(manifest: ManifestFacts): boolean {
  const dialects = manifest.details.pyproject?.dialects ?? [];
  if (dialects.includes("pep621")) return !manifest.dynamic.includes("dependencies");
  if (dialects.includes("poetry") || dialects.includes("flit")) return manifest.name !== null;
  if (manifest.kind === "setup.py" || manifest.kind === "setup.cfg") return manifest.dependencies.length > 0;
  return false;
}

function isDevRequirementsFile(manifest: ManifestFacts, readByPackage: Set<string>): boolean {
  if (manifest.kind !== "requirements" || manifest.details.pip?.role !== "main") return false;
  if (readByPackage.has(manifest.file) || manifest.dependencies.length === 0) return false;
  // A fully hashed file is a lock the user installs as it is (plan/lock-strategy.ts): left alone.
  return !manifest.dependencies.every((dep) => (dep.hashes?.length ?? 0) > 0);
}

/** `requirements.txt` → group `requirements`; `requirements/base.txt` → group `base`. */
export function groupNameOf(file: string): string {
  const stem = (file.split("/").at(-1) ?? file)
    .toLowerCase()
    .replace(/\.(txt|in)$/, "")
    .replace(/requirements?/, "")
    .replace(/^[-_.]+|[-_.]+$/g, "")
    .replace(/[-_.]+/g, "-");
  return stem || "requirements";
}

function asGroup(manifest: ManifestFacts, stater: string): ManifestFacts {
  const group = groupNameOf(manifest.file);
  const groups = { ...manifest.dependencyGroups };
  groups[group] = [...(groups[group] ?? []), ...manifest.dependencies];
  return {
    ...manifest,
    dependencies: [],
    dependencyGroups: groups,
    details: { ...manifest.details, pip: { ...manifest.details.pip, role: `group:${group}` } },
    diagnostics: [
      ...manifest.diagnostics,
      diagnostic(
        "info",
        manifest.file,
        `${stater} states the runtime dependencies: this file is the dependency group \`${group}\` (installed by setup)`,
      ),
    ],
  };
}
