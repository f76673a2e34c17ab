/**
 * Which PEP 621 fields of a setuptools package stay `dynamic`. With a `[project]` table, setuptools takes a
 * field from setup.py/setup.cfg only when `dynamic` names it: a field neither written nor named is erased
 * (a setup.py passing long_description then fails in `_long_description`), and a field named but set by
 * neither is an error ("No configuration found for dynamic …"). So `dynamic` is exactly what setup.py and
 * setup.cfg set, less what dhtl writes statically.
 */
import type { ManifestFacts } from "../../facts/manifests/types.js";

/** setup() keywords (setup.cfg keys) → the [project] fields they set, as setuptools maps them. */
const KEYWORD_FIELDS: Record<string, string[]> = {
  version: ["version"],
  description: ["description"],
  long_description: ["readme"],
  python_requires: ["requires-python"],
  license: ["license"],
  author: ["authors"],
  author_email: ["authors"],
  maintainer: ["maintainers"],
  maintainer_email: ["maintainers"],
  keywords: ["keywords"],
  classifiers: ["classifiers"],
  project_urls: ["urls"],
  entry_points: ["entry-points", "scripts", "gui-scripts"],
  install_requires: ["dependencies"],
  extras_require: ["optional-dependencies"],
};

/** setup() keywords → the [project] fields they fill, for computed values the readers flagged. */
const SETUP_FIELDS: Record<string, string> = {
  version: "version",
  install_requires: "dependencies",
  extras_require: "optional-dependencies",
  python_requires: "requires-python",
};

/**
 * The `dynamic` list: the fields setup.py/setup.cfg set, but for those written statically — version,
 * dependencies, optional-dependencies and requires-python where the readers found their literal values.
 */
export function setuptoolsDynamic(
  manifests: ManifestFacts[],
  known: { version: boolean; requiresPython: boolean; extras: boolean },
): string[] {
  const set = new Set(
    manifests
      .flatMap((m) => m.details.setuptools?.keywords ?? [])
      .flatMap((keyword) => KEYWORD_FIELDS[keyword] ?? []),
  );
  const computed = computedSetupFields(manifests);
  const written = new Set(["dependencies", "optional-dependencies"].filter((f) => !computed.has(f)));
  if (!known.extras) written.delete("optional-dependencies");
  if (known.version && !computed.has("version")) written.add("version");
  if (known.requiresPython && !computed.has("requires-python")) written.add("requires-python");
  return [...set].filter((field) => !written.has(field)).sort();
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
