/**
 * Which PEP 621 fields of a setuptools package stay `dynamic`. With a `[project]` table, setuptools takes a
 * field from setup.py/setup.cfg only when `dynamic` names it: a field neither written nor named is erased
 * (a setup.py passing long_description then fails in `_long_description`). So every field dhtl does not
 * write statically is named, whether or not setup.py sets it — one it does not set simply stays empty.
 */
import type { ManifestFacts } from "../../facts/manifests/types.js";

/** Every [project] field setuptools can fill from setup.py/setup.cfg (`name` must be static). */
export const SETUPTOOLS_DYNAMIC_FIELDS = [
  "authors",
  "classifiers",
  "dependencies",
  "description",
  "entry-points",
  "gui-scripts",
  "keywords",
  "license",
  "maintainers",
  "optional-dependencies",
  "readme",
  "requires-python",
  "scripts",
  "urls",
  "version",
];

/** setup() keywords → the [project] fields they fill, for computed values the readers flagged. */
const SETUP_FIELDS: Record<string, string> = {
  version: "version",
  install_requires: "dependencies",
  extras_require: "optional-dependencies",
  python_requires: "requires-python",
};

/**
 * The `dynamic` list: everything but the fields written statically — name, and version, dependencies,
 * optional-dependencies and requires-python where the readers found their literal values.
 */
export function setuptoolsDynamic(
  manifests: ManifestFacts[],
  known: { version: boolean; requiresPython: boolean },
): string[] {
  const computed = computedSetupFields(manifests);
  const written = new Set(["dependencies", "optional-dependencies"].filter((f) => !computed.has(f)));
  if (known.version && !computed.has("version")) written.add("version");
  if (known.requiresPython && !computed.has("requires-python")) written.add("requires-python");
  return SETUPTOOLS_DYNAMIC_FIELDS.filter((field) => !written.has(field));
}

/** [project] fields whose setup.py/setup.cfg value is computed (a "review" diagnostic names the keyword first). */
function computedSetupFields(manifests: ManifestFacts[]): Set<string> {
  const fields = new Set<string>();
  for (const manifest of manifests) {
    if (manifest.kind !== "setup.py" && manifest.kind !== "setup.cfg") continue;
    for (const d of manifest.diagnostics) {
      if (d.severity !== "review") continue;
      const keyword = /^(?:setup\(\*\*…\)|(\w+))/.exec(d.message);
      // `setup(**…)` passes keywords nobody can read: every field stays setup.py's.
      if (keyword && !keyword[1]) for (const field of Object.values(SETUP_FIELDS)) fields.add(field);
      const field = SETUP_FIELDS[keyword?.[1] ?? ""];
      if (field) fields.add(field);
    }
  }
  return fields;
}
