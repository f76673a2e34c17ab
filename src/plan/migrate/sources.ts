/**
 * Direct references (`name @ git+https://…@v1`, `name @ https://…/x.whl`, Poetry path dependencies) and
 * package indexes, in the shape uv wants them: a plain requirement in `[project]` plus a
 * `[tool.uv.sources]` entry, and `[[tool.uv.index]]` tables. Credentials are never carried over.
 */
import type { PackageIndex } from "../../facts/manifests/types.js";
import { formatRequirement, tryParseRequirement } from "../../pep/pep508.js";
import type { UvIndex, UvSource } from "./types.js";

export interface SplitRequirement {
  /** The requirement without its URL (`name[extra]; marker`), or unchanged when it had none. */
  requirement: string;
  /** Name as written, for the `[tool.uv.sources]` key. */
  name: string;
  source: UvSource | null;
  /** Set when something could not be carried over as is. */
  problem: string | null;
}

const PYPI_SIMPLE = /^https?:\/\/(pypi\.org|pypi\.python\.org)\/simple\/?$/i;

/** Poetry's own record of a dependency's origin (`extra.sources` of the pyproject reader). */
export type PoetrySourceRecord = Record<string, unknown>;

/** Moves a requirement's URL (or Poetry's path/index record) to a uv source. */
export function splitDirectReference(requirement: string, poetry?: PoetrySourceRecord): SplitRequirement {
  const parsed = tryParseRequirement(requirement);
  if (!parsed) return { requirement, name: requirement, source: null, problem: null };
  const plain = formatRequirement({
    ...parsed,
    url: null,
    specifier: parsed.url === null ? parsed.specifier : "",
  });
  const withIndex = (source: UvSource | null): UvSource | null => {
    if (typeof poetry?.index !== "string") return source;
    return { ...(source ?? {}), index: indexName(poetry.index) };
  };
  if (typeof poetry?.path === "string") {
    const source: UvSource = { path: poetry.path };
    if (poetry.editable === true) source.editable = true;
    return { requirement: plain, name: parsed.name, source: withIndex(source), problem: null };
  }
  if (parsed.url === null) {
    return { requirement, name: parsed.name, source: withIndex(null), problem: null };
  }
  const { url, hadCredentials } = stripCredentials(parsed.url);
  const problem = hadCredentials
    ? `${parsed.name}: credentials removed from its URL; uv reads them from the environment or a .netrc`
    : null;
  if (/^git\+/i.test(url)) {
    const source = gitSource(url);
    for (const key of ["tag", "branch", "rev"] as const) {
      if (typeof poetry?.[key] === "string") {
        delete source.rev;
        source[key] = poetry[key] as string;
      }
    }
    return { requirement: plain, name: parsed.name, source: withIndex(source), problem };
  }
  if (/^(hg|svn|bzr)\+/i.test(url)) {
    return {
      requirement,
      name: parsed.name,
      source: null,
      problem: `${parsed.name}: uv supports only git among version-control URLs; kept "${url}" as a direct reference`,
    };
  }
  if (/^file:/i.test(url)) {
    const path = decodeURIComponent(url.replace(/^file:(\/\/)?/i, ""));
    return { requirement: plain, name: parsed.name, source: { path }, problem };
  }
  return { requirement: plain, name: parsed.name, source: { url }, problem };
}

/** `git+https://host/o/r.git@v1#subdirectory=pkg` → `{ git: "https://host/o/r.git", rev: "v1", subdirectory: "pkg" }`. */
export function gitSource(url: string): UvSource {
  let rest = url.replace(/^git\+/i, "");
  const source: UvSource = {};
  const hash = rest.indexOf("#");
  if (hash >= 0) {
    const fragment = new URLSearchParams(rest.slice(hash + 1));
    const subdirectory = fragment.get("subdirectory");
    if (subdirectory) source.subdirectory = subdirectory;
    rest = rest.slice(0, hash);
  }
  // The revision follows the last `@` of the path; an `@` in the authority (`git@host`) is a user.
  const authorityEnd = rest.indexOf("/", rest.indexOf("://") + 3);
  const at = rest.lastIndexOf("@");
  if (authorityEnd >= 0 && at > authorityEnd) {
    source.rev = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  return { git: rest, ...source };
}

/** Removes `user:password@` from a URL (the readers already masked it as `****`). */
export function stripCredentials(url: string): { url: string; hadCredentials: boolean } {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#\s]+)@/.exec(url);
  if (!match || match[2] === "git") return { url, hadCredentials: false };
  return { url: url.replace(match[0], match[1] ?? ""), hadCredentials: true };
}

/** uv index names: lowercase letters, digits, `-`, `_`, `.`. */
export function indexName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "index"
  );
}

export interface IndexConversion {
  indexes: UvIndex[];
  notes: string[];
}

/**
 * Package indexes → `[[tool.uv.index]]`. PyPI itself is dropped (uv's default) unless a dependency names
 * it; credentials are removed and the note says which variables uv reads them from.
 */
export function convertIndexes(found: PackageIndex[], referenced: Set<string>): IndexConversion {
  const indexes: UvIndex[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const index of found) {
    const name = indexName(index.name);
    if (seen.has(name)) continue;
    seen.add(name);
    const { url, hadCredentials } = stripCredentials(index.url);
    if (PYPI_SIMPLE.test(url) && !referenced.has(name) && index.kind !== "find-links") continue;
    const entry: UvIndex = { name, url };
    if (index.kind === "default") entry.default = true;
    if (index.kind === "explicit") entry.explicit = true;
    if (index.kind === "find-links") entry.format = "flat";
    indexes.push(entry);
    if (hadCredentials) {
      const variable = name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
      notes.push(
        `index ${name}: credentials were not copied; set UV_INDEX_${variable}_USERNAME and UV_INDEX_${variable}_PASSWORD`,
      );
    }
  }
  return { indexes, notes };
}
