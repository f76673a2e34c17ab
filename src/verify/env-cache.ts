import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/fs.js";
import { userMac } from "../core/state-dir.js";
import { platformKey } from "../python/platform.js";
import type { VenvPython } from "../python/venv-info.js";
import type { DhtConfig } from "../record/dhtconfig.js";

/**
 * What `validate-env --quick` would otherwise recompute on every shell prompt: the parsed `.dhtconfig`
 * (loading the YAML parser costs more than the whole check) and the expected package set (computing
 * it runs `uv export`). Kept inside the environment and signed (see readCache); each part is keyed by
 * what it was computed from, so an edited `.dhtconfig`, a new lock or another interpreter invalidates it.
 */
export const ENV_CACHE_FILE = ".dhtl-cache.json";

/** What the lock says this interpreter on this platform should have installed. */
export interface ExpectedPackages {
  /** Normalised name → exact version, or null when the lock pins a URL or path (any version will do). */
  packages: Record<string, string | null>;
  /** Distributions the lock installs in editable mode: the project itself, workspace members. */
  editable: string[];
  /** Local directories a compiled lock installs editable (`-e ./lib`), root-relative. */
  localPaths?: string[];
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

/**
 * The cache is signed with the user's secret over the environment's path: a checkout can commit a `.venv`
 * holding a cache that claims any package set is expected, and an unsigned one would be believed.
 * `venv` is null when the environment is not a place dhtl may write (then there is no cache at all).
 */
function readCache(venv: string | null): CacheFile {
  if (venv === null) return {};
  try {
    const stored = JSON.parse(readFileSync(join(venv, ENV_CACHE_FILE), "utf8")) as {
      mac?: unknown;
      body?: unknown;
    };
    if (typeof stored.body !== "string" || stored.mac !== cacheMac(venv, stored.body, false)) return {};
    const parsed = JSON.parse(stored.body) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as CacheFile) : {};
  } catch {
    return {};
  }
}

/** Best effort: a read-only environment simply goes without the cache. */
function updateCache(venv: string | null, change: CacheFile): void {
  if (venv === null) return;
  try {
    const body = JSON.stringify({ ...readCache(venv), ...change });
    const mac = cacheMac(venv, body, true);
    if (mac) writeFileAtomic(join(venv, ENV_CACHE_FILE), `${JSON.stringify({ mac, body }, null, 1)}\n`);
  } catch {}
}

function cacheMac(venv: string, body: string, create: boolean): string | null {
  return userMac(["dhtl environment cache", venv, body], { create });
}

export function cachedDhtConfig(venv: string | null, digest: string): DhtConfig | null {
  const entry = readCache(venv).dhtconfig;
  return entry?.digest === digest ? entry.config : null;
}

export function cacheDhtConfig(venv: string | null, digest: string, config: DhtConfig): void {
  updateCache(venv, { dhtconfig: { digest, config } });
}

export function cachedExpectedPackages(venv: string | null, key: ExpectedCacheKey): ExpectedPackages | null {
  const entry = readCache(venv).expected;
  const k = entry?.key;
  if (!k || k.lockDigest !== key.lockDigest || k.python !== key.python || k.platform !== key.platform)
    return null;
  return entry.packages;
}

export function cacheExpectedPackages(
  venv: string | null,
  key: ExpectedCacheKey,
  packages: ExpectedPackages,
): void {
  updateCache(venv, { expected: { key, packages } });
}
