import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/fs.js";
import { platformKey } from "../python/platform.js";
import type { VenvPython } from "../python/venv-info.js";
import type { DhtConfig } from "../record/dhtconfig.js";

/**
 * What `validate-env --quick` would otherwise recompute on every shell prompt: the parsed `.dhtconfig`
 * (loading the YAML parser costs more than the whole check) and the expected package set (computing
 * it runs `uv export`). Kept inside the environment, which is never committed; each part is keyed by
 * what it was computed from, so an edited `.dhtconfig`, a new lock or another interpreter invalidates it.
 */
export const ENV_CACHE_FILE = ".dhtl-cache.json";

/** What the lock says this interpreter on this platform should have installed. */
export interface ExpectedPackages {
  /** Normalised name → exact version, or null when the lock pins a URL or path (any version will do). */
  packages: Record<string, string | null>;
  /** Distributions the lock installs in editable mode: the project itself, workspace members. */
  editable: string[];
}

export interface ExpectedCacheKey {
  lockDigest: string;
  python: string;
  platform: string;
}

interface CacheFile {
  dhtconfig?: { digest: string; config: DhtConfig };
  expected?: { key: ExpectedCacheKey; packages: ExpectedPackages };
}

export function expectedCacheKey(lockDigest: string, python: VenvPython): ExpectedCacheKey {
  return { lockDigest, python: `${python.implementation}-${python.version}`, platform: platformKey() };
}

function readCache(venv: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(join(venv, ENV_CACHE_FILE), "utf8")) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as CacheFile) : {};
  } catch {
    return {};
  }
}

/** Best effort: a read-only environment simply goes without the cache. */
function updateCache(venv: string, change: CacheFile): void {
  try {
    const next = { ...readCache(venv), ...change };
    writeFileAtomic(join(venv, ENV_CACHE_FILE), `${JSON.stringify(next, null, 1)}\n`);
  } catch {}
}

export function cachedDhtConfig(venv: string, digest: string): DhtConfig | null {
  const entry = readCache(venv).dhtconfig;
  return entry?.digest === digest ? entry.config : null;
}

export function cacheDhtConfig(venv: string, digest: string, config: DhtConfig): void {
  updateCache(venv, { dhtconfig: { digest, config } });
}

export function cachedExpectedPackages(venv: string, key: ExpectedCacheKey): ExpectedPackages | null {
  const entry = readCache(venv).expected;
  const k = entry?.key;
  if (!k || k.lockDigest !== key.lockDigest || k.python !== key.python || k.platform !== key.platform)
    return null;
  return entry.packages;
}

export function cacheExpectedPackages(venv: string, key: ExpectedCacheKey, packages: ExpectedPackages): void {
  updateCache(venv, { expected: { key, packages } });
}
