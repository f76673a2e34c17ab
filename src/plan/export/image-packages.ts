/**
 * The Debian packages an image needs, from dhtl's own system-package table: runtime libraries of every
 * locked distribution, build packages only for distributions that may build from source in the image, and
 * whatever `.dhtconfig` records for apt. Pure: the lock's text comes in, names go out, each checked against
 * Debian's naming rules before it can reach a Dockerfile or a workflow.
 */
import { compareText } from "../../core/compare.js";
import { DhtlError } from "../../core/errors.js";
import { distributionsServedOn } from "../../facts/lock-wheels.js";
import { isValidSystemPackageName, systemDependenciesFor } from "../../facts/system-deps/index.js";
import { markerEnvironmentFor } from "../../pep/markers.js";
import type { HostPlatform } from "../../python/wheel-tags.js";
import type { ExportLock, ImagePackages } from "./types.js";

/** glibc of the Debian releases the official Python images are built on. */
const GLIBC: Record<string, [number, number]> = { bookworm: [2, 36], bullseye: [2, 31] };
/** An image is built for the builder's machine: a wheel must fit both common ones to make a build moot. */
const MACHINES = ["x86_64", "aarch64"];

export interface ImagePackageInputs {
  lock: ExportLock;
  /** The lock's text (uv.lock or the hashed requirements lock). */
  lockText: string;
  /** Normalised names of every distribution the lock pins. */
  lockedDistributions: string[];
  python: string;
  /** Debian release of the image (glibc for wheel tags); null when unknown (a --base-image). */
  debian: string | null;
  /** `.dhtconfig` `systemPackages.apt`. */
  recorded: string[];
}

export function imagePackages(inputs: ImagePackageInputs): ImagePackages {
  const needs = systemDependenciesFor(inputs.lockedDistributions, ["apt"]);
  const building = new Set(needs.filter((need) => need.phase === "build").map((need) => need.because));
  const served = servedByWheels(inputs, [...building]);
  const build = needs.filter((need) => need.phase === "build" && !served.has(need.because));
  const runtime = needs.filter((need) => need.phase === "runtime");
  const reasons = new Map<string, string[]>();
  for (const need of [...build, ...runtime]) {
    const list = reasons.get(need.because) ?? [];
    list.push(`${need.name} (${need.phase})`);
    reasons.set(need.because, list);
  }
  for (const name of served) {
    if (!reasons.has(name)) reasons.set(name, ["nothing to build: the lock has wheels for the image"]);
  }
  return {
    build: checked(build.map((need) => need.name)),
    runtime: checked(runtime.map((need) => need.name)),
    recorded: checked(inputs.recorded, ".dhtconfig"),
    reasons: [...reasons.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([distribution, names]) => `${distribution}: ${[...new Set(names)].join(", ")}`),
  };
}

/**
 * Distributions uv.lock serves with wheels on the image for both machines. A hashed requirements lock
 * names no files, so nothing there is known to be served: its build packages stay (build stage only).
 */
function servedByWheels(inputs: ImagePackageInputs, candidates: string[]): Set<string> {
  const glibc = inputs.debian ? GLIBC[inputs.debian] : undefined;
  if (inputs.lock.kind !== "uv" || candidates.length === 0 || !glibc) return new Set();
  const perMachine = MACHINES.map((arch) => {
    const platform: HostPlatform = {
      os: "linux",
      arch,
      libc: { kind: "glibc", version: glibc },
      macos: null,
    };
    const target = { implementation: "cpython", version: inputs.python, platform };
    return distributionsServedOn(
      inputs.lockText,
      candidates,
      target,
      markerEnvironmentFor(inputs.python, "linux", arch),
    );
  });
  return new Set(candidates.filter((name) => perMachine.every((served) => served.has(name))));
}

/** Sorted, unique, and every name one Debian accepts; a bad recorded name is an error naming `.dhtconfig`. */
function checked(names: string[], file?: string): string[] {
  const invalid = names.filter((name) => !isValidSystemPackageName("apt", name));
  if (invalid.length > 0) {
    throw new DhtlError(
      "badInput",
      `not a valid apt package name: ${invalid.map((name) => JSON.stringify(name)).join(", ")}`,
      { file, hint: "fix systemPackages.apt in .dhtconfig" },
    );
  }
  return [...new Set(names)].sort(compareText);
}
