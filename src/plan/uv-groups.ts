/**
 * A uv project's dependency groups that uv itself never reads. `uv sync` installs the project, its extras
 * and its PEP 735 groups from uv.lock; everything else the project model lists as a group — PDM
 * dev-dependencies, Poetry groups, Hatch's default environment, `requirements-dev.txt` and other requirement
 * files, `tests/requirements.txt`, tox `deps`, a noxfile's test installs, `tests_require` — is written to
 * `.dhtl/uv-groups.in` and compiled into the hashed, universal `.dhtl/uv-groups.lock`, constrained by
 * uv.lock's versions, then installed after `uv sync` (run/uv-groups.ts). What analyze lists as a group is
 * then what setup installs, for uv projects too, and the user's manifests are never touched.
 */
import { declaredLocalPaths } from "../facts/local-requirements.js";
import type { ProjectModel } from "../facts/types.js";
import { expandSelfReferences, type RequirementsInput, renderLockInput } from "./requirements-in.js";

export const UV_GROUPS_IN = ".dhtl/uv-groups.in";
export const UV_GROUPS_LOCK = ".dhtl/uv-groups.lock";

/** The groups input of a uv project, or null when uv itself installs every group the project has. */
export function renderUvGroupsInput(project: ProjectModel): RequirementsInput | null {
  const requirements: string[] = [];
  const localPaths: string[] = [];
  for (const manifest of project.manifests) {
    const pyproject = manifest.details.pyproject;
    if (pyproject) {
      // uv reads `[dependency-groups]` and `[tool.uv] dev-dependencies` itself; the tool tables it ignores.
      for (const group of Object.keys(pyproject.toolGroups ?? {}).sort())
        requirements.push(...pyproject.toolGroups![group]!);
      continue;
    }
    for (const group of Object.keys(manifest.dependencyGroups).sort())
      requirements.push(...manifest.dependencyGroups[group]!.map((dep) => dep.requirement));
  }
  localPaths.push(
    ...declaredLocalPaths(project)
      .filter((local) => !local.file.endsWith("pyproject.toml"))
      .map((local) => local.path),
  );
  const expanded = expandSelfReferences(project, requirements);
  if (expanded.length === 0 && localPaths.length === 0) return null;
  return renderLockInput(project, expanded, [], localPaths);
}
