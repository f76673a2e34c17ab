/**
 * A failed source build, told by its real cause when that is the Python version: a pinned version that
 * publishes wheels for other Pythons but not this one (httptools 0.6.1 has wheels up to CPython 3.12;
 * on 3.13 its 2023 C code no longer compiles). The compiler hint would send the user after the wrong
 * problem; the message names the Python version and the interpreters the wheels cover.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { dhtlCacheDir } from "../core/paths.js";
import { parseLockedRequirements } from "../formats/requirements.js";
import { readUvLock } from "../formats/uv-lock.js";
import { normalizeName } from "../pep/names.js";
import { pylockDistributions, type WheelGap, wheelGaps } from "../python/lock-fit.js";
import { markerEnvironment } from "../python/marker-env.js";
import { hostPlatform } from "../python/wheel-tags.js";
import type { UvRunner } from "./install.js";
import { probeWheels } from "./wheel-probe.js";

export interface BuildFailureContext {
  root: string;
  /** The lock being installed (uv.lock or a hashed requirements file), read for the failing version. */
  lockFile: string;
  python: { path: string; version: string; implementation: string };
  /** Gaps the interpreter choice already found for this interpreter (no uv call needed then). */
  knownGaps: WheelGap[];
  uv: UvRunner | null;
}

/** `error` rewritten when the build failed for want of a wheel for this Python; else `error` itself. */
export async function explainBuildFailure(error: unknown, ctx: BuildFailureContext): Promise<unknown> {
  if (!(error instanceof DhtlError) || error.code !== "toolFailed") return error;
  const failed = /^failed to build ([A-Za-z0-9][A-Za-z0-9._-]*)\s*$/m.exec(
    error.message.split("\n")[0] ?? "",
  );
  if (!failed) return error;
  const name = normalizeName(failed[1]!);
  const gap = ctx.knownGaps.find((known) => known.name === name) ?? (await askUv(name, ctx));
  if (!gap || gap.wheelPythons.length === 0) return error;
  const minor = ctx.python.version.split(".").slice(0, 2).join(".");
  const pythons = gap.wheelPythons;
  const range = pythons.length === 1 ? pythons[0] : `${pythons[0]}–${pythons[pythons.length - 1]}`;
  const newest = pythons[pythons.length - 1]!;
  const suggestion = compareMinor(minor, newest) > 0 ? newest : pythons[0]!;
  const detail = error.message.split("\n").slice(1).join("\n");
  return new DhtlError(
    "toolFailed",
    `failed to build ${gap.name} ${gap.version} for Python ${minor}: it publishes wheels for CPython ${range} only, and its source does not build on ${minor}${detail ? `\n${detail}` : ""}`,
    {
      hint: `the pinned version predates Python ${minor}: use a Python its wheels cover (\`dhtl setup --python ${suggestion}\`), or upgrade ${gap.name}`,
      cause: error,
    },
  );
}

/** The failing version (from the lock), and the wheels uv lists for it across Pythons. */
async function askUv(name: string, ctx: BuildFailureContext): Promise<WheelGap | null> {
  const version = lockedVersion(ctx.root, ctx.lockFile, name);
  if (!version || !ctx.uv) return null;
  const listing = await probeWheels(
    ctx.uv,
    `${name}==${version}\n`,
    // Universal from an old floor: every wheel the version publishes, not only those for this Python.
    { path: ctx.python.path, version: "3.6" },
    { noDeps: true, universal: true },
  ).catch(() => null);
  if (!listing?.ok) return null;
  const target = {
    implementation: ctx.python.implementation,
    version: ctx.python.version,
    platform: hostPlatform(dhtlCacheDir()),
  };
  const env = markerEnvironment({ implementation: ctx.python.implementation, version: ctx.python.version });
  return wheelGaps(pylockDistributions(listing.packages), target, env, { sdistOnly: false })[0] ?? null;
}

function lockedVersion(root: string, lockFile: string, name: string): string | null {
  const path = join(root, lockFile);
  if (!existsSync(path)) return null;
  try {
    const text = readFileSync(path, "utf8");
    const versions =
      lockFile === "uv.lock"
        ? readUvLock(text)
            .packages.filter((pkg) => pkg.normalized === name)
            .map((pkg) => pkg.version)
        : parseLockedRequirements(text, lockFile)
            .filter((pin) => normalizeName(pin.name) === name)
            .map((pin) => pin.version);
    const known = [...new Set(versions.filter((v): v is string => v !== null))];
    return known.length === 1 ? known[0]! : null;
  } catch {
    return null;
  }
}

function compareMinor(a: string, b: string): number {
  const [, am = 0] = a.split(".").map(Number);
  const [, bm = 0] = b.split(".").map(Number);
  return am - bm;
}
