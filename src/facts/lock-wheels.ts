/**
 * Which distributions of a uv.lock certainly install from a wheel here, read from the lock itself: uv.lock
 * names every wheel file, and a wheel's file name says where it installs. Answering this without a uv dry
 * run saves a process on every setup and regenerate whose dependencies have system build requirements
 * (numpy, PyYAML, lxml …) that their wheels make moot. Anything uncertain is left for uv to answer.
 */
import { realpathSync } from "node:fs";
import { basename } from "node:path";
import { readUvLock } from "../formats/uv-lock.js";
import { evaluateMarker } from "../pep/markers.js";
import { normalizeName } from "../pep/names.js";
import { markerEnvironment } from "../python/marker-env.js";
import { type HostPlatform, type WheelTarget, wheelFits } from "../python/wheel-tags.js";

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
  const markers = markerEnvironment(target);
  const wanted = new Set(candidates.map(normalizeName));
  const served = new Set<string>();
  const packages = readUvLock(lockText).packages.filter((pkg) => wanted.has(pkg.normalized));
  for (const name of wanted) {
    const here = packages
      .filter((pkg) => pkg.normalized === name)
      .filter(
        (pkg) =>
          pkg.resolutionMarkers === null ||
          pkg.resolutionMarkers.some((marker) => safeEvaluate(marker, markers)),
      );
    if (here.every((pkg) => pkg.wheels.some((wheel) => wheelFits(wheel, target)))) served.add(name);
  }
  return served;
}

function safeEvaluate(marker: string, env: ReturnType<typeof markerEnvironment>): boolean {
  try {
    return evaluateMarker(marker, env);
  } catch {
    // A marker this evaluator does not know might apply: count the version in.
    return true;
  }
}
