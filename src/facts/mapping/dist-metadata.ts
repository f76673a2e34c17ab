/**
 * What a distribution provides besides importable code: console scripts, plugin entry points, the
 * distributions its extras add, the modules its stubs type. Read from the project's installed `.venv`
 * when there is one (exact), else from `dist-metadata.json`, built by `scripts/build-dist-metadata.py`
 * from the real wheels of widely used distributions (each entry names its wheel).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeName } from "../../pep/names.js";
import { readInstalledDistributions, sitePackagesDirs } from "../../python/dist-info.js";
import distMetadataFile from "./dist-metadata.json" with { type: "json" };

export interface DistMetadata {
  name: string;
  /** Top-level import names (namespace packages at their first own level). */
  modules: string[];
  /** Console and GUI script names. */
  scripts: string[];
  /** Other entry points, by group (`pytest11`, `flake8.extension`, `mkdocs.plugins` …). */
  entryPoints: Record<string, string[]>;
  /** Normalised distribution names each extra adds. */
  extras: Record<string, string[]>;
  /** Modules a stub-only distribution types (`yaml` for types-PyYAML). */
  stubs?: string[];
  /** Normalised names of the distributions it always requires. */
  requires?: string[];
  /** `.pth` files it installs, which Python runs at start-up. */
  startup?: string[];
  /** Where the facts come from: a wheel's file name, or `installed` for the project's environment. */
  source: string;
}

interface DistMetadataFile {
  format: number;
  distributions: Record<string, Omit<DistMetadata, "source"> & { source: string }>;
}

const table = (distMetadataFile as unknown as DistMetadataFile).distributions;

/** The table's facts about a distribution (any spelling), or null when it has none. */
export function tableMetadata(distribution: string): DistMetadata | null {
  return table[normalizeName(distribution)] ?? null;
}

/** Every (module, distribution) pair the table knows, for the import map. */
export function tableModulePairs(): [string, string][] {
  const pairs: [string, string][] = [];
  for (const entry of Object.values(table))
    for (const module of entry.modules) pairs.push([module, entry.name]);
  return pairs;
}

/**
 * The metadata of every distribution installed in a virtual environment, by normalised name: its
 * `entry_points.txt` and the extras of its METADATA. Empty when there is no environment.
 */
export function installedMetadata(venvPath: string): Map<string, DistMetadata> {
  const found = new Map<string, DistMetadata>();
  for (const site of sitePackagesDirs(venvPath)) {
    for (const distribution of readInstalledDistributions(site)) {
      const { scripts, entryPoints } = parseEntryPoints(
        readOptional(join(distribution.distInfo, "entry_points.txt")),
      );
      const stubs = distribution.record
        .map(({ path }) => path.split("/")[0] as string)
        .filter((top) => top.endsWith("-stubs"))
        .map((top) => top.slice(0, -"-stubs".length));
      // Executables installed beside the console scripts (ruff's and uv's binaries) are commands too.
      const executables = distribution.record
        .map(({ path }) => /(?:^|\/)(?:bin|Scripts)\/([^/]+?)(?:\.exe)?$/.exec(path)?.[1])
        .filter((name): name is string => name !== undefined && !name.startsWith("activate"));
      const startup = distribution.record
        .map(({ path }) => path)
        .filter((path) => !path.includes("/") && path.endsWith(".pth"));
      found.set(distribution.normalized, {
        name: distribution.name,
        modules: distribution.topLevel,
        scripts: [...new Set([...scripts, ...executables])].sort(),
        entryPoints,
        extras: extrasOf(distribution.name, distribution.requiresDist),
        requires: requiresOf(distribution.requiresDist),
        ...(stubs.length > 0 ? { stubs: [...new Set(stubs)].sort() } : {}),
        ...(startup.length > 0 ? { startup: startup.sort() } : {}),
        source: "installed",
      });
    }
  }
  return found;
}

/** `[console_scripts]` and `[gui_scripts]` names, and every other group's entry point names. */
export function parseEntryPoints(text: string | null): {
  scripts: string[];
  entryPoints: Record<string, string[]>;
} {
  const scripts = new Set<string>();
  const entryPoints: Record<string, string[]> = {};
  let group: string | null = null;
  for (const raw of (text ?? "").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      group = (header[1] as string).trim();
      continue;
    }
    const equals = line.indexOf("=");
    if (group === null || equals <= 0) continue;
    const name = line.slice(0, equals).trim();
    if (group === "console_scripts" || group === "gui_scripts") scripts.add(name);
    else entryPoints[group] = [...(entryPoints[group] ?? []), name];
  }
  return { scripts: [...scripts].sort(), entryPoints };
}

/** Normalised names of the `Requires-Dist` lines no extra guards. */
function requiresOf(requiresDist: string[]): string[] {
  const names = requiresDist
    .filter((requirement) => !/extra\s*==/.test(requirement))
    .map((requirement) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1])
    .filter((name): name is string => name !== undefined)
    .map(normalizeName);
  return [...new Set(names)].sort();
}

/** Normalised names each extra adds, from `Requires-Dist: x; extra == "y"` lines. */
function extrasOf(own: string, requiresDist: string[]): Record<string, string[]> {
  const extras: Record<string, string[]> = {};
  for (const requirement of requiresDist) {
    const extra = /extra\s*==\s*['"]([^'"]+)['"]/.exec(requirement)?.[1];
    const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1];
    if (!extra || !name || normalizeName(name) === normalizeName(own)) continue;
    const list = extras[normalizeName(extra)] ?? [];
    if (!list.includes(normalizeName(name))) extras[normalizeName(extra)] = [...list, normalizeName(name)];
  }
  return extras;
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
