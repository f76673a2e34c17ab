/**
 * PEP 440 versions and specifiers. The one door to @renovatebot/pep440: the rest of dhtl imports this
 * module, so the library can be swapped without touching callers.
 */
import {
  clean,
  compare,
  explain,
  maxSatisfying as libraryMaxSatisfying,
  satisfies,
  valid,
} from "@renovatebot/pep440";

/** The parts of a PEP 440 version, as numbers where the standard says they are numbers. */
export interface VersionParts {
  epoch: number;
  release: number[];
  /** `["rc", 1]` for `1.0rc1`, null for a final release. */
  pre: [string, number] | null;
  post: number | null;
  dev: number | null;
  local: string | null;
  /** Normalised text without the local part. */
  public: string;
  isPrerelease: boolean;
}

/** True when `version` is a valid PEP 440 version (`1.0`, `2!1.0.post1.dev2+local`, `v1.0`). */
export function isValidVersion(version: string): boolean {
  return valid(version.trim()) !== null;
}

/** The canonical form of a version (`1.0.0RC1` → `1.0.0rc1`, `v1.0` → `1.0`), or null when invalid. */
export function normalizeVersion(version: string): string | null {
  return clean(version.trim());
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b`; throws on invalid versions. */
export function compareVersions(a: string, b: string): number {
  if (!isValidVersion(a)) throw new Error(`invalid PEP 440 version: ${a}`);
  if (!isValidVersion(b)) throw new Error(`invalid PEP 440 version: ${b}`);
  return compare(a.trim(), b.trim());
}

/** True when two versions are equal under PEP 440 (`1.0` == `1.0.0`, `1.0RC1` == `1.0rc1`); false when either is invalid. */
export function versionsEqual(a: string, b: string): boolean {
  if (a === b) return true;
  if (!isValidVersion(a) || !isValidVersion(b)) return false;
  return compare(a.trim(), b.trim()) === 0;
}

/** Splits a version into its PEP 440 parts, or null when invalid. */
export function versionParts(version: string): VersionParts | null {
  const parts = explain(version.trim());
  if (!parts) return null;
  const pre = parts.pre as (string | number)[] | null;
  const post = parts.post as unknown;
  const dev = parts.dev as unknown;
  return {
    epoch: parts.epoch,
    release: [...parts.release],
    pre: pre && pre.length === 2 ? [String(pre[0]), Number(pre[1])] : null,
    post: typeof post === "number" ? post : null,
    dev: typeof dev === "number" ? dev : null,
    local: parts.local,
    public: parts.public,
    isPrerelease: parts.is_prerelease,
  };
}

/**
 * True when `specifier` is a valid PEP 440 specifier set (`>=1.0,<2`, `~=1.4.2`, `==1.*`, `===foo`).
 * The empty specifier is valid and allows every version. Checked clause by clause with PEP 440's rules
 * (wildcards only after a release with `==`/`!=`, `~=` needs two release segments, local versions only
 * with `==`/`!=`): faster than the library's range parser and stricter where it is lax (it takes `~=1`).
 */
export function isValidSpecifier(specifier: string): boolean {
  const trimmed = specifier.trim();
  if (trimmed === "") return true;
  return trimmed.split(",").every(isValidClause);
}

const CLAUSE = /^\s*(===|==|!=|<=|>=|~=|<|>)\s*(\S+)\s*$/;
const WILDCARD_RELEASE = /^v?(\d+!)?\d+(\.\d+)*\.\*$/i;

function isValidClause(clause: string): boolean {
  const match = CLAUSE.exec(clause);
  if (!match) return false;
  const [, op, version] = match as unknown as [string, string, string];
  if (op === "===") return true;
  if (version.endsWith(".*")) return (op === "==" || op === "!=") && WILDCARD_RELEASE.test(version);
  const parts = explain(version);
  if (!parts) return false;
  if (parts.local !== null && op !== "==" && op !== "!=") return false;
  return op !== "~=" || parts.release.length >= 2;
}

export interface AllowOptions {
  /** Let pre-releases match (marker evaluation does; installers do only when asked). */
  prereleases?: boolean;
}

/** True when `version` is allowed by `specifier` (`""` allows everything). Invalid input never matches. */
export function specifierAllows(specifier: string, version: string, options: AllowOptions = {}): boolean {
  const spec = specifier.trim();
  const candidate = version.trim();
  if (spec === "") return candidate !== "";
  if (!isValidSpecifier(spec)) return false;
  // `===` compares text, so it may match strings that are not versions at all.
  if (!spec.startsWith("===") && !isValidVersion(candidate)) return false;
  return satisfies(candidate, spec, { prereleases: options.prereleases ?? false });
}

/** The highest of `versions` that `specifier` allows, or null. */
export function maxSatisfying(
  versions: string[],
  specifier: string,
  options: AllowOptions = {},
): string | null {
  return libraryMaxSatisfying(versions, specifier, { prereleases: options.prereleases ?? false });
}
