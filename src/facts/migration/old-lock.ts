/**
 * The versions a project's old lock pinned, so the new uv.lock can keep them: poetry.lock and pdm.lock
 * (TOML `[[package]]` tables), Pipfile.lock and hashed/compiled requirements (already read by the
 * manifest readers into `locked`), and `==` pins written straight into requirements or environment files.
 */
import { parse as parseToml } from "smol-toml";
import { DhtlError } from "../../core/errors.js";
import { normalizeName } from "../../pep/names.js";
import { tryParseRequirement } from "../../pep/pep508.js";
import type { ManifestFacts } from "../manifests/types.js";
import type { OldLockedVersion } from "./types.js";

/** Lock files written in TOML with `[[package]] name/version` entries. */
export const TOML_LOCK_FILES = ["poetry.lock", "pdm.lock"] as const;

/** Packages locked from git, a path or a URL carry no index version worth pinning. */
const NON_INDEX_SOURCES = new Set(["git", "directory", "file", "url"]);

/** `[[package]]` entries of a TOML lock file (poetry.lock, pdm.lock, uv.lock) → name and version. */
export function readTomlLock(text: string, file: string): OldLockedVersion[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new DhtlError("badInput", `invalid TOML: ${(error as Error).message.split("\n")[0]}`, {
      file,
      hint: "Regenerate the lock file with the tool that wrote it, or delete it to migrate without it.",
    });
  }
  const packages = Array.isArray(doc.package) ? doc.package : [];
  const out: OldLockedVersion[] = [];
  for (const entry of packages) {
    if (typeof entry !== "object" || entry === null) continue;
    const { name, version, source } = entry as Record<string, unknown>;
    if (typeof name !== "string" || typeof version !== "string") continue;
    const sourceType =
      typeof source === "object" && source !== null ? (source as Record<string, unknown>).type : undefined;
    if (typeof sourceType === "string" && NON_INDEX_SOURCES.has(sourceType)) continue;
    out.push({ name: normalizeName(name), version, file });
  }
  return out;
}

/**
 * Old pins in precedence order (lock files first, then hand-written `==` pins); the first pin of a
 * name wins. `lockTexts` holds the TOML lock files found beside the manifests.
 */
export function collectOldLock(
  lockTexts: { file: string; text: string }[],
  manifests: ManifestFacts[],
): OldLockedVersion[] {
  const pins: OldLockedVersion[] = [];
  for (const lock of lockTexts) pins.push(...readTomlLock(lock.text, lock.file));
  for (const manifest of manifests) {
    for (const locked of manifest.locked) {
      pins.push({ name: normalizeName(locked.name), version: locked.version, file: locked.file });
    }
  }
  for (const manifest of manifests) {
    if (manifest.kind !== "requirements" && manifest.kind !== "conda") continue;
    const lists = [manifest.dependencies, ...Object.values(manifest.dependencyGroups), manifest.constraints];
    for (const dep of lists.flat()) {
      const version = exactPin(dep.requirement);
      if (version) pins.push({ name: version.name, version: version.version, file: dep.file });
    }
  }
  const seen = new Set<string>();
  return pins.filter((pin) => {
    if (seen.has(pin.name)) return false;
    seen.add(pin.name);
    return true;
  });
}

/** Versions uv.lock resolved from a package index (the project itself and git/path packages left out). */
export function readUvLockVersions(text: string): Map<string, string> {
  const doc = parseToml(text) as Record<string, unknown>;
  const out = new Map<string, string>();
  for (const entry of Array.isArray(doc.package) ? doc.package : []) {
    const { name, version, source } = entry as Record<string, unknown>;
    if (typeof name !== "string" || typeof version !== "string") continue;
    const fromIndex = typeof source === "object" && source !== null && "registry" in source;
    if (fromIndex) out.set(normalizeName(name), version);
  }
  return out;
}

/** `name==1.2.3` (one clause, no wildcard, no marker) → its name and version. */
function exactPin(requirement: string): { name: string; version: string } | null {
  const parsed = tryParseRequirement(requirement);
  if (!parsed || parsed.url !== null || parsed.marker !== null) return null;
  const match = /^===?([^,*]+)$/.exec(parsed.specifier);
  return match?.[1] ? { name: normalizeName(parsed.name), version: match[1] } : null;
}
