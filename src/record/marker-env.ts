import { version as osVersion, release } from "node:os";
import { type MarkerEnvironment, markerEnvironmentFor, type TargetPlatform } from "../standards/markers.js";
import type { VenvPython } from "./venv-info.js";

/**
 * The PEP 508 marker environment of a virtual environment on this machine: the interpreter from its
 * `pyvenv.cfg`, the platform from Node (the environment runs here), so no Python process is needed.
 */
export function markerEnvironment(python: VenvPython): MarkerEnvironment {
  const platform = process.platform;
  const target: TargetPlatform = platform === "win32" || platform === "darwin" ? platform : "linux";
  const implementation = python.implementation;
  return {
    ...markerEnvironmentFor(python.version, target, machineName(process.arch, platform)),
    // The real values where this machine knows better than a target description.
    sys_platform: platform,
    implementation_name: implementation,
    platform_python_implementation:
      implementation === "cpython" ? "CPython" : implementation === "pypy" ? "PyPy" : implementation,
    platform_release: release(),
    platform_version: osVersion(),
  };
}

/** `platform.machine()` as Python reports it for Node's `process.arch` (`AMD64` on Windows comes from `markerEnvironmentFor`). */
function machineName(arch: string, platform: NodeJS.Platform): string {
  if (arch === "x64") return "x86_64";
  if (arch === "arm64") return platform === "linux" ? "aarch64" : "arm64";
  return arch;
}
