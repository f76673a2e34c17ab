/**
 * The versions a project's old lock pinned, so the new uv.lock can keep them: poetry.lock and pdm.lock
 * (TOML `[[package]]` tables), Pipfile.lock and hashed/compiled requirements (already read by the
 * manifest readers into `locked`), and `==` pins written straight into requirements or environment files.
 */
import { readPoetryLock } from "../../formats/poetry-lock.js";
import { normalizeName } from "../../pep/names.js";
import { tryParseRequirement } from "../../pep/pep508.js";
import type { ManifestFacts } from "../manifests/types.js";
import type { OldLockedVersion } from "./types.js";

/** Packages locked from git, a path or a URL carry no index version worth pinning. */
const NON_INDEX_SOURCES = new Set(["git", "directory", "file", "url"]);

/**
 * `[[package]]` entries of poetry.lock or pdm.lock → name and version (index packages only). A name locked at
 * several versions keeps every entry with its markers, so each environment keeps its own version.
 */
export function readTomlLock(text: string, file: string): OldLockedVersion[] {
  const entries = readPoetryLock(text, file).filter(
    (pkg) => pkg.sourceType === null || !NON_INDEX_SOURCES.has(pkg.sourceType),
  );
  const count = new Map<string, number>();
  for (const pkg of entries)
    count.set(normalizeName(pkg.name), (count.get(normalizeName(pkg.name)) ?? 0) + 1);
  return entries.map((pkg) => {
    const name = normalizeName(pkg.name);
    const split = (count.get(name) ?? 0) > 1;
    return { name, version: pkg.version, file, marker: split ? pkg.markers : null };
  });
}

/**
 * Old pins in precedence order (lock files first, then hand-written `==` pins); the first file that pins a
 * name wins (all its entries for that name: marker-split versions stay together). `lockTexts` holds the TOML
 * lock files found beside the manifests.
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
  const owner = new Map<string, string>();
  const seen = new Set<string>();
  return pins.filter((pin) => {
    const file = owner.get(pin.name);
    if (file === undefined) owner.set(pin.name, pin.file);
    else if (file !== pin.file) return false;
    const key = `${pin.name}==${pin.version};${pin.marker ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    // A name pinned twice without markers to tell the versions apart cannot be kept as is: the first wins.
    return file === undefined || Boolean(pin.marker);
  });
}

/** `name==1.2.3` (one clause, no wildcard, no marker) → its name and version. */
function exactPin(requirement: string): { name: string; version: string } | null {
  const parsed = tryParseRequirement(requirement);
  if (!parsed || parsed.url !== null || parsed.marker !== null) return null;
  const match = /^===?([^,*]+)$/.exec(parsed.specifier);
  return match?.[1] ? { name: normalizeName(parsed.name), version: match[1] } : null;
}
