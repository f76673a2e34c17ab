/**
 * Which format a project migrates from, when `--from` does not say. The most specific manifest wins:
 * a Poetry table, then Pipfile, environment.yml, setuptools metadata, and last plain requirements files.
 */

import { DhtlError } from "../../core/errors.js";
import { isRequirementsFile } from "../../facts/manifests/requirements/index.js";
import type { ManifestFacts } from "../../facts/manifests/types.js";
import type { SourceKind } from "../../facts/migration/types.js";
import { parseToml } from "../../formats/toml.js";
import { tableAt } from "../../formats/toml-table.js";
import { MIGRATED_POETRY_KEYS } from "./render-pyproject.js";

export interface Detection {
  source: SourceKind;
  because: string;
}

export function detectSource(
  files: string[],
  manifests: ManifestFacts[],
  pyprojectText: string | null,
  from?: SourceKind,
): Detection {
  if (from) return { source: from, because: `--from ${from}` };
  const pyproject = manifests.find((m) => m.file === "pyproject.toml");
  const dialects = pyproject?.details.pyproject?.dialects ?? [];
  if (dialects.includes("poetry") && poetryHasWorkLeft(pyprojectText)) {
    return { source: "poetry", because: "pyproject.toml has [tool.poetry]" };
  }
  if (files.includes("Pipfile")) return { source: "pipenv", because: "Pipfile found" };
  const conda = files.find((f) => f === "environment.yml" || f === "environment.yaml");
  if (conda) return { source: "conda", because: `${conda} found` };
  const hasProjectTable = dialects.includes("pep621");
  const setuptools = manifests.find(
    (m) => (m.kind === "setup.py" || m.kind === "setup.cfg") && m.packageManager === "setuptools",
  );
  if (setuptools && !hasProjectTable) {
    return {
      source: "setuptools",
      because: `${setuptools.file} holds the metadata and there is no [project]`,
    };
  }
  const requirements = files.filter(isRequirementsFile);
  if (requirements.length > 0 && !hasProjectTable) {
    return { source: "pip", because: `requirements files found (${requirements.join(", ")})` };
  }
  if (hasProjectTable) {
    throw new DhtlError("badInput", "pyproject.toml already has a [project] table: nothing to migrate", {
      file: "pyproject.toml",
      hint: "Run `dhtl setup` to lock and install it with uv, or pass --from to migrate a specific format.",
    });
  }
  throw new DhtlError("badInput", "found no manifest to migrate from", {
    hint: "Expected pyproject.toml with [tool.poetry], Pipfile, environment.yml, setup.py/setup.cfg or requirements*.txt.",
  });
}

/**
 * A `[tool.poetry]` that holds only packaging keys (`packages`, `include`, `exclude`) is what a previous
 * migration kept for poetry-core: there is nothing left to migrate from it.
 */
function poetryHasWorkLeft(pyprojectText: string | null): boolean {
  if (pyprojectText === null) return false;
  const poetry = tableAt(parseToml(pyprojectText, "pyproject.toml"), ["tool", "poetry"]) ?? {};
  return Object.keys(poetry).some((key) => MIGRATED_POETRY_KEYS.includes(key));
}
