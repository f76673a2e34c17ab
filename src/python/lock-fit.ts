/**
 * Which locked versions would have to be built from source on an interpreter: the versions the lock
 * installs there (their markers hold) of which no wheel fits it. Read from the wheel file names a lock
 * lists (uv.lock, poetry.lock, pdm.lock, or a pylock.toml uv wrote for one interpreter), so no build or
 * download is needed to tell that a 2017 pin has no wheel for Python 3.13.
 */
import type { TomlLock } from "../formats/poetry-lock.js";
import type { PylockPackage } from "../formats/pylock.js";
import type { UvLock } from "../formats/uv-lock.js";
import { evaluateMarker, type MarkerEnvironment } from "../pep/markers.js";
import { normalizeName } from "../pep/names.js";
import { type WheelTarget, wheelFits, wheelPlatformFits, wheelTags } from "./wheel-tags.js";

/** One version a lock installs, with the files it lists for it. */
export interface LockedDistribution {
  name: string;
  version: string;
  /** The marker under which the lock installs this version; null: wherever it is installed at all. */
  marker: string | null;
  /** Wheel file names. */
  wheels: string[];
  hasSdist: boolean;
}

/** A locked version with no wheel for the interpreter: it builds from source there, or not at all. */
export interface WheelGap {
  name: string;
  version: string;
  /** The CPython minors its wheels for this platform name (`3.10`, `3.11`, `3.12`), oldest first; empty when none. */
  wheelPythons: string[];
}

export interface GapOptions {
  /**
   * Count versions that have no wheel at all (sdist only). A full lock lists every file, so a version
   * without wheels is a pure-Python sdist that builds anywhere: not a gap. A pylock.toml for one
   * interpreter lists only the wheels that fit it, so there a missing wheel is all one can see.
   */
  sdistOnly: boolean;
}

/** The versions installed on `target` (markers evaluated with `markers`) that no wheel serves, by name. */
export function wheelGaps(
  locked: LockedDistribution[],
  target: WheelTarget,
  markers: MarkerEnvironment,
  options: GapOptions,
): WheelGap[] {
  const byName = new Map<string, LockedDistribution[]>();
  for (const dist of locked) {
    const name = normalizeName(dist.name);
    if (!applies(dist.marker, markers)) continue;
    byName.set(name, [...(byName.get(name) ?? []), dist]);
  }
  const gaps: WheelGap[] = [];
  for (const [name, versions] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // Several versions of one name apply only where the lock could not tell them apart: one that fits is enough.
    const served = versions.some(
      (dist) =>
        dist.wheels.some((wheel) => wheelFits(wheel, target)) ||
        (!options.sdistOnly && dist.wheels.length === 0),
    );
    if (served) continue;
    const first = versions[0]!;
    const here = first.wheels.filter((wheel) => wheelPlatformFits(wheel, target.platform));
    gaps.push({ name, version: first.version, wheelPythons: wheelPythons(here) });
  }
  return gaps;
}

/** `psycopg2 2.7.3 (wheels for CPython 3.3–3.6)`, `typed-ast 1.5.5 (no wheel)`. */
export function describeGap(gap: WheelGap): string {
  const pythons = gap.wheelPythons;
  const range =
    pythons.length === 0
      ? "no wheel for this platform"
      : pythons.length === 1
        ? `wheels for CPython ${pythons[0]} only`
        : `wheels for CPython ${pythons[0]}–${pythons[pythons.length - 1]}`;
  return `${gap.name} ${gap.version} (${range})`;
}

/** The CPython minors the wheels are built for, from their `cp3N` tags, oldest first. */
function wheelPythons(wheels: string[]): string[] {
  const minors = new Set<number>();
  for (const wheel of wheels) {
    for (const python of wheelTags(wheel)?.pythons ?? []) {
      const match = /^cp3(\d+)$/.exec(python);
      if (match) minors.add(Number(match[1]));
    }
  }
  return [...minors].sort((a, b) => a - b).map((minor) => `3.${minor}`);
}

function applies(marker: string | null, env: MarkerEnvironment): boolean {
  if (!marker) return true;
  try {
    return evaluateMarker(marker, env);
  } catch {
    // A marker this evaluator cannot read might hold: count the version in.
    return true;
  }
}

/** Every version a uv.lock pins (the project and its workspace members excluded: they are built here anyway). */
export function uvLockDistributions(lock: UvLock): LockedDistribution[] {
  return lock.packages
    .filter((pkg) => pkg.version !== null && (pkg.source === null || pkg.source.kind === "registry"))
    .map((pkg) => ({
      name: pkg.normalized,
      version: pkg.version ?? "",
      marker: anyOf(pkg.resolutionMarkers ?? []),
      wheels: pkg.wheels,
      hasSdist: pkg.hasSdist,
    }));
}

/** Every index version a poetry.lock or pdm.lock pins, with the markers the lock records for it. */
export function tomlLockDistributions(lock: TomlLock): LockedDistribution[] {
  return lock.entries
    .filter((entry) => entry.entryExtras.length === 0 && entry.version !== "")
    .filter((entry) => entry.sourceType === null || entry.sourceType === "legacy")
    .map((entry) => ({
      name: normalizeName(entry.name),
      version: entry.version,
      marker: entry.markers.some((m) => m.group === null)
        ? anyOf(entry.markers.filter((m) => m.group === null).map((m) => m.marker))
        : anyOf(entry.markers.map((m) => m.marker)),
      wheels: entry.files.map((file) => file.file).filter((file) => file.endsWith(".whl")),
      hasSdist: entry.files.some((file) => !file.file.endsWith(".whl")),
    }));
}

/** What a pylock.toml uv wrote for one interpreter resolves. */
export function pylockDistributions(packages: PylockPackage[]): LockedDistribution[] {
  return packages
    .filter((pkg) => pkg.version !== null)
    .map((pkg) => ({
      name: normalizeName(pkg.name),
      version: pkg.version ?? "",
      marker: pkg.marker,
      wheels: pkg.wheels,
      hasSdist: pkg.hasSdist,
    }));
}

/** `(a) or (b)`; null for no markers (always). */
function anyOf(markers: string[]): string | null {
  if (markers.length === 0) return null;
  if (markers.length === 1) return markers[0]!;
  return markers.map((marker) => `(${marker})`).join(" or ");
}

/**
 * The newest CPython minor a version published binary wheels for (`psycopg2 2.7.4` → 6, PyYAML 3.12's
 * Windows wheels → 6), when it published only interpreter-specific ones; null when a wheel serves any later
 * Python (`py3`, `py2.py3`, the stable ABI `abi3`) or there is no binary wheel at all (a pure-Python sdist
 * builds anywhere). A version whose C code stops at 3.N predates 3.N+1: its sdist often no longer compiles
 * there (PyYAML 3.12's generated C on 3.7), and no wheel says otherwise.
 */
export function newestBinaryPython(wheels: string[]): number | null {
  let newest: number | null = null;
  for (const wheel of wheels) {
    const tags = wheelTags(wheel);
    if (!tags) continue;
    if (tags.abis.includes("abi3") || tags.pythons.some((p) => /^py3\d*$/.test(p))) return null;
    for (const python of tags.pythons) {
      const match = /^cp3(\d+)$/.exec(python);
      if (match) newest = Math.max(newest ?? 0, Number(match[1]));
    }
  }
  return newest;
}
