import { describe, expect, it } from "vitest";
import { markerEnvironmentFor } from "../pep/markers.js";
import { describeGap, type LockedDistribution, wheelGaps } from "./lock-fit.js";
import type { HostPlatform, WheelTarget } from "./wheel-tags.js";

const LINUX: HostPlatform = {
  os: "linux",
  arch: "x86_64",
  libc: { kind: "glibc", version: [2, 36] },
  macos: null,
};
const on = (version: string): WheelTarget => ({ implementation: "cpython", version, platform: LINUX });
const env = (version: string) => markerEnvironmentFor(version, "linux");

/** Real file names: httptools 0.6.1 (2023) stops at cp312; psycopg2 2.7.3 (2017) at cp36. */
const LOCKED: LockedDistribution[] = [
  {
    name: "httptools",
    version: "0.6.1",
    marker: null,
    wheels: [
      "httptools-0.6.1-cp310-cp310-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "httptools-0.6.1-cp312-cp312-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "httptools-0.6.1-cp312-cp312-win_amd64.whl",
    ],
    hasSdist: true,
  },
  {
    name: "psycopg2",
    version: "2.7.3",
    marker: 'python_version < "3.13"',
    wheels: ["psycopg2-2.7.3-cp36-cp36m-manylinux1_x86_64.whl", "psycopg2-2.7.3-cp36-cp36m-win_amd64.whl"],
    hasSdist: true,
  },
  { name: "visitor", version: "0.1.3", marker: null, wheels: [], hasSdist: true },
];

describe("wheelGaps", () => {
  it("names the versions no wheel serves on an interpreter; a pure sdist is not a gap in a full lock", () => {
    expect(wheelGaps(LOCKED, on("3.12.1"), env("3.12.1"), { sdistOnly: false }).map(describeGap)).toEqual([
      "psycopg2 2.7.3 (wheels for CPython 3.6 only)",
    ]);
    // On 3.13 psycopg2's marker no longer holds; httptools has no cp313 wheel.
    expect(wheelGaps(LOCKED, on("3.13.0"), env("3.13.0"), { sdistOnly: false }).map(describeGap)).toEqual([
      "httptools 0.6.1 (wheels for CPython 3.10–3.12)",
    ]);
  });

  it("3.6's cp36m ABI tag fits", () => {
    expect(
      wheelGaps(LOCKED, on("3.6.15"), env("3.6.15"), { sdistOnly: false }).map((gap) => gap.name),
    ).toEqual(["httptools"]);
  });

  it("a pylock for one interpreter lists only fitting wheels: there, no wheel at all is a gap", () => {
    expect(
      wheelGaps(LOCKED, on("3.12.1"), env("3.12.1"), { sdistOnly: true }).map((gap) => gap.name),
    ).toEqual(["psycopg2", "visitor"]);
  });
});

describe("newestBinaryPython", () => {
  it("names the newest CPython of interpreter-specific wheels; null for py3/abi3 wheels or none", async () => {
    const { newestBinaryPython } = await import("./lock-fit.js");
    // psycopg2 2.7.4 (2018): manylinux and Windows wheels up to cp36.
    expect(
      newestBinaryPython([
        "psycopg2-2.7.4-cp27-cp27mu-manylinux1_x86_64.whl",
        "psycopg2-2.7.4-cp36-cp36m-manylinux1_x86_64.whl",
        "psycopg2-2.7.4-cp36-cp36m-win_amd64.whl",
      ]),
    ).toBe(6);
    expect(newestBinaryPython(["cryptography-2.2.2-cp34-abi3-manylinux1_x86_64.whl"])).toBeNull();
    expect(newestBinaryPython(["six-1.11.0-py2.py3-none-any.whl"])).toBeNull();
    expect(newestBinaryPython([])).toBeNull();
  });
});
