import { version as osVersion, release } from "node:os";
import type { MarkerEnvironment } from "../standards/markers.js";
import type { VenvPython } from "./venv-info.js";

/**
 * The PEP 508 marker environment of a virtual environment on this machine: the interpreter from its
 * `pyvenv.cfg`, the platform from Node (the environment runs here), so no Python process is needed.
 */
export function markerEnvironment(python: VenvPython): MarkerEnvironment {
  const [major = "3", minor = "0"] = python.version.split(".");
  const platform = process.platform;
  const machine =
    process.arch === "x64"
      ? platform === "win32"
        ? "AMD64"
        : "x86_64"
      : process.arch === "arm64"
        ? platform === "linux"
          ? "aarch64"
          : "arm64"
        : process.arch;
  const implementation = python.implementation;
  return {
    implementation_name: implementation,
    implementation_version: python.version,
    os_name: platform === "win32" ? "nt" : "posix",
    platform_machine: machine,
    platform_python_implementation:
      implementation === "cpython" ? "CPython" : implementation === "pypy" ? "PyPy" : implementation,
    platform_release: release(),
    platform_system: platform === "win32" ? "Windows" : platform === "darwin" ? "Darwin" : "Linux",
    platform_version: osVersion(),
    python_full_version: python.version,
    python_version: `${major}.${minor}`,
    sys_platform: platform,
  };
}
