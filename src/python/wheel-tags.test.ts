import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type HostPlatform, hostPlatform, type WheelTarget, wheelFits, wheelTags } from "./wheel-tags.js";

const glibc = (major: number, minor: number): HostPlatform => ({
  os: "linux",
  arch: "x86_64",
  libc: { kind: "glibc", version: [major, minor] },
  macos: null,
});
const cpython = (version: string, platform: HostPlatform = glibc(2, 36)): WheelTarget => ({
  implementation: "cpython",
  version,
  platform,
});

describe("wheelTags", () => {
  it("reads the three tag sets, compressed sets and an optional build tag included", () => {
    expect(wheelTags("six-1.17.0-py2.py3-none-any.whl")).toEqual({
      pythons: ["py2", "py3"],
      abis: ["none"],
      platforms: ["any"],
    });
    expect(wheelTags("pkg-1.0-1build-cp313-cp313-win_amd64.whl")?.platforms).toEqual(["win_amd64"]);
    expect(wheelTags("pkg-1.0.tar.gz")).toBeNull();
    expect(wheelTags("not-a-wheel.whl")).toBeNull();
  });
});

describe("wheelFits", () => {
  const numpy = "numpy-2.3.4-cp313-cp313-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl";

  it("matches CPython's own ABI only for its own minor version", () => {
    expect(wheelFits(numpy, cpython("3.13.0"))).toBe(true);
    expect(wheelFits(numpy, cpython("3.12.1"))).toBe(false);
  });

  it("honours the glibc version a manylinux tag asks for, legacy aliases included", () => {
    expect(wheelFits(numpy, cpython("3.13.0", glibc(2, 27)))).toBe(true);
    expect(wheelFits(numpy, cpython("3.13.0", glibc(2, 26)))).toBe(false);
    expect(wheelFits("x-1.0-cp313-cp313-manylinux2014_x86_64.whl", cpython("3.13.0", glibc(2, 17)))).toBe(
      true,
    );
    expect(wheelFits("x-1.0-cp313-cp313-manylinux2014_x86_64.whl", cpython("3.13.0", glibc(2, 12)))).toBe(
      false,
    );
    expect(wheelFits("x-1.0-cp313-cp313-manylinux1_x86_64.whl", cpython("3.13.0", glibc(2, 5)))).toBe(true);
  });

  it("does not take another architecture, musl wheels on glibc, or an unknown C library", () => {
    expect(wheelFits(numpy.replaceAll("x86_64", "aarch64"), cpython("3.13.0"))).toBe(false);
    expect(wheelFits("x-1.0-cp313-cp313-musllinux_1_2_x86_64.whl", cpython("3.13.0"))).toBe(false);
    expect(wheelFits(numpy, cpython("3.13.0", { ...glibc(2, 36), libc: null }))).toBe(false);
  });

  it("takes the stable ABI from its minimum version on, and pure wheels of the right major version", () => {
    expect(wheelFits("cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl", cpython("3.13.0"))).toBe(
      true,
    );
    expect(wheelFits("x-1.0-cp314-abi3-manylinux_2_28_x86_64.whl", cpython("3.13.0"))).toBe(false);
    expect(wheelFits("six-1.17.0-py2.py3-none-any.whl", cpython("3.13.0"))).toBe(true);
    expect(wheelFits("x-1.0-py313-none-any.whl", cpython("3.13.0"))).toBe(true);
    expect(wheelFits("x-1.0-py2-none-any.whl", cpython("3.13.0"))).toBe(false);
    expect(wheelFits("x-1.0-cp312-none-any.whl", cpython("3.13.0"))).toBe(false);
  });

  it("answers false where it cannot be sure: PyPy, free-threaded builds", () => {
    expect(
      wheelFits("six-1.17.0-py2.py3-none-any.whl", { ...cpython("3.10.14"), implementation: "pypy" }),
    ).toBe(false);
    expect(wheelFits(numpy, { ...cpython("3.13.0"), freeThreaded: true })).toBe(false);
  });

  it("knows macOS versions and universal2, and Windows' platform tags", () => {
    const macArm: HostPlatform = { os: "darwin", arch: "arm64", libc: null, macos: [14, 0] };
    expect(wheelFits("x-1.0-cp313-cp313-macosx_11_0_arm64.whl", cpython("3.13.0", macArm))).toBe(true);
    expect(wheelFits("x-1.0-cp313-cp313-macosx_10_13_universal2.whl", cpython("3.13.0", macArm))).toBe(true);
    expect(wheelFits("x-1.0-cp313-cp313-macosx_10_13_x86_64.whl", cpython("3.13.0", macArm))).toBe(false);
    expect(wheelFits("x-1.0-cp313-cp313-macosx_15_0_arm64.whl", cpython("3.13.0", macArm))).toBe(false);
    const windows: HostPlatform = { os: "win32", arch: "x86_64", libc: null, macos: null };
    expect(wheelFits("x-1.0-cp313-cp313-win_amd64.whl", cpython("3.13.0", windows))).toBe(true);
    expect(wheelFits("x-1.0-cp313-cp313-win32.whl", cpython("3.13.0", windows))).toBe(false);
  });
});

describe.skipIf(process.platform !== "linux")("hostPlatform", () => {
  it("finds this machine's glibc version, as getconf reports it, and remembers it", () => {
    const reported = execFileSync("getconf", ["GNU_LIBC_VERSION"], { encoding: "utf8" }).trim();
    const [major, minor] = reported
      .replace(/^glibc\s+/, "")
      .split(".")
      .map(Number);
    const cache = mkdtempSync(join(tmpdir(), "dhtl-host-platform-"));
    try {
      const first = hostPlatform(cache);
      expect(first.os).toBe("linux");
      expect(first.libc).toEqual({ kind: "glibc", version: [major, minor] });
      // The second answer comes from the cache file and must agree.
      expect(existsSync(join(cache, "libc-version.json"))).toBe(true);
      expect(hostPlatform(cache)).toEqual(first);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
