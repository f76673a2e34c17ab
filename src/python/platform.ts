import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * `platform.machine()` as Python reports it for Node's `process.arch` (`AMD64` on Windows comes from
 * `markerEnvironmentFor`): marker values and wheel platform tags spell machines this way.
 */
export function pythonMachine(arch: string, platform: NodeJS.Platform): string {
  if (arch === "x64") return "x86_64";
  if (arch === "arm64") return platform === "linux" ? "aarch64" : "arm64";
  if (arch === "ia32") return "i686";
  return arch;
}

/** The key under which this machine's environment checksum is recorded (`linux-x86_64`, `macos-arm64`). */
export function platformKey(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const os = platform === "darwin" ? "macos" : platform === "win32" ? "windows" : platform;
  const cpu = arch === "x64" ? "x86_64" : arch === "arm64" ? (os === "macos" ? "arm64" : "aarch64") : arch;
  return `${os}-${cpu}`;
}

/** `sha256:<hex>` of a file's bytes. */
export function sha256File(path: string): string {
  return sha256Of(readFileSync(path));
}

export function sha256Of(data: string | Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
