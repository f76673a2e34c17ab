import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { markerEnvironment } from "./marker-env.js";

describe("markerEnvironment", () => {
  it("matches what this machine's real Python reports for every marker variable", () => {
    const script = [
      "import json, os, platform, sys",
      "print(json.dumps({'os_name': os.name, 'sys_platform': sys.platform, 'platform_machine': platform.machine(),",
      "  'platform_system': platform.system(), 'platform_release': platform.release(), 'platform_version': platform.version(),",
      "  'platform_python_implementation': platform.python_implementation(), 'implementation_name': sys.implementation.name,",
      "  'python_version': '.'.join(platform.python_version_tuple()[:2]), 'python_full_version': platform.python_version()}))",
    ].join("\n");
    const real = JSON.parse(execFileSync("python3", ["-c", script], { encoding: "utf8" })) as Record<
      string,
      string
    >;
    const env = markerEnvironment({ implementation: "cpython", version: real.python_full_version! });
    expect(env).toEqual({ ...real, implementation_version: real.python_full_version });
  });

  it("names PyPy and keeps the minor version without its pre-release tag", () => {
    const env = markerEnvironment({ implementation: "pypy", version: "3.10.14" });
    expect(env.platform_python_implementation).toBe("PyPy");
    expect(env.implementation_name).toBe("pypy");
    expect(env.python_version).toBe("3.10");
  });
});
