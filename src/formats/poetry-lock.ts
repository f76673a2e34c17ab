/**
 * poetry.lock, and pdm.lock, which keeps the same `[[package]]` tables: every locked package with its
 * version, source, groups, markers, files (name and hash) and dependency edges, as the lock writes them.
 * (uv.lock has its own reader, uv-lock.ts.)
 *
 * Nothing is re-resolved or simplified here: a name locked in several versions (Poetry splits them by
 * markers) stays several entries, each with its own markers.
 */
import { parseToml } from "./toml.js";
import { isTable, stringOrNull, stringsIn, type Table, tableOrNull, tablesIn } from "./toml-table.js";

/** Lock files written in TOML with `[[package]] name/version` entries. */
export const TOML_LOCK_FILES = ["poetry.lock", "pdm.lock"] as const;

export interface TomlLockedPackage {
  name: string;
  version: string;
  /** `[package.source] type` (`git`, `directory`, `url` …); null for a package from an index. */
  sourceType: string | null;
  /**
   * `markers` of the entry (Poetry lock 2.x): where a name is locked at several versions, the environments each
   * one is for. A per-group table (`{ main = "…", dev = "…" }`) is joined with `or`. Null when absent.
   */
  markers: string | null;
}

/** One distribution file of a locked version: its file name and `sha256:…` hash (null when not given). */
export interface LockedFile {
  file: string;
  hash: string | null;
}

/** One dependency edge of a locked package, as written (Poetry constraint or PEP 508 string). */
export interface LockedEdge {
  name: string;
  /** Poetry: its constraint syntax (`^1.2`, `*`); pdm: the PEP 508 specifier part ("" for any). */
  constraint: string;
  /** PEP 508 marker text, or null. */
  marker: string | null;
  /** Poetry's `python = "<3.8"` restriction on the edge (Poetry syntax), or null. */
  python: string | null;
  /** Poetry: the edge is only followed when one of the package's extras asks for it. */
  optional: boolean;
  extras: string[];
}

export interface TomlLockEntry {
  name: string;
  version: string;
  /** `[package.source] type` (Poetry: `git`, `directory`, `file`, `url`, `legacy`); pdm: `git`, `path`, `url`. */
  sourceType: string | null;
  /** The source's URL or path (Poetry `[package.source] url`, pdm `path`/`url`/`git`), or null. */
  sourceUrl: string | null;
  /** Poetry ≥ 2.0 `groups`, Poetry 1 `category`, pdm `groups`; empty when the lock does not say. */
  groups: string[];
  /** Poetry: installed only for an extra (`optional = true`). */
  optional: boolean;
  /**
   * Markers the lock records for the entry: Poetry 2 `markers` (one string, or one per group), pdm
   * `marker`. `group` null: for every group. Empty when the lock records none.
   */
  markers: { group: string | null; marker: string }[];
  files: LockedFile[];
  dependencies: LockedEdge[];
  /** Poetry `[package.extras]`: extra → requirement strings (`PySocks (>=1.5.6,!=1.5.7)`). */
  extras: Record<string, string[]>;
  /** pdm: the extras an entry stands for (`coverage[toml]` is a second entry with `extras = ["toml"]`). */
  entryExtras: string[];
  /** Installed editable (Poetry `develop = true`, pdm `editable = true`). */
  editable: boolean;
}

export interface TomlLock {
  format: "poetry" | "pdm";
  /** `lock-version` (Poetry) or `lock_version` (pdm), as written. */
  lockVersion: string | null;
  /** Poetry `[metadata] python-versions`; pdm `requires_python` of its first target. */
  pythonVersions: string | null;
  /** Poetry `[extras]`: the project's extra → package names. */
  extras: Record<string, string[]>;
  /** pdm `[metadata] groups` (the groups locked); empty for Poetry. */
  groups: string[];
  /** pdm `[metadata] strategy` (`inherit_metadata` makes groups and markers exact per entry). */
  strategy: string[];
  entries: TomlLockEntry[];
}

/** Name, version and source type of every entry (what `migrate` keeps of an old lock). */
export function readPoetryLock(text: string, file: string): TomlLockedPackage[] {
  return parseTomlLock(text, file).entries.map((entry) => ({
    name: entry.name,
    version: entry.version,
    sourceType: entry.sourceType,
    markers: joinedMarkers(entry.markers),
  }));
}

/** Reads a poetry.lock or pdm.lock in full; a syntax error is a badInput error naming the file and line. */
export function parseTomlLock(text: string, file: string): TomlLock {
  const doc = parseToml(
    text,
    file,
    "Regenerate the lock file with the tool that wrote it, or delete it to lock again.",
  );
  const metadata = tableOrNull(doc.metadata) ?? {};
  const isPdm = file.endsWith("pdm.lock") || "lock_version" in metadata;
  // Poetry < 1.2 kept every file list in `[metadata.files]`, keyed by package name.
  const legacyFiles = tableOrNull(metadata.files) ?? {};
  const entries: TomlLockEntry[] = [];
  for (const table of tablesIn(doc.package)) {
    const entry = isPdm ? pdmEntry(table) : poetryEntry(table, legacyFiles);
    if (entry) entries.push(entry);
  }
  const firstTarget = tablesIn(metadata.targets)[0];
  return {
    format: isPdm ? "pdm" : "poetry",
    lockVersion: stringOrNull(metadata["lock-version"]) ?? stringOrNull(metadata.lock_version),
    pythonVersions: stringOrNull(metadata["python-versions"]) ?? stringOrNull(firstTarget?.requires_python),
    extras: isPdm ? {} : stringLists(tableOrNull(doc.extras)),
    groups: isPdm ? stringsIn(metadata.groups) : [],
    strategy: isPdm ? stringsIn(metadata.strategy) : [],
    entries,
  };
}

function poetryEntry(table: Table, legacyFiles: Table): TomlLockEntry | null {
  const name = stringOrNull(table.name);
  const version = stringOrNull(table.version);
  if (name === null || version === null) return null;
  const source = tableOrNull(table.source);
  const category = stringOrNull(table.category);
  const groups = table.groups !== undefined ? stringsIn(table.groups) : category ? [category] : [];
  const ownFiles = Array.isArray(table.files) ? table.files : legacyFiles[name];
  return {
    name,
    version,
    sourceType: stringOrNull(source?.type),
    sourceUrl: stringOrNull(source?.url),
    groups,
    optional: table.optional === true,
    markers: poetryMarkers(table.markers),
    files: lockedFiles(ownFiles),
    dependencies: poetryEdges(tableOrNull(table.dependencies)),
    extras: stringLists(tableOrNull(table.extras)),
    entryExtras: [],
    editable: table.develop === true,
  };
}

/** `markers = "…"` (every group) or `markers = { main = "…", dev = "…" }` (per group). */
function poetryMarkers(value: unknown): TomlLockEntry["markers"] {
  if (typeof value === "string") return [{ group: null, marker: value }];
  const table = tableOrNull(value);
  if (!table) return [];
  return Object.entries(table).flatMap(([group, marker]) =>
    typeof marker === "string" ? [{ group, marker }] : [],
  );
}

/** `[package.dependencies]`: `name = "^1"`, `name = { version, markers, python, optional, extras }`, or a list of those tables. */
function poetryEdges(table: Table | null): LockedEdge[] {
  if (!table) return [];
  const edges: LockedEdge[] = [];
  for (const [name, spec] of Object.entries(table)) {
    const alternatives = Array.isArray(spec) ? spec : [spec];
    for (const alternative of alternatives) {
      if (typeof alternative === "string") {
        edges.push({
          name,
          constraint: alternative,
          marker: null,
          python: null,
          optional: false,
          extras: [],
        });
        continue;
      }
      if (!isTable(alternative)) continue;
      edges.push({
        name,
        constraint: stringOrNull(alternative.version) ?? "*",
        marker: stringOrNull(alternative.markers),
        python: stringOrNull(alternative.python),
        optional: alternative.optional === true,
        extras: stringsIn(alternative.extras),
      });
    }
  }
  return edges;
}

function pdmEntry(table: Table): TomlLockEntry | null {
  const name = stringOrNull(table.name);
  const version = stringOrNull(table.version);
  if (name === null) return null;
  const git = stringOrNull(table.git);
  const path = stringOrNull(table.path);
  const url = stringOrNull(table.url);
  const marker = stringOrNull(table.marker);
  return {
    name,
    // A path or VCS entry may carry no version; it is then not an index package anyway.
    version: version ?? "",
    sourceType: git ? "git" : path ? "path" : url ? "url" : null,
    sourceUrl: git ?? path ?? url,
    groups: stringsIn(table.groups),
    optional: false,
    markers: marker ? [{ group: null, marker }] : [],
    files: lockedFiles(table.files),
    dependencies: stringsIn(table.dependencies).flatMap(pdmEdge),
    extras: {},
    entryExtras: stringsIn(table.extras),
    editable: table.editable === true,
  };
}

/** `"tomli>=1.1; python_version < \"3.11\""` → its name, specifier, extras and marker. */
function pdmEdge(requirement: string): LockedEdge[] {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*([^;]*?)\s*(?:;\s*(.+))?$/.exec(
    requirement,
  );
  if (!match) return [];
  return [
    {
      name: match[1]!,
      constraint: match[3] ?? "",
      marker: match[4]?.trim() || null,
      python: null,
      optional: false,
      extras: (match[2] ?? "")
        .split(",")
        .map((extra) => extra.trim())
        .filter(Boolean),
    },
  ];
}

/** `files = [{file = "x.whl", hash = "sha256:…"}]` (pdm may write `url` instead of `file`). */
function lockedFiles(value: unknown): LockedFile[] {
  return tablesIn(value).flatMap((table) => {
    const location = stringOrNull(table.file) ?? stringOrNull(table.url);
    if (!location) return [];
    const file = location.split(/[?#]/)[0]!.split("/").pop() ?? location;
    return [{ file, hash: stringOrNull(table.hash) }];
  });
}

function stringLists(table: Table | null): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(table ?? {})) out[key] = stringsIn(value);
  return out;
}

/** The entry's markers as one string: a per-group table's distinct markers joined with `or`. */
function joinedMarkers(markers: TomlLockEntry["markers"]): string | null {
  const distinct = [...new Set(markers.map((m) => m.marker.trim()).filter((m) => m !== ""))];
  if (distinct.length === 0) return null;
  return distinct.length === 1 ? (distinct[0] ?? null) : distinct.map((m) => `(${m})`).join(" or ");
}
