/** The platform key, kernel and Linux distribution (from os-release) of this machine. */
import { readdirSync, readFileSync } from "node:fs";
import { machine, release } from "node:os";

export interface PlatformFacts {
  /** linux, macos, windows, freebsd … */
  os: string;
  /** x86_64, aarch64, i686, armv7 … (uname's names, as uv and wheel tags use them). */
  arch: string;
  /** Kernel release. */
  release: string;
  /** `linux-x86_64`: the key environment checksums are recorded under. */
  key: string;
  /** C library on Linux (decides manylinux vs musllinux wheels); null elsewhere. */
  libc: "gnu" | "musl" | null;
}

export interface DistributionFacts {
  /** `/etc/os-release` ID: debian, ubuntu, fedora, alpine, arch … */
  id: string;
  versionId: string | null;
  /** Families this distribution derives from, e.g. ["debian"] for Ubuntu. */
  idLike: string[];
  name: string | null;
}

export function platformFacts(): PlatformFacts {
  const os = osName(process.platform);
  const arch = archName(machine());
  return {
    os,
    arch,
    release: release(),
    key: `${os}-${arch}`,
    libc: process.platform === "linux" ? linuxLibc() : null,
  };
}

function osName(platform: NodeJS.Platform): string {
  if (platform === "darwin") return "macos";
  if (platform === "win32") return "windows";
  return platform;
}

function archName(uname: string): string {
  const lower = uname.toLowerCase();
  if (lower === "arm64") return "aarch64";
  if (lower === "amd64" || lower === "x64") return "x86_64";
  if (lower === "armv7l") return "armv7";
  return lower;
}

/** musl systems (Alpine) ship their dynamic loader as `/lib/ld-musl-<arch>.so.1`. */
function linuxLibc(): "gnu" | "musl" {
  try {
    return readdirSync("/lib").some((name) => name.startsWith("ld-musl-")) ? "musl" : "gnu";
  } catch {
    return "gnu";
  }
}

export function readDistribution(): DistributionFacts | null {
  for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
    try {
      return distributionFromOsRelease(parseOsRelease(readFileSync(path, "utf8")));
    } catch {}
  }
  return null;
}

/** `KEY=value` lines of os-release(5); values may be quoted with `"` or `'` and use backslash escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, "$1");
    }
    fields[match[1]!] = value;
  }
  return fields;
}

export function distributionFromOsRelease(fields: Record<string, string>): DistributionFacts | null {
  const id = fields.ID?.toLowerCase();
  if (!id) return null;
  return {
    id,
    versionId: fields.VERSION_ID ?? null,
    idLike: (fields.ID_LIKE ?? "").split(/\s+/).filter((word) => word.length > 0),
    name: fields.PRETTY_NAME ?? fields.NAME ?? null,
  };
}
