/**
 * Pipenv's `Pipfile` (TOML) and `Pipfile.lock` (JSON). Package entries become PEP 508 strings:
 * `"*"` → bare name, tables with version/extras/markers/git/path/index → the equivalent requirement.
 */
import { diagnostic } from "../../../core/diagnostics.js";
import { DhtlError } from "../../../core/errors.js";
import { lineOf } from "../../../core/fs.js";
import { redactUrlsIn } from "../../../core/redact.js";
import { parseToml } from "../../../formats/toml.js";
import { stringOrNull, type Table, tableOrNull, tablesIn } from "../../../formats/toml-table.js";
import { MARKER_VARIABLES } from "../../../pep/markers.js";
import { normalizeName } from "../../../pep/names.js";
import { isValidVersion } from "../../../pep/pep440.js";
import { formatRequirement, Pep508Error, parseRequirement } from "../../../pep/pep508.js";
import {
  type Dependency,
  emptyManifest,
  type ManifestFacts,
  type ManifestReader,
  type PipfileDetails,
  type SourceFile,
} from "../types.js";

/** Pipfile tables that are not package categories. */
const NON_PACKAGE_TABLES = new Set(["source", "requires", "pipenv", "scripts"]);
const VCS_KEYS = ["git", "hg", "svn", "bzr"] as const;

export const pipfileReader: ManifestReader = {
  name: "pipfile",
  spec: "https://github.com/pypa/pipfile",
  claims: (relPath) => relPath === "Pipfile" || relPath === "Pipfile.lock",
  read(file) {
    return [file.path.endsWith(".lock") ? readPipfileLock(file) : readPipfile(file)];
  },
};

/** Reads a Pipfile; malformed TOML throws DhtlError("badInput") with the line of the parse error. */
export function readPipfile(file: SourceFile): ManifestFacts {
  const facts = emptyManifest("pipfile", file.path);
  facts.packageManager = "pipenv";
  const data = parseToml(file.text, file.path, "Fix the syntax, or regenerate the Pipfile with pipenv.");
  const lines = new TomlLines(file.text);

  for (const [index, source] of tablesIn(data.source).entries()) {
    const url = typeof source.url === "string" ? source.url : null;
    if (!url) {
      facts.diagnostics.push(
        diagnostic("warning", file.path, "[[source]] without a url: ignored", lines.ofTable("source")),
      );
      continue;
    }
    facts.indexes.push({
      name: typeof source.name === "string" ? source.name : `source-${index + 1}`,
      url: redactUrlsIn(url),
      file: file.path,
      // Pipenv searches only the first source unless a package names another with `index = "…"`.
      kind: index === 0 ? "default" : "explicit",
    });
  }

  const requires = tableOrNull(data.requires);
  for (const key of ["python_version", "python_full_version"]) {
    const value = requires?.[key];
    if (typeof value === "string") {
      facts.python.push({
        source: `Pipfile requires.${key}`,
        file: file.path,
        line: lines.ofKey("requires", key),
        value,
      });
    }
  }

  const packageIndexes: Record<string, string> = {};
  const localPaths: { path: string; editable: boolean; file: string; line: number | null }[] = [];
  for (const [table, value] of Object.entries(data)) {
    if (NON_PACKAGE_TABLES.has(table)) continue;
    const packages = tableOrNull(value);
    if (!packages) continue;
    const deps: Dependency[] = [];
    for (const [name, spec] of Object.entries(packages)) {
      const line = lines.ofKey(table, name);
      const entry = toDependency(name, spec, file, line, facts);
      if (entry.kind === "dependency") deps.push(entry.dependency);
      if (entry.kind === "local")
        localPaths.push({ path: entry.path, editable: entry.editable, file: file.path, line });
      const index = tableOrNull(spec)?.index;
      if (typeof index === "string") packageIndexes[name] = index;
    }
    if (table === "packages") facts.dependencies.push(...deps);
    else {
      const group = table === "dev-packages" ? "dev" : normalizeName(table);
      if (deps.length) facts.dependencyGroups[group] = [...(facts.dependencyGroups[group] ?? []), ...deps];
    }
  }
  const details = pipfileDetails(facts);
  if (Object.keys(packageIndexes).length) details.packageIndexes = packageIndexes;
  if (localPaths.length) details.localPaths = localPaths;
  const settings = tableOrNull(data.pipenv);
  if (settings) details.pipenv = settings;
  const scripts = tableOrNull(data.scripts);
  // Pipenv scripts are shell commands, not entry points, so they do not go to `scripts`.
  if (scripts) details.pipenvScripts = scripts;
  return facts;
}

/** Reads a Pipfile.lock: every category's pinned versions and hashes go to `locked`. */
export function readPipfileLock(file: SourceFile): ManifestFacts {
  const facts = emptyManifest("pipfile.lock", file.path);
  facts.packageManager = "pipenv";
  let data: unknown;
  try {
    data = JSON.parse(file.text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    throw new DhtlError("badInput", `invalid JSON: ${message}`, {
      file: file.path,
      line: position ? lineOf(file.text, Number(position[1])) : undefined,
      hint: "Regenerate it with `pipenv lock`.",
    });
  }
  const root = tableOrNull(data);
  if (!root)
    throw new DhtlError("badInput", "not a Pipfile.lock: expected a JSON object", { file: file.path });
  const meta = tableOrNull(root._meta);
  const hash = tableOrNull(meta?.hash)?.sha256;
  if (typeof hash === "string") pipfileDetails(facts).pipfileHash = hash;
  const vcs: string[] = [];
  const refs: Record<string, string> = {};
  for (const [category, entries] of Object.entries(root)) {
    if (category === "_meta") continue;
    for (const [name, entry] of Object.entries(tableOrNull(entries) ?? {})) {
      const pin = tableOrNull(entry);
      const version = typeof pin?.version === "string" ? pin.version.replace(/^===?/, "") : null;
      if (!version) {
        if (pin && VCS_KEYS.some((key) => key in pin)) {
          vcs.push(name);
          if (typeof pin.ref === "string" && pin.ref !== "") refs[name] = pin.ref;
        }
        continue;
      }
      const hashes = Array.isArray(pin?.hashes)
        ? pin.hashes.filter((h): h is string => typeof h === "string")
        : [];
      facts.locked.push({ name, version, hashes, file: file.path });
    }
  }
  if (vcs.length) pipfileDetails(facts).lockedFromVcs = [...new Set(vcs)].sort();
  if (Object.keys(refs).length) pipfileDetails(facts).lockedVcsRefs = refs;
  return facts;
}

type Entry =
  | { kind: "dependency"; dependency: Dependency }
  | { kind: "local"; path: string; editable: boolean }
  | { kind: "none" };

/** One `[packages]` entry → a Dependency (or a local path, or nothing with a diagnostic). */
function toDependency(
  name: string,
  spec: unknown,
  file: SourceFile,
  line: number | null,
  facts: ManifestFacts,
): Entry {
  const warn = (severity: "warning" | "error", message: string) =>
    facts.diagnostics.push(diagnostic(severity, file.path, `${name}: ${message}`, line));
  const table = typeof spec === "string" ? { version: spec } : tableOrNull(spec);
  if (!table) {
    warn("error", "expected a version string or a table");
    return { kind: "none" };
  }
  const editable = table.editable === true;
  const extras = Array.isArray(table.extras)
    ? table.extras.filter((e): e is string => typeof e === "string")
    : [];
  const extrasText = extras.length ? `[${extras.join(",")}]` : "";
  const markers = markersOf(table);

  let head: string;
  const vcsKey = VCS_KEYS.find((key) => typeof table[key] === "string");
  const vcsLocation = vcsKey ? stringOrNull(table[vcsKey]) : null;
  if (vcsKey && vcsLocation !== null) {
    head = `${name}${extrasText} @ ${vcsUrl(vcsKey, vcsLocation, table)}`;
  } else if (typeof table.file === "string" && /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(table.file)) {
    head = `${name}${extrasText} @ ${redactUrlsIn(table.file)}`;
  } else if (typeof table.path === "string" || typeof table.file === "string") {
    const path = stringOrNull(table.path) ?? stringOrNull(table.file) ?? "";
    if (path.replace(/\/+$/, "") !== ".") return { kind: "local", path, editable };
    // `path = "."`: the project itself, which is not a dependency of itself.
    pipfileDetails(facts).installsProject = editable ? "editable" : "regular";
    return { kind: "none" };
  } else {
    head = `${name}${extrasText}${versionOf(table.version, warn)}`;
  }
  const text = markers.length ? `${head}${head.includes(" @ ") ? " " : ""}; ${markers.join(" and ")}` : head;
  try {
    const dependency: Dependency = {
      requirement: formatRequirement(parseRequirement(text)),
      file: file.path,
      line,
    };
    if (editable) dependency.editable = true;
    return { kind: "dependency", dependency };
  } catch (error) {
    if (!(error instanceof Pep508Error)) throw error;
    warn("error", `cannot be read as a requirement (${error.message})`);
    return { kind: "none" };
  }
}

function versionOf(version: unknown, warn: (severity: "warning" | "error", message: string) => void): string {
  if (version === undefined || version === "*" || version === "") return "";
  if (typeof version !== "string") {
    warn("error", "version must be a string");
    return "";
  }
  if (isValidVersion(version)) {
    // Pipenv needs an operator; a bare version is almost always meant as an exact pin.
    warn("warning", `version "${version}" has no operator; read as ==${version}`);
    return `==${version}`;
  }
  return version;
}

/** `markers = "…"` plus marker-variable keys (`os_name = "== 'nt'"`), joined with `and`. */
function markersOf(table: Table): string[] {
  const parts: string[] = [];
  for (const variable of MARKER_VARIABLES) {
    const value = table[variable];
    if (typeof value === "string" && value.trim()) parts.push(`${variable} ${value.trim()}`);
  }
  const markers = typeof table.markers === "string" ? table.markers.trim() : "";
  if (!markers) return parts;
  // Parentheses keep an `or` inside `markers` from binding looser than the `and` that joins the parts.
  return parts.length ? [`(${markers})`, ...parts] : [markers];
}

/** `git = "https://…"`, `ref`, `subdirectory` → `git+https://…@ref#subdirectory=…`; scp-style URLs become ssh. */
function vcsUrl(kind: string, url: string, table: Table): string {
  let full = url.startsWith(`${kind}+`)
    ? url
    : /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)
      ? `${kind}+${url}`
      : url;
  const scp = /^([\w.-]+)@([\w.-]+):(.+)$/.exec(full);
  if (scp) full = `${kind}+ssh://${scp[1]}@${scp[2]}/${scp[3]}`;
  if (typeof table.ref === "string") full += `@${table.ref}`;
  if (typeof table.subdirectory === "string") full += `#subdirectory=${table.subdirectory}`;
  return redactUrlsIn(full);
}

/** Finds the line of a key inside a `[table]` by scanning the text (the TOML parser keeps no positions). */
class TomlLines {
  private readonly lines: string[];
  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  ofTable(table: string): number | null {
    const index = this.lines.findIndex((line) => headerName(line) === table);
    return index < 0 ? null : index + 1;
  }

  ofKey(table: string, key: string): number | null {
    const start = this.ofTable(table);
    if (start === null) return null;
    const keyPattern = new RegExp(`^\\s*(["']?)${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\1\\s*=`);
    for (let i = start; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (headerName(line) !== null) return null;
      if (keyPattern.test(line)) return i + 1;
    }
    return null;
  }
}

function headerName(line: string): string | null {
  const match = /^\s*\[\[?\s*("?)([^\]"]+)\1\s*\]\]?\s*(#.*)?$/.exec(line);
  return match ? match[2]!.trim() : null;
}

/** The manifest's Pipfile section, created on first use. */
function pipfileDetails(facts: ManifestFacts): PipfileDetails {
  facts.details.pipfile ??= {};
  return facts.details.pipfile;
}
