/**
 * Compares what the code imports with what the manifests declare: third-party imports no declared
 * distribution provides (undeclared) and declared distributions nothing imports (unused).
 */

import { compareText } from "../../core/compare.js";
import { normalizeName } from "../../pep/names.js";
import { tryParseRequirement } from "../../pep/pep508.js";
import type {
  DistributionReason,
  ImportFacts,
  ImportUse,
  InferredFacts,
  UndeclaredImport,
} from "../types.js";
import {
  candidateDistributions,
  importKey,
  importsProvidedBy,
  installedImportIndex,
  longestKnownPrefix,
  tableDistributions,
  uniqueDistributions,
} from "./index.js";
import type { UsedWithoutImport } from "./used-without-import.js";

/** What the project declares, section by section (PEP 508 strings or bare names). */
export interface DeclaredSections {
  dependencies: string[];
  optionalDependencies: Record<string, string[]>;
  dependencyGroups: Record<string, string[]>;
  /** `[build-system] requires`; null without a build-system table, where setup.py gets setuptools implicitly. */
  buildRequires: string[] | null;
}

export interface InferOptions {
  /** A virtual environment whose installed metadata maps imports exactly (checked before the table). */
  venvPath?: string;
  /** The project's own distribution name: extras that name it (`myproj[test]`) are not dependencies. */
  projectName?: string;
  /** Why a declared distribution nothing imports is used anyway; null when nothing says it is. */
  usedWithoutImport?: UsedWithoutImport;
  /** Which file that could not be scanned may import one of these modules; null when none can. */
  unscannedMention?: (modules: string[]) => string | null;
  /**
   * Projects nested in this one (workspace members, `backend/`), each with what it declares: a file inside
   * one may import what that project declares as well as what the root declares.
   */
  nestedProjects?: { dir: string; sections: DeclaredSections | (() => DeclaredSections) }[];
}

/** What setup.py may import without declaring it when there is no `[build-system]` table (pip's legacy build). */
const IMPLICIT_BUILD_REQUIRES = ["setuptools", "wheel"];

type Kind = "required" | "optional" | "typeOnly";
type Role = NonNullable<ImportUse["roles"]>[number];

/**
 * `declared` holds the project's sections (a flat list counts as runtime dependencies). Imports of runtime
 * code must be declared somewhere; imports of setup.py, tests, tools and docs may also come from the build
 * requirements, and their undeclared ones are reported apart (`undeclaredTooling`). Everything returned is
 * sorted; candidates stay best first.
 */
export function inferDependencies(
  imports: ImportFacts,
  declared: string[] | DeclaredSections,
  options: InferOptions = {},
): InferredFacts {
  const sections: DeclaredSections = Array.isArray(declared)
    ? { dependencies: declared, optionalDependencies: {}, dependencyGroups: {}, buildRequires: null }
    : declared;
  const sectionsOf = sectionsByDistribution(sections);
  if (options.projectName) sectionsOf.delete(normalizeName(options.projectName));
  const declaredNames = new Map([...sectionsOf].map(([key, entry]) => [key, entry.written]));
  // Tooling code may also rely on build requirements and on what PEP 723 scripts declare for themselves.
  const buildNames = declaredDistributions([
    ...(sections.buildRequires ?? IMPLICIT_BUILD_REQUIRES),
    ...(imports.scriptDependencies ?? []),
  ]);
  const installed = options.venvPath ? installedImportIndex(options.venvPath) : new Map<string, string[]>();
  // A nested project's manifests are read only when one of its files needs them.
  const nestedNames = new Map<string, Set<string>>();
  const namesOfNested = (dir: string, sections: DeclaredSections | (() => DeclaredSections)) => {
    let names = nestedNames.get(dir);
    if (!names) {
      const own = typeof sections === "function" ? sections() : sections;
      names = new Set([
        ...sectionsByDistribution(own).keys(),
        ...declaredDistributions(own.buildRequires ?? []).keys(),
      ]);
      nestedNames.set(dir, names);
    }
    return names;
  };
  /** Files of `files` whose own nested project declares one of `possible`: they need nothing more. */
  const coveredByNested = (files: string[], possible: string[]) =>
    files.filter((file) => {
      const project = (options.nestedProjects ?? [])
        .filter(({ dir }) => file.startsWith(`${dir}/`))
        .sort((a, b) => b.dir.length - a.dir.length)[0];
      if (project === undefined) return false;
      const names = namesOfNested(project.dir, project.sections);
      return possible.some((name) => names.has(normalizeName(name)));
    });
  const used = new Set<string>();
  const notImportable = new Map<string, InferredFacts["notImportable"][number]>();
  const undeclared = new Map<
    string,
    UndeclaredImport & { kind: Kind; runtime: boolean; roleSet: Set<Role> }
  >();

  for (const use of thirdPartyUses(imports)) {
    const kind: Kind =
      use.typeOnly || imports.typeOnly.includes(use.name)
        ? "typeOnly"
        : use.optional || imports.optional.includes(use.name)
          ? "optional"
          : "required";
    const roles = use.roles ?? ["runtime"];
    const runtime = roles.length === 0 || roles.includes("runtime");
    for (const key of importKeys(use)) {
      const found = candidatesFor(key, installed);
      const suggested = found.suggested;
      // `backports.zoneinfo` may come from backports.zoneinfo though `backports` is no known namespace.
      const possible = uniqueDistributions([
        ...found.possible,
        ...dottedGuesses(key, use.modules ?? []),
        ...(found.known ? [] : declaredAffixed(key, declaredNames)),
      ]);
      for (const name of possible) used.add(normalizeName(name));
      // A guard no supported Python takes: the import never runs, so it needs nothing.
      if (use.unreachable) continue;
      const isDeclared = (name: string) =>
        declaredNames.has(normalizeName(name)) || (!runtime && buildNames.has(normalizeName(name)));
      if (possible.some(isDeclared)) continue;
      const covered = new Set(coveredByNested(use.files, possible));
      const files = use.files.filter((file) => !covered.has(file));
      if (files.length === 0) continue;
      if (use.alsoInProject) {
        const known = notImportable.get(key) ?? { import: key, files: [], module: use.alsoInProject };
        known.files = [...new Set([...known.files, ...files])].sort();
        notImportable.set(key, known);
        continue;
      }
      const entry = undeclared.get(key) ?? {
        import: key,
        candidates: suggested,
        files: [],
        kind,
        runtime,
        roleSet: new Set<Role>(),
      };
      entry.files = [...new Set([...entry.files, ...files])].sort();
      if (rankOf(kind) < rankOf(entry.kind)) entry.kind = kind;
      entry.runtime ||= runtime;
      for (const role of roles) entry.roleSet.add(role);
      if (use.versions) entry.when = use.versions;
      undeclared.set(key, entry);
    }
  }

  const listed = (keep: (entry: { kind: Kind; runtime: boolean }) => boolean, withRoles = false) =>
    [...undeclared.values()]
      .filter(keep)
      .map(({ import: name, candidates, files, when, roleSet }) => ({
        import: name,
        candidates,
        files,
        ...(when ? { when } : {}),
        ...(withRoles ? { roles: ROLE_ORDER.filter((role) => roleSet.has(role)) } : {}),
      }))
      .sort((a, b) => compareText(a.import, b.import));

  // A declared backport of a stdlib module (typing, enum34, dataclasses) is used where that module is imported.
  for (const use of imports.uses.filter((u) => u.kind === "stdlib")) {
    for (const distribution of candidatesFor(use.name, installed).possible) {
      if (declaredNames.has(normalizeName(distribution))) used.add(normalizeName(distribution));
    }
  }
  for (const name of imports.dynamicNames ?? []) {
    for (const distribution of candidatesFor(name, installed).possible) used.add(normalizeName(distribution));
  }
  const importedModules = new Set(
    imports.uses.filter((use) => use.kind !== "local").flatMap((use) => use.modules),
  );
  const context = { importedDistributions: used, importedModules };
  const unused: string[] = [];
  const usedWithoutImport: DistributionReason[] = [];
  const unusedUncertain: DistributionReason[] = [];
  for (const [normalized, { written, sections: where }] of sectionsOf) {
    if (used.has(normalized)) continue;
    const verdict = options.usedWithoutImport?.(written, where, context) ?? null;
    if (verdict && "used" in verdict) {
      usedWithoutImport.push({ name: written, reason: verdict.used });
      continue;
    }
    if (verdict && "uncertain" in verdict) {
      unusedUncertain.push({ name: written, reason: verdict.uncertain });
      continue;
    }
    const mention = options.unscannedMention?.(importsProvidedBy(written)) ?? null;
    if (mention !== null) {
      unusedUncertain.push({ name: written, reason: `${mention} could not be scanned and mentions it` });
      continue;
    }
    unused.push(written);
  }
  const byName = (a: string, b: string) => compareText(normalizeName(a), normalizeName(b));
  return {
    undeclared: listed((entry) => entry.runtime && entry.kind === "required"),
    undeclaredOptional: listed((entry) => entry.runtime && entry.kind === "optional"),
    undeclaredTypeOnly: listed((entry) => entry.runtime && entry.kind === "typeOnly"),
    undeclaredTooling: listed((entry) => !entry.runtime, true),
    unused: unused.sort(byName),
    usedWithoutImport: usedWithoutImport.sort((a, b) => byName(a.name, b.name)),
    unusedUncertain: unusedUncertain.sort((a, b) => byName(a.name, b.name)),
    notImportable: [...notImportable.values()].sort((a, b) => compareText(a.import, b.import)),
  };
}

const ROLE_ORDER: Role[] = ["runtime", "build", "dev", "docs"];

/**
 * Normalised name → the name as first written and the sections that declare it (`dependencies`,
 * `extra:test`, `group:dev`), for every entry that names a distribution.
 */
function sectionsByDistribution(
  sections: DeclaredSections,
): Map<string, { written: string; sections: string[] }> {
  const found = new Map<string, { written: string; sections: string[] }>();
  const add = (entries: string[], section: string) => {
    for (const entry of entries) {
      const name = distributionName(entry);
      if (!name) continue;
      const key = normalizeName(name);
      const known = found.get(key) ?? { written: name, sections: [] };
      if (!known.sections.includes(section)) known.sections.push(section);
      found.set(key, known);
    }
  };
  add(sections.dependencies, "dependencies");
  for (const [extra, entries] of Object.entries(sections.optionalDependencies))
    add(entries, `extra:${extra}`);
  for (const [group, entries] of Object.entries(sections.dependencyGroups)) add(entries, `group:${group}`);
  return found;
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
  return imports.uses.filter((use) =>
    use.kind !== undefined
      ? use.kind === "thirdParty"
      : thirdParty.has(use.name) || thirdParty.has(use.name.split(".")[0] as string),
  );
}

/**
 * The keys one use stands for. A namespace key (`google.cloud`) is dropped when a deeper key of the same
 * use explains it (`from google.cloud import storage` lists both `google.cloud` and `google.cloud.storage`).
 * A use named below a local namespace package (`acme.core` beside the project's own `acme.widgets`) is
 * never looked up above that name.
 */
function importKeys(use: ImportUse): string[] {
  const modules = use.modules?.length ? use.modules : [use.name];
  const depth = use.name.split(".").length;
  const keys = [
    ...new Set(
      modules.map((module) => {
        const key = importKey(module);
        return key.split(".").length < depth && module.startsWith(use.name) ? use.name : key;
      }),
    ),
  ].sort();
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
): { possible: string[]; suggested: string[]; known: boolean } {
  const exact = longestKnownPrefix(key, installed)?.distributions ?? [];
  const possible = uniqueDistributions([...exact, ...candidateDistributions(key, key)]);
  const known = uniqueDistributions([...exact, ...tableDistributions(key)]);
  return { possible, suggested: known.length > 0 ? known : possible, known: known.length > 0 };
}

/** Affixes distributions add to the module they provide (graphql-server-core ships `graphql_server`). */
const DISTRIBUTION_AFFIXES = [
  (name: string) => `${name}-core`,
  (name: string) => `${name}-python`,
  (name: string) => `python-${name}`,
  (name: string) => `py-${name}`,
  (name: string) => `${name}-py`,
];

/**
 * A module neither the environment nor the tables know, and a declared distribution named after it with
 * a common affix: that distribution provides it (a guess only among what the project declares, so it
 * never suggests anything from the index).
 */
function declaredAffixed(key: string, declared: ReadonlyMap<string, string>): string[] {
  const name = normalizeName(key.split(".")[0]!);
  return DISTRIBUTION_AFFIXES.map((affix) => affix(name)).filter((candidate) => declared.has(candidate));
}

/** Names of the dotted modules below `key` (two and three levels deep), as distributions might be called. */
function dottedGuesses(key: string, modules: readonly string[]): string[] {
  const guesses = new Set<string>();
  for (const module of modules) {
    if (!module.startsWith(`${key}.`)) continue;
    const parts = module.split(".");
    for (let length = 2; length <= Math.min(3, parts.length); length++)
      guesses.add(normalizeName(parts.slice(0, length).join(".")));
  }
  return [...guesses];
}

function rankOf(kind: Kind): number {
  return kind === "required" ? 0 : kind === "optional" ? 1 : 2;
}
