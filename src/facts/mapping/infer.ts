/**
 * Compares what the code imports with what the manifests declare: third-party imports no declared
 * distribution provides (undeclared) and declared distributions nothing imports (unused).
 */

import { compareText } from "../../core/compare.js";
import { normalizeName } from "../../pep/names.js";
import { tryParseRequirement } from "../../pep/pep508.js";
import type { ImportFacts, ImportUse, InferredFacts, UndeclaredImport } from "../types.js";
import {
  candidateDistributions,
  importKey,
  installedImportIndex,
  longestKnownPrefix,
  tableDistributions,
  uniqueDistributions,
} from "./index.js";
import { usedWithoutImport } from "./used-without-import.js";

export interface InferOptions {
  /** A virtual environment whose installed metadata maps imports exactly (checked before the table). */
  venvPath?: string;
  /** The project's own distribution name: extras that name it (`myproj[test]`) are not dependencies. */
  projectName?: string;
}

/**
 * `declared` holds every dependency, extra and group entry: PEP 508 strings or bare names.
 * Everything returned is sorted; candidates stay best first.
 */
export function inferDependencies(
  imports: ImportFacts,
  declared: string[],
  options: InferOptions = {},
): InferredFacts {
  const declaredNames = declaredDistributions(declared);
  if (options.projectName) declaredNames.delete(normalizeName(options.projectName));
  const installed = options.venvPath ? installedImportIndex(options.venvPath) : new Map<string, string[]>();
  const used = new Set<string>();
  const undeclared = new Map<string, UndeclaredImport & { kind: "required" | "optional" | "typeOnly" }>();

  for (const use of thirdPartyUses(imports)) {
    const kind =
      use.typeOnly || imports.typeOnly.includes(use.name)
        ? "typeOnly"
        : use.optional || imports.optional.includes(use.name)
          ? "optional"
          : "required";
    for (const key of importKeys(use)) {
      const { possible, suggested } = candidatesFor(key, installed);
      const provider = possible.find((name) => declaredNames.has(normalizeName(name)));
      for (const name of possible) used.add(normalizeName(name));
      if (provider) continue;
      const entry = undeclared.get(key) ?? { import: key, candidates: suggested, files: [], kind };
      entry.files = [...new Set([...entry.files, ...use.files])].sort();
      if (rankOf(kind) < rankOf(entry.kind)) entry.kind = kind;
      undeclared.set(key, entry);
    }
  }

  const byKind = (kind: string): UndeclaredImport[] =>
    [...undeclared.values()]
      .filter((entry) => entry.kind === kind)
      .map(({ import: name, candidates, files }) => ({ import: name, candidates, files }))
      .sort((a, b) => compareText(a.import, b.import));
  const unused = [...declaredNames]
    .filter(([normalized]) => !used.has(normalized))
    .filter(([, written]) => usedWithoutImport(written) === null)
    .map(([, written]) => written)
    .sort((a, b) => compareText(normalizeName(a), normalizeName(b)));
  return {
    undeclared: byKind("required"),
    undeclaredOptional: byKind("optional"),
    undeclaredTypeOnly: byKind("typeOnly"),
    unused,
  };
}

/** Normalised name → name as first written, for every entry that names a distribution. */
export function declaredDistributions(declared: string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of declared) {
    const name = distributionName(entry);
    if (name && !names.has(normalizeName(name))) names.set(normalizeName(name), name);
  }
  return names;
}

/**
 * The distribution a dependency entry names: a PEP 508 requirement, a bare name, or the `#egg=` of an
 * editable VCS/URL line. Paths, options and anything unreadable give null.
 */
export function distributionName(entry: string): string | null {
  const text = entry.trim();
  const egg = text.match(/[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/);
  if (egg?.[1]) return egg[1];
  if (text.startsWith("-") || text.startsWith(".") || text.startsWith("/")) return null;
  const parsed = tryParseRequirement(text);
  if (parsed) return parsed.name;
  // Lenient fallback for near-PEP 508 text the strict parser refuses (`name (>=1)` from old metadata).
  const loose = text.match(/^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?=$|[\s[(<>=!~;@,])/);
  return loose?.[1] ?? null;
}

function thirdPartyUses(imports: ImportFacts): ImportUse[] {
  const thirdParty = new Set(imports.thirdParty);
  return imports.uses.filter((use) => thirdParty.has(use.name) || thirdParty.has(use.name.split(".")[0]!));
}

/**
 * The keys one use stands for. A namespace key (`google.cloud`) is dropped when a deeper key of the same
 * use explains it (`from google.cloud import storage` lists both `google.cloud` and `google.cloud.storage`).
 */
function importKeys(use: ImportUse): string[] {
  const modules = use.modules?.length ? use.modules : [use.name];
  const keys = [...new Set(modules.map(importKey))].sort();
  return keys.filter((key) => !keys.some((other) => other.startsWith(`${key}.`)));
}

/**
 * `possible`: every distribution that may provide `key` — installed metadata first (exact), then the
 * table, then the same-name guess — used to decide whether it is declared. `suggested`: what to tell the
 * user to add; the same-name guess only when nothing better is known (`cv2` is not installable).
 */
function candidatesFor(
  key: string,
  installed: ReadonlyMap<string, string[]>,
): { possible: string[]; suggested: string[] } {
  const exact = longestKnownPrefix(key, installed)?.distributions ?? [];
  const possible = uniqueDistributions([...exact, ...candidateDistributions(key)]);
  const known = uniqueDistributions([...exact, ...tableDistributions(key)]);
  return { possible, suggested: known.length > 0 ? known : possible };
}

function rankOf(kind: "required" | "optional" | "typeOnly"): number {
  return kind === "required" ? 0 : kind === "optional" ? 1 : 2;
}
