import { describe, expect, it } from "vitest";
import { readUvLock, uvLockNames } from "./uv-lock.js";

const FORKED = `version = 1
requires-python = ">=3.10"
resolution-markers = [
    "python_full_version >= '3.11'",
    "python_full_version < '3.11'",
]

[[package]]
name = "oldlib"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version < '3.11'",
]
sdist = { url = "https://files.pythonhosted.org/packages/aa/oldlib-1.0.tar.gz", hash = "sha256:00", size = 1 }

[[package]]
name = "OldLib"
version = "2.0"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version >= '3.11'",
]
sdist = { url = "https://files.pythonhosted.org/packages/bb/oldlib-2.0.tar.gz", hash = "sha256:00", size = 1 }
wheels = [
    { url = "https://files.pythonhosted.org/packages/cc/oldlib-2.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:00", size = 1 },
    { url = "https://files.pythonhosted.org/packages/dd/oldlib-2.0-cp312-cp312-win_amd64.whl", hash = "sha256:00", size = 1 },
]

[[package]]
name = "sdist-only"
version = "0.1"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/ee/sdist_only-0.1.tar.gz", hash = "sha256:00", size = 1 }
`;

describe("readUvLock", () => {
  it("reads each locked version's fork markers and wheel file names, by normalised name", () => {
    const found = readUvLock(FORKED)
      .packages.filter((pkg) => pkg.normalized === "oldlib")
      .map((pkg) => ({ name: pkg.normalized, resolutionMarkers: pkg.resolutionMarkers, wheels: pkg.wheels }));
    expect(found).toEqual([
      { name: "oldlib", resolutionMarkers: ["python_full_version < '3.11'"], wheels: [] },
      {
        name: "oldlib",
        resolutionMarkers: ["python_full_version >= '3.11'"],
        wheels: [
          "oldlib-2.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
          "oldlib-2.0-cp312-cp312-win_amd64.whl",
        ],
      },
    ]);
    expect(
      readUvLock(FORKED).packages.find((pkg) => pkg.name === "sdist-only")?.resolutionMarkers,
    ).toBeNull();
  });

  it("reads names, versions, sources and workspace members", () => {
    const lock = readUvLock(`version = 1
requires-python = ">=3.11"

[manifest]
members = [
    "app",
    "lib",
]

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "lib" },
]

[[package]]
name = "lib"
source = { virtual = "packages/lib" }

[[package]]
name = "Six"
version = "1.16.0"
source = { registry = "https://pypi.org/simple" }
`);
    expect(lock.workspaceMembers).toEqual(["app", "lib"]);
    expect(lock.packages.map((pkg) => [pkg.normalized, pkg.version, pkg.source])).toEqual([
      ["app", "0.1.0", { kind: "editable", value: "." }],
      ["lib", null, { kind: "virtual", value: "packages/lib" }],
      ["six", "1.16.0", { kind: "registry", value: "https://pypi.org/simple" }],
    ]);
    expect(readUvLock(FORKED).workspaceMembers).toBeNull();
    expect(uvLockNames(FORKED)).toEqual(["oldlib", "sdist-only"]);
  });
});
