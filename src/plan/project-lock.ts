/**
 * The project's own lock (poetry.lock, pdm.lock, Pipfile.lock) as dhtl's hashed lock, without
 * re-resolving: every version it pins for the installed groups and extras, with its markers (a name the
 * lock splits into several versions by markers stays split) and the hashes the lock records. Pure: text
 * in, text out.
 *
 * The lock is used only while it still satisfies the manifests; a lock behind them (a dependency it
 * lacks, a version outside the declared range), one pinning something that has no hash (git, URL, a
 * directory) or one without hashes is reported, and the caller re-resolves instead.
 */
import { createHash } from "node:crypto";
import { declaredLocalPaths, localRequirementLine } from "../facts/local-requirements.js";
import { poetryToPep440, poetryToPythonMarker } from "../facts/manifests/pyproject/poetry-constraint.js";
import type { ProjectModel } from "../facts/types.js";
import { parsePipfileLock } from "../formats/pipfile-lock.js";
import { type LockedEdge, parseTomlLock, type TomlLock, type TomlLockEntry } from "../formats/poetry-lock.js";
import {
  evaluateMarker,
  formatMarker,
  type MarkerEnvironment,
  type MarkerNode,
  parseMarker,
} from "../pep/markers.js";
import { normalizeName } from "../pep/names.js";
import { specifierAllows } from "../pep/pep440.js";
import { tryParseRequirement } from "../pep/pep508.js";
import { extraRequirements } from "./requirements-in.js";

export const PROJECT_LOCKS = ["poetry.lock", "pdm.lock", "Pipfile.lock"] as const;
export type ProjectLockFile = (typeof PROJECT_LOCKS)[number];

export interface ProjectLockText {
  file: ProjectLockFile;
  text: string;
}

export type ProjectLockOutcome =
  | {
      kind: "convert";
      from: ProjectLockFile;
      /** Text of the hashed requirements lock. */
      content: string;
      /** Distinct `name==version` lines written. */
      packages: number;
      /** Digest of what the conversion was made from (the project lock, the extras): stale when it changes. */
      inputDigest: string;
      /** Groups other files declare that the lock does not satisfy (`test (setup.py)`): not installed. */
      uncovered: string[];
      /** `name==version` of the seeded packages added beside the lock's own pins. */
      seeded: string[];
    }
  /** The lock cannot be installed as it is: `reason` says why, in words; the caller re-resolves. */
  | { kind: "reresolve"; from: ProjectLockFile; reason: string };

/** One line of the converted lock. */
interface LockLine {
  name: string;
  version: string;
  marker: string | null;
  hashes: string[];
}

/** The project lock to install, if the project has one (the first of poetry.lock, pdm.lock, Pipfile.lock). */
export function projectLockFileOf(files: string[]): ProjectLockFile | null {
  return PROJECT_LOCKS.find((file) => files.includes(file)) ?? null;
}

/** What the converted lock is made from; regenerate compares it to tell a changed project lock. */
export function projectLockDigest(lock: ProjectLockText, extras: string[]): string {
  const hash = createHash("sha256").update(lock.file).update("\0").update(lock.text).update("\0");
  return `sha256:${hash.update([...extras].sort().join(",")).digest("hex")}`;
}

/**
 * Converts the project's lock for installing `extras` and every group on the interpreter whose marker
 * values are `env` (they decide which declared requirements the lock must hold).
 */
export function convertProjectLock(
  project: ProjectModel,
  lock: ProjectLockText,
  options: {
    extras: string[];
    env: MarkerEnvironment;
    /** What the lock's own tool put into every environment without locking it: added unless pinned. */
    seeded?: { name: string; version: string; hashes: string[] }[];
  },
): ProjectLockOutcome {
  const from = lock.file;
  let lines: LockLine[];
  let pinned: Map<string, string[]>;
  try {
    if (from === "Pipfile.lock") ({ lines, pinned } = pipfileLines(lock.text, from));
    else ({ lines, pinned } = tomlLines(parseTomlLock(lock.text, from), project, options.extras));
  } catch (error) {
    if (error instanceof Unsupported) return { kind: "reresolve", from, reason: error.message };
    throw error;
  }
  const stale = staleAgainst(project, pinned, options, from);
  if (stale) return { kind: "reresolve", from, reason: stale };
  const unhashed = lines.find((line) => line.hashes.length === 0);
  if (unhashed)
    return {
      kind: "reresolve",
      from,
      reason: `${from} records no hash for ${unhashed.name} ${unhashed.version}`,
    };
  const seeded = (options.seeded ?? [])
    .filter((seed) => !pinned.has(normalizeName(seed.name)))
    .map((seed) => ({
      name: normalizeName(seed.name),
      version: seed.version,
      marker: null,
      hashes: seed.hashes,
    }));
  const all = [...lines, ...seeded];
  return {
    kind: "convert",
    from,
    content: render(project, all, from),
    packages: new Set(all.map((line) => `${line.name}==${line.version}`)).size,
    inputDigest: projectLockDigest(lock, options.extras),
    uncovered: uncoveredGroups(project, pinned, options, from),
    seeded: seeded.map((seed) => `${seed.name}==${seed.version}`),
  };
}

class Unsupported extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Pipfile.lock: every category, markers as locked.

function pipfileLines(
  text: string,
  from: ProjectLockFile,
): { lines: LockLine[]; pinned: Map<string, string[]> } {
  const lock = parsePipfileLock(text, from);
  const lines: LockLine[] = [];
  const pinned = new Map<string, string[]>();
  for (const entries of Object.values(lock.categories)) {
    for (const entry of entries) {
      if (entry.vcs)
        throw new Unsupported(`${from} installs ${entry.name} from ${entry.vcs}, which has no hash to pin`);
      if (entry.version === null) {
        // `path = "."` is the project itself; other local directories come from the manifests' local paths.
        if (entry.path !== null) continue;
        throw new Unsupported(`${from} locks ${entry.name} without a version`);
      }
      const name = normalizeName(entry.name);
      lines.push({ name, version: entry.version, marker: entry.markers, hashes: entry.hashes });
      pinned.set(name, [...(pinned.get(name) ?? []), entry.version]);
    }
  }
  return { lines: dedupe(lines), pinned };
}

// ---------------------------------------------------------------------------------------------------------
// poetry.lock and pdm.lock

function tomlLines(
  lock: TomlLock,
  project: ProjectModel,
  extras: string[],
): { lines: LockLine[]; pinned: Map<string, string[]> } {
  const entries = lock.entries.filter((entry) => entry.entryExtras.length === 0);
  const pinned = new Map<string, string[]>();
  for (const entry of entries) {
    const name = normalizeName(entry.name);
    pinned.set(name, [...(pinned.get(name) ?? []), entry.version]);
  }
  const markers = entriesHaveMetadata(lock)
    ? markersFromMetadata(lock, entries, project, extras)
    : walkMarkers(lock, entries, project, extras);
  const lines: LockLine[] = [];
  for (const [entry, marker] of markers) {
    if (entry.sourceType !== null && entry.sourceType !== "legacy") {
      throw new Unsupported(
        `${lock.format === "pdm" ? "pdm.lock" : "poetry.lock"} installs ${entry.name} from a ${entry.sourceType} source, which has no hash to pin`,
      );
    }
    lines.push({
      name: normalizeName(entry.name),
      version: entry.version,
      marker,
      hashes: entry.files.flatMap((file) => (file.hash ? [file.hash] : [])),
    });
  }
  return { lines: dedupe(lines), pinned };
}

/** Poetry ≥ 2 (lock-version 2.1) writes each entry's groups and markers; pdm does with `inherit_metadata`. */
function entriesHaveMetadata(lock: TomlLock): boolean {
  if (lock.format === "pdm") return lock.strategy.includes("inherit_metadata");
  const [major = 0, minor = 0] = (lock.lockVersion ?? "").split(".").map(Number);
  return major > 2 || (major === 2 && minor >= 1);
}

/** Entries of installed groups, each with its marker (extras decided, `null` when it always applies). */
function markersFromMetadata(
  lock: TomlLock,
  entries: TomlLockEntry[],
  project: ProjectModel,
  extras: string[],
): Map<TomlLockEntry, string | null> {
  const chosen = new Set(extras.map(normalizeName));
  const notChosenExtras = new Set(
    Object.keys(project.optionalDependencies)
      .map(normalizeName)
      .filter((extra) => !chosen.has(extra)),
  );
  const out = new Map<TomlLockEntry, string | null>();
  for (const entry of entries) {
    // pdm lists extras as groups: an extra not asked for is a group not installed.
    const groups =
      lock.format === "pdm"
        ? entry.groups.filter((group) => !notChosenExtras.has(normalizeName(group)))
        : entry.groups;
    if (groups.length === 0) continue;
    const applying = entry.markers.filter((m) => m.group === null || groups.includes(m.group));
    // Per-group markers: a group without one installs the entry unconditionally.
    const unconditional =
      entry.markers.length === 0 ||
      (entry.markers.every((m) => m.group !== null) &&
        groups.some((g) => !entry.markers.some((m) => m.group === g)));
    const marker = unconditional ? null : anyOf(applying.map((m) => m.marker));
    const decided = marker === null ? true : decideExtras(marker, extras);
    if (decided === false) continue;
    out.set(entry, decided === true ? null : decided);
  }
  return out;
}

/**
 * Older Poetry locks (and pdm without `inherit_metadata`) record no markers per entry: walk the dependency
 * edges from the declared requirements, joining each path's markers, as Poetry's installer does.
 */
function walkMarkers(
  lock: TomlLock,
  entries: TomlLockEntry[],
  project: ProjectModel,
  extras: string[],
): Map<TomlLockEntry, string | null> {
  const byName = new Map<string, TomlLockEntry[]>();
  for (const entry of entries) {
    const name = normalizeName(entry.name);
    byName.set(name, [...(byName.get(name) ?? []), entry]);
  }
  // Per entry: the markers of every path found so far (null: some path is unconditional), and extras asked.
  const state = new Map<TomlLockEntry, { markers: Set<string> | null; extras: Set<string> }>();
  const queue: TomlLockEntry[] = [];
  const reach = (entry: TomlLockEntry, marker: string | null, askedExtras: string[]) => {
    let current = state.get(entry);
    let changed = false;
    if (!current) {
      current = { markers: new Set(), extras: new Set() };
      state.set(entry, current);
      changed = true;
    }
    if (current.markers !== null) {
      if (marker === null) {
        current.markers = null;
        changed = true;
      } else if (!current.markers.has(marker)) {
        current.markers.add(marker);
        // Too many distinct paths to keep apart: install it wherever it is needed at all.
        if (current.markers.size > 8) current.markers = null;
        changed = true;
      }
    }
    for (const extra of askedExtras.map(normalizeName))
      if (!current.extras.has(extra)) {
        current.extras.add(extra);
        changed = true;
      }
    if (changed) queue.push(entry);
  };
  const selfName = project.name ? normalizeName(project.name) : null;
  const roots = [
    ...project.dependencies,
    ...Object.values(project.dependencyGroups).flat(),
    ...extraRequirements(project, extras),
  ];
  for (const requirement of roots) {
    const parsed = tryParseRequirement(requirement);
    if (!parsed || parsed.url !== null) continue;
    const name = normalizeName(parsed.name);
    if (name === selfName) continue;
    for (const entry of pickVersions(byName.get(name) ?? [], parsed.specifier))
      reach(entry, parsed.marker, parsed.extras);
  }
  while (queue.length > 0) {
    const entry = queue.shift()!;
    const current = state.get(entry)!;
    const parentMarker = current.markers === null ? null : anyOf([...current.markers]);
    for (const edge of entry.dependencies) {
      if (edge.optional && !extraAsks(entry, current.extras, edge.name)) continue;
      // `extra == "socks"` on an edge speaks of the extras asked of this entry, not of the project.
      const own = edge.marker === null ? true : decideExtras(edge.marker, [...current.extras]);
      if (own === false) continue;
      const edgeMarker = allOf([
        own === true ? null : own,
        edge.python ? poetryToPythonMarker(edge.python) : null,
      ]);
      const specifier = lock.format === "poetry" ? safePoetrySpecifier(edge) : edge.constraint.trim();
      for (const child of pickVersions(byName.get(normalizeName(edge.name)) ?? [], specifier))
        reach(child, allOf([parentMarker, edgeMarker]), edge.extras);
    }
  }
  const out = new Map<TomlLockEntry, string | null>();
  for (const [entry, reached] of state) {
    const marker =
      reached.markers === null || reached.markers.size === 0 ? null : anyOf([...reached.markers]);
    const decided = marker === null ? true : decideExtras(marker, extras);
    if (decided !== false) out.set(entry, decided === true ? null : decided);
  }
  return out;
}

/** True when one of the extras asked of `entry` lists `name` (Poetry `[package.extras]`). */
function extraAsks(entry: TomlLockEntry, asked: Set<string>, name: string): boolean {
  const wanted = normalizeName(name);
  return Object.entries(entry.extras).some(
    ([extra, requirements]) =>
      asked.has(normalizeName(extra)) &&
      requirements.some(
        (requirement) => normalizeName(/^\s*([A-Za-z0-9._-]+)/.exec(requirement)?.[1] ?? "") === wanted,
      ),
  );
}

/** The locked versions an edge may reach: all when the lock has one, else those its specifier allows. */
function pickVersions(versions: TomlLockEntry[], specifier: string): TomlLockEntry[] {
  if (versions.length <= 1 || specifier === "") return versions;
  const allowed = versions.filter((entry) =>
    specifierAllows(specifier, entry.version, { prereleases: true }),
  );
  return allowed.length > 0 ? allowed : versions;
}

function safePoetrySpecifier(edge: LockedEdge): string {
  try {
    return poetryToPep440(edge.constraint);
  } catch {
    return "";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Markers

/**
 * Decides the `extra == "x"` comparisons of a marker for the chosen extras: true or false when nothing
 * else is left, else the rest of the marker as text.
 */
export function decideExtras(marker: string, extras: string[]): string | boolean {
  let node: MarkerNode;
  try {
    node = parseMarker(marker);
  } catch {
    return marker;
  }
  const chosen = new Set(extras.map(normalizeName));
  const decided = decide(node, chosen);
  return typeof decided === "boolean" ? decided : formatMarker(decided);
}

function decide(node: MarkerNode, chosen: Set<string>): MarkerNode | boolean {
  switch (node.kind) {
    case "group": {
      const inner = decide(node.inner, chosen);
      return typeof inner === "boolean" ? inner : { kind: "group", inner };
    }
    case "compare": {
      const { left, right, op } = node;
      const extraSide =
        left.kind === "variable" && left.name === "extra"
          ? right
          : right.kind === "variable" && right.name === "extra"
            ? left
            : null;
      if (extraSide?.kind !== "string" || (op !== "==" && op !== "!=")) return node;
      const has = chosen.has(normalizeName(extraSide.value));
      return op === "==" ? has : !has;
    }
    default: {
      const left = decide(node.left, chosen);
      const right = decide(node.right, chosen);
      if (node.kind === "and") {
        if (left === false || right === false) return false;
        if (left === true) return right;
        if (right === true) return left;
      } else {
        if (left === true || right === true) return true;
        if (left === false) return right;
        if (right === false) return left;
      }
      return { kind: node.kind, left: left as MarkerNode, right: right as MarkerNode };
    }
  }
}

function anyOf(markers: string[]): string | null {
  const unique = [...new Set(markers)];
  if (unique.length === 0) return null;
  if (unique.length === 1) return unique[0]!;
  return unique.map((marker) => `(${marker})`).join(" or ");
}

function allOf(markers: (string | null)[]): string | null {
  const present = [
    ...new Set(markers.filter((marker): marker is string => marker !== null && marker !== "")),
  ];
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!;
  return present.map((marker) => `(${marker})`).join(" and ");
}

// ---------------------------------------------------------------------------------------------------------
// Staleness and rendering

/**
 * Why the lock does not satisfy the manifests, or null when it does: a requirement that applies here
 * and that no locked version satisfies — of the runtime (any manifest: the project is installed without
 * its dependencies), of the lock's own manifest's groups (Pipfile for Pipfile.lock, pyproject.toml for
 * the others), or of a chosen extra. Groups other files declare (setup.py `tests_require`) are not the
 * lock's to cover.
 */
function staleAgainst(
  project: ProjectModel,
  pinned: Map<string, string[]>,
  options: { extras: string[]; env: MarkerEnvironment },
  from: ProjectLockFile,
): string | null {
  const own = project.manifests.filter((manifest) => manifest.file === ownManifest(from));
  const declared = [
    ...project.dependencies,
    ...own.flatMap((manifest) =>
      Object.values(manifest.dependencyGroups)
        .flat()
        .map((dep) => dep.requirement),
    ),
    ...extraRequirements(project, options.extras),
  ];
  for (const requirement of declared) {
    const problem = unsatisfied(requirement, pinned, options, project);
    if (problem === "missing")
      return `${from} does not lock ${requirementName(requirement)}, which the manifests require (${requirement.trim()})`;
    if (problem !== null)
      return `${from} pins ${requirementName(requirement)} ${problem}, outside what the manifests ask for (${requirement.trim()})`;
  }
  return null;
}

/** The manifest a project lock is made from. */
function ownManifest(from: ProjectLockFile): string {
  return from === "Pipfile.lock" ? "Pipfile" : "pyproject.toml";
}

/** Groups of other manifests with a requirement the lock does not satisfy, as `name (file)`. */
function uncoveredGroups(
  project: ProjectModel,
  pinned: Map<string, string[]>,
  options: { extras: string[]; env: MarkerEnvironment },
  from: ProjectLockFile,
): string[] {
  const found = new Set<string>();
  for (const manifest of project.manifests) {
    if (manifest.file === ownManifest(from)) continue;
    for (const [group, deps] of Object.entries(manifest.dependencyGroups)) {
      if (deps.some((dep) => unsatisfied(dep.requirement, pinned, options, project) !== null))
        found.add(`${group} (${manifest.file})`);
    }
  }
  return [...found].sort();
}

/** Null when the lock satisfies the requirement here (or it does not apply), "missing", or the versions locked. */
function unsatisfied(
  requirement: string,
  pinned: Map<string, string[]>,
  options: { extras: string[]; env: MarkerEnvironment },
  project: ProjectModel,
): string | null {
  const parsed = tryParseRequirement(requirement);
  if (!parsed || parsed.url !== null) return null;
  const name = normalizeName(parsed.name);
  if (project.name && name === normalizeName(project.name)) return null;
  if (parsed.marker && !safeEvaluate(parsed.marker, options.env, options.extras)) return null;
  const versions = pinned.get(name);
  if (!versions) return "missing";
  if (
    parsed.specifier &&
    !versions.some((version) => specifierAllows(parsed.specifier, version, { prereleases: true }))
  )
    return versions.join(", ");
  return null;
}

function requirementName(requirement: string): string {
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1] ?? requirement.trim();
}

function safeEvaluate(marker: string, env: MarkerEnvironment, extras: string[]): boolean {
  try {
    return evaluateMarker(marker, env, { extras });
  } catch {
    return true;
  }
}

function dedupe(lines: LockLine[]): LockLine[] {
  const seen = new Map<string, LockLine>();
  for (const line of lines) {
    const key = `${line.name}\0${line.version}\0${line.marker ?? ""}`;
    const known = seen.get(key);
    if (known) known.hashes = [...new Set([...known.hashes, ...line.hashes])];
    else seen.set(key, { ...line, hashes: [...line.hashes] });
  }
  return [...seen.values()];
}

function render(project: ProjectModel, lines: LockLine[], from: ProjectLockFile): string {
  const header = `# Converted by dhtl from ${from}: the versions and hashes it pins, not re-resolved; do not edit.\n`;
  const indexLines = project.indexes
    .filter((index) => !index.url.includes("****") && /^https?:\/\/[^\s]+$/.test(index.url))
    .filter((index) => index.kind === "default" || index.kind === "extra")
    .map((index) => `${index.kind === "default" ? "--index-url" : "--extra-index-url"} ${index.url}`)
    .sort();
  const localLines = [
    ...new Set(declaredLocalPaths(project).map((local) => localRequirementLine(local.path))),
  ].sort();
  const body = [...lines]
    .sort(
      (a, b) =>
        compare(a.name, b.name) || compare(a.version, b.version) || compare(a.marker ?? "", b.marker ?? ""),
    )
    .map((line) => {
      const head = `${line.name}==${line.version}${line.marker ? ` ; ${line.marker}` : ""}`;
      const hashes = [...new Set(line.hashes)].sort().map((hash) => `    --hash=${hash}`);
      return [`${head} \\`, ...hashes.map((hash, i) => (i < hashes.length - 1 ? `${hash} \\` : hash))].join(
        "\n",
      );
    });
  return `${[header.trimEnd(), ...indexLines, ...localLines, ...body].join("\n")}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
