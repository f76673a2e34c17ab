import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readUvLock, uvLockNames } from "./uv-lock.js";

const FORKED = readFileSync(join(import.meta.dirname, "__fixtures__/forked-uv.lock"), "utf8");

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
