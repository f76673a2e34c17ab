import { version as osVersion, release } from "node:os";
import { type MarkerEnvironment, markerEnvironmentFor, type TargetPlatform } from "../pep/markers.js";
import { pythonMachine } from "./platform.js";
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
    ...markerEnvironmentFor(python.version, target, pythonMachine(process.arch, platform)),
    // The real values where this machine knows better than a target description.
    sys_platform: platform,
    implementation_name: implementation,
    platform_python_implementation:
      implementation === "cpython" ? "CPython" : implementation === "pypy" ? "PyPy" : implementation,
    platform_release: release(),
    platform_version: osVersion(),
  };
}
