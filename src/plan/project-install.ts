/**
 * How the project itself goes into its environment: editable when its build backend can (PEP 660's
 * `build_editable`), a regular install when it cannot, and not at all for an application that declares it
 * is not a package. Always with the reason, which setup prints.
 */
import type { ProjectModel } from "../facts/types.js";
import { normalizeName } from "../pep/names.js";
import { compareVersions } from "../pep/pep440.js";
import { tryParseRequirement } from "../pep/pep508.js";

export type ProjectInstallMode = "editable" | "regular" | "none";

export interface ProjectInstall {
  mode: ProjectInstallMode;
  reason: string;
}

/**
 * Backends whose PEP 660 support came with a release: a `requires` capped below it has no
 * `build_editable`. `poetry.masonry.api` (the `poetry` package as a backend, Poetry before 1.0's
 * poetry-core) never had it.
 */
const EDITABLE_SINCE: Record<string, { distribution: string; version: string }> = {
  "setuptools.build_meta": { distribution: "setuptools", version: "64" },
  "setuptools.build_meta:__legacy__": { distribution: "setuptools", version: "64" },
  "flit_core.buildapi": { distribution: "flit-core", version: "3.4" },
  "poetry.core.masonry.api": { distribution: "poetry-core", version: "1.0.8" },
};

/** How the project itself is installed, and why. */
export function projectInstall(project: ProjectModel): ProjectInstall {
  if (!project.isPackage) return { mode: "none", reason: notAPackage(project) };
  const backend = project.buildSystem?.backend ?? null;
  if (backend === "poetry.masonry.api") {
    return {
      mode: "regular",
      reason:
        "installed as a regular package: its build backend poetry.masonry.api has no build_editable (PEP 660)",
    };
  }
  const since = backend ? EDITABLE_SINCE[backend] : undefined;
  const cap = since
    ? requiresCap(project.buildSystem?.requires ?? [], since.distribution, since.version)
    : null;
  if (since && cap) {
    return {
      mode: "regular",
      reason: `installed as a regular package: \`${cap}\` in [build-system] requires predates editable installs (PEP 660, ${since.distribution} ${since.version})`,
    };
  }
  return {
    mode: "editable",
    reason: `installed editable (${backend ?? "setuptools, setup.py"} builds editable installs)`,
  };
}

/** Why the project itself is left out of its environment. */
function notAPackage(project: ProjectModel): string {
  const manifest = project.manifests.find((m) => m.details.pyproject?.package === false);
  const setting = manifest?.details.pyproject?.packageSetting;
  if (manifest && setting === "tool.poetry.package-mode")
    return `not installed: \`package-mode = false\` in ${manifest.file} (Poetry manages the dependencies only)`;
  if (manifest) return `not installed: \`[tool.uv] package = false\` in ${manifest.file} (an application)`;
  return "not installed: no build backend, setup.py or setup.cfg (an application, nothing to build)";
}

/** The requirement on `distribution` when it allows no version from `since` on (`setuptools<60`), else null. */
function requiresCap(requires: string[], distribution: string, since: string): string | null {
  for (const text of requires) {
    const requirement = tryParseRequirement(text);
    if (!requirement || normalizeName(requirement.name) !== distribution) continue;
    const bound = upperBound(requirement.specifier);
    if (bound && compareVersions(bound.version, since) < (bound.inclusive ? 0 : 1)) return text;
  }
  return null;
}

/** The lowest upper bound a specifier sets (`<60`, `<=63.2`, `==59.6`, `==59.*`), or null when it has none. */
function upperBound(specifier: string): { version: string; inclusive: boolean } | null {
  let lowest: { version: string; inclusive: boolean } | null = null;
  for (const clause of specifier.split(",")) {
    const match = /^(<=|<|===?)\s*([0-9][0-9A-Za-z.+!-]*?)(\.\*)?$/.exec(clause.trim());
    if (!match) continue;
    const [, op, version, wildcard] = match;
    // `==59.*` allows every 59.x: below 60, as `<60` does.
    const bound = wildcard
      ? { version: bumpLast(version!), inclusive: false }
      : { version: version!, inclusive: op !== "<" };
    if (!lowest || compareVersions(bound.version, lowest.version) < 0) lowest = bound;
  }
  return lowest;
}

function bumpLast(version: string): string {
  const parts = version.split(".");
  parts[parts.length - 1] = String(Number(parts.at(-1)) + 1);
  return parts.join(".");
}
