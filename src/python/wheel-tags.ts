/**
 * Whether a wheel file installs on an interpreter here, from its file name alone (the compatibility tags
 * of PEP 425, with the platform tags of PEP 600 manylinux, PEP 656 musllinux, macOS and Windows).
 *
 * Conservative by design: `true` only when the wheel certainly fits. Implementations other than CPython,
 * free-threaded builds and unknown platforms answer `false`, so a caller falls back to asking uv.
 */
import { readFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { openProbeCache } from "../core/probe-cache.js";
import { pythonMachine } from "./platform.js";

export interface HostPlatform {
  os: "linux" | "darwin" | "win32" | "other";
  /** As wheel platform tags spell it: x86_64, aarch64, arm64, i686 … */
  arch: string;
  /** Linux: the C library and its version (null when neither glibc nor a known musl). */
  libc: { kind: "glibc" | "musl"; version: [number, number] } | null;
  /** macOS version ([major, minor]); null elsewhere. */
  macos: [number, number] | null;
}

export interface WheelTarget {
  /** Lower-case, as in pyvenv.cfg (`cpython`). */
  implementation: string;
  /** `3.13.0` */
  version: string;
  /** A free-threaded build (`python3.13t`) takes `cp313t` wheels only. */
  freeThreaded?: boolean;
  platform: HostPlatform;
}

/** `numpy-2.3.4-cp313-cp313-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl` → true on a glibc ≥ 2.27 x86-64 CPython 3.13. */
export function wheelFits(filename: string, target: WheelTarget): boolean {
  const tags = wheelTags(filename);
  if (!tags || target.implementation !== "cpython" || target.freeThreaded) return false;
  const [major, minor] = target.version.split(".").map(Number);
  if (major !== 3 || minor === undefined || Number.isNaN(minor)) return false;
  const platformFits = tags.platforms.some((platform) => platformTagFits(platform, target.platform));
  if (!platformFits) return false;
  return tags.pythons.some((python) =>
    tags.abis.some((abi) => pythonAbiFits(python, abi, minor, tags.platforms.includes("any"))),
  );
}

/** The three tag sets of a wheel file name (each may be compressed: `py2.py3`); null when it is not one. */
export function wheelTags(
  filename: string,
): { pythons: string[]; abis: string[]; platforms: string[] } | null {
  if (!filename.endsWith(".whl")) return null;
  const parts = filename.slice(0, -4).split("-");
  // name-version[-build]-python-abi-platform
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];
  return {
    pythons: python.toLowerCase().split("."),
    abis: abi.toLowerCase().split("."),
    platforms: platform.toLowerCase().split("."),
  };
}

function pythonAbiFits(python: string, abi: string, minor: number, anyPlatform: boolean): boolean {
  const ours = `cp3${minor}`;
  if (abi === ours) return python === ours && !anyPlatform;
  if (abi === "abi3") {
    // The stable ABI: built for 3.N, good for every later 3.x.
    const built = /^cp3(\d+)$/.exec(python);
    return !anyPlatform && built !== null && Number(built[1]) <= minor;
  }
  if (abi !== "none") return false;
  if (python === ours || python === "py3" || python === `py3${minor}`) return true;
  // `py32`-style tags name an older 3.x the pure wheel also supports.
  const older = /^py3(\d+)$/.exec(python);
  return older !== null && Number(older[1]) <= minor;
}

const LEGACY_MANYLINUX: Record<string, [number, number]> = {
  manylinux1: [2, 5],
  manylinux2010: [2, 12],
  manylinux2014: [2, 17],
};

function platformTagFits(tag: string, host: HostPlatform): boolean {
  if (tag === "any") return true;
  switch (host.os) {
    case "linux":
      return linuxTagFits(tag, host);
    case "darwin":
      return macosTagFits(tag, host);
    case "win32":
      return tag === { x86_64: "win_amd64", arm64: "win_arm64", i686: "win32" }[host.arch];
    default:
      return false;
  }
}

function linuxTagFits(tag: string, host: HostPlatform): boolean {
  if (tag === `linux_${host.arch}`) return true;
  const libc = host.libc;
  if (!libc) return false;
  const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(tag);
  if (legacy)
    return (
      libc.kind === "glibc" && legacy[2] === host.arch && atMost(LEGACY_MANYLINUX[legacy[1]!]!, libc.version)
    );
  const modern = /^(manylinux|musllinux)_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (!modern || modern[4] !== host.arch) return false;
  const kind = modern[1] === "manylinux" ? "glibc" : "musl";
  return libc.kind === kind && atMost([Number(modern[2]), Number(modern[3])], libc.version);
}

function macosTagFits(tag: string, host: HostPlatform): boolean {
  const match = /^macosx_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (!match || !host.macos) return false;
  const arches =
    host.arch === "arm64" ? ["arm64", "universal2"] : ["x86_64", "intel", "universal2", "universal"];
  return arches.includes(match[3]!) && atMost([Number(match[1]), Number(match[2])], host.macos);
}

function atMost(needed: [number, number], have: [number, number]): boolean {
  return needed[0] < have[0] || (needed[0] === have[0] && needed[1] <= have[1]);
}

/**
 * This machine, as wheel tags see it. The glibc version is remembered per C library file (the probe cache):
 * asking Node's diagnostic report for it costs ~4 ms, a cached answer a stat.
 */
export function hostPlatform(cacheDir: string | null): HostPlatform {
  if (!["x64", "arm64", "ia32"].includes(process.arch))
    return { os: "other", arch: process.arch, libc: null, macos: null };
  const arch = pythonMachine(process.arch, process.platform);
  if (process.platform === "darwin") return { os: "darwin", arch, libc: null, macos: macosVersion() };
  if (process.platform === "win32") return { os: "win32", arch, libc: null, macos: null };
  if (process.platform !== "linux") return { os: "other", arch, libc: null, macos: null };
  const glibc = glibcVersion(cacheDir);
  return { os: "linux", arch, libc: glibc ? { kind: "glibc", version: glibc } : null, macos: null };
}

/** Darwin 20 is macOS 11, and so on; Darwin 19 and older are 10.x (10.15 is Darwin 19). */
function macosVersion(): [number, number] | null {
  const darwin = Number(release().split(".")[0]);
  if (!Number.isFinite(darwin) || darwin < 10) return null;
  return darwin >= 20 ? [darwin - 9, 0] : [10, darwin - 4];
}

function glibcVersion(cacheDir: string | null): [number, number] | null {
  const libc = loadedLibc();
  const cache = cacheDir && libc ? openProbeCache(join(cacheDir, "libc-version.json")) : null;
  let text = libc ? cache?.get(libc) : null;
  if (!text) {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
      ?.header;
    text = header?.glibcVersionRuntime ?? null;
    if (text && libc && cache) {
      cache.set(libc, text, /^libc[.-]/);
      cache.save();
    }
  }
  const match = text ? /^(\d+)\.(\d+)/.exec(text) : null;
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/** The C library this process runs with, from its memory map (Linux only). */
function loadedLibc(): string | null {
  try {
    return (
      /\s(\/\S*\/libc(?:\.so\.6|-[\d.]+\.so))$/m.exec(readFileSync("/proc/self/maps", "utf8"))?.[1] ?? null
    );
  } catch {
    return null;
  }
}
