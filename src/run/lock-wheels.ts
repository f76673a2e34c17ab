/**
 * Which distributions of a uv.lock certainly install from a wheel here, read from the lock itself: uv.lock
 * names every wheel file, and a wheel's file name says where it installs. Answering this without a uv dry
 * run saves a process on every setup and regenerate whose dependencies have system build requirements
 * (numpy, PyYAML, lxml …) that their wheels make moot. Anything uncertain is left for uv to answer.
 */
import { realpathSync } from "node:fs";
import { basename } from "node:path";
import { evaluateMarker, type MarkerEnvironment } from "../pep/markers.js";
import { normalizeName } from "../pep/names.js";
import { markerEnvironment } from "../python/marker-env.js";
import { type HostPlatform, type WheelTarget, wheelFits } from "../python/wheel-tags.js";

interface LockedPackage {
  name: string;
  /** The forks this version is locked for; null when it serves every one. */
  resolutionMarkers: string[] | null;
  wheels: string[];
}

/**
 * The names among `candidates` (normalised) that need no build for `python` here: every version the
 * lock installs for it has a wheel that fits (or the lock installs none of them here at all).
 */
export function distributionsServedByWheels(
  lockText: string,
  candidates: string[],
  python: { implementation: string; version: string; path: string },
  platform: HostPlatform,
): Set<string> {
  let freeThreaded: boolean;
  try {
    freeThreaded = /\dt(\.exe)?$/.test(basename(realpathSync(python.path)));
  } catch {
    return new Set();
  }
  const target: WheelTarget = {
    implementation: python.implementation.toLowerCase(),
    version: python.version,
    freeThreaded,
    platform,
  };
  return distributionsServedOn(lockText, candidates, target, markerEnvironment(target));
}

/**
 * The names among `candidates` (normalised) that need no build on `target`, whose marker values are
 * `markers`: every version the lock installs there has a wheel that fits. Pure: for a machine that is
 * not this one too (a container image).
 */
export function distributionsServedOn(
  lockText: string,
  candidates: string[],
  target: WheelTarget,
  markers: MarkerEnvironment,
): Set<string> {
  const wanted = new Set(candidates.map(normalizeName));
  const served = new Set<string>();
  const packages = lockedPackages(lockText, wanted);
  for (const name of wanted) {
    const here = (packages.get(name) ?? []).filter(
      (pkg) =>
        pkg.resolutionMarkers === null ||
        pkg.resolutionMarkers.some((marker) => safeEvaluate(marker, markers)),
    );
    if (here.every((pkg) => pkg.wheels.some((wheel) => wheelFits(wheel, target)))) served.add(name);
  }
  return served;
}

/** The `[[package]]` entries of a uv.lock for the wanted names (text scan: the lock is large, few are wanted). */
export function lockedPackages(lockText: string, wanted: Set<string>): Map<string, LockedPackage[]> {
  const found = new Map<string, LockedPackage[]>();
  for (const block of lockText.split(/^\[\[package\]\]\r?$/m).slice(1)) {
    const rawName = /^name = "([^"]+)"\r?$/m.exec(block)?.[1];
    if (!rawName) continue;
    const name = normalizeName(rawName);
    if (!wanted.has(name)) continue;
    const pkg: LockedPackage = {
      name,
      resolutionMarkers: quotedOrNull(arrayBody(block, "resolution-markers")),
      wheels: [...(arrayBody(block, "wheels") ?? "").matchAll(/\{[^}]*\}/g)].flatMap(
        (table) => wheelFileName(table[0]) ?? [],
      ),
    };
    found.set(name, [...(found.get(name) ?? []), pkg]);
  }
  return found;
}

/** The text inside a `key = [ … ]` entry of a package block, on one line or many (null when absent). */
function arrayBody(block: string, key: string): string | null {
  const match = new RegExp(`^${key} = \\[(.*)$`, "m").exec(block);
  if (!match) return null;
  const firstLine = match[1]!;
  if (firstLine.trim() !== "") return firstLine.replace(/\]\s*$/, "");
  const from = match.index + match[0].length;
  const close = block.indexOf("\n]", from);
  return close < 0 ? block.slice(from) : block.slice(from, close);
}

/** The TOML basic strings of an array body, unescaped (`"python_full_version < '3.11'"`). */
function quotedStrings(body: string): string[] {
  return [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!.replace(/\\(["\\])/g, "$1"));
}

function quotedOrNull(body: string | null): string[] | null {
  return body === null ? null : quotedStrings(body);
}

/** `{ url = "https://…/numpy-2.3.4-cp313-….whl", hash = … }` → the wheel's file name. */
function wheelFileName(table: string): string | null {
  const location = /\b(?:url|path|filename) = "([^"]+)"/.exec(table)?.[1];
  if (!location) return null;
  const file = location.split(/[?#]/)[0]!.split("/").pop() ?? "";
  if (!file.endsWith(".whl")) return null;
  try {
    return decodeURIComponent(file);
  } catch {
    // A malformed escape: the name as written (it then simply matches no tag).
    return file;
  }
}

function safeEvaluate(marker: string, env: MarkerEnvironment): boolean {
  try {
    return evaluateMarker(marker, env);
  } catch {
    // A marker this evaluator does not know might apply: count the version in.
    return true;
  }
}
