import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostPlatform, hostPlatform } from "../python/wheel-tags.js";
import { distributionsServedByWheels } from "./lock-wheels.js";
import { withoutWheelServedBuilds } from "./system-packages/needs.js";

const linux: HostPlatform = {
  os: "linux",
  arch: "x86_64",
  libc: { kind: "glibc", version: [2, 36] },
  macos: null,
};
// Only the binary's name matters (free-threaded builds end in `t`); any real file will do.
const python313 = { implementation: "cpython", version: "3.13.0", path: process.execPath };

/** A uv.lock with two versions of one package, each for one fork, and a package without wheels. */
const FORKED = readFileSync(join(import.meta.dirname, "../formats/__fixtures__/forked-uv.lock"), "utf8");

describe("distributionsServedByWheels", () => {
  it("counts only the versions the lock installs for this interpreter", () => {
    const candidates = ["OldLib", "sdist_only", "not-in-lock"];
    // 3.13 gets oldlib 2.0 (a wheel fits); the sdist-only package must build; one the lock never installs needs nothing.
    expect([...distributionsServedByWheels(FORKED, candidates, python313, linux)].sort()).toEqual([
      "not-in-lock",
      "oldlib",
    ]);
    // 3.10 gets oldlib 1.0, which has no wheel at all.
    const python310 = { ...python313, version: "3.10.13" };
    expect([...distributionsServedByWheels(FORKED, candidates, python310, linux)]).toEqual(["not-in-lock"]);
  });

  it("trusts no wheel for a free-threaded interpreter", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-lock-wheels-"));
    try {
      const freeThreaded = join(dir, "python3.13t");
      writeFileSync(freeThreaded, "");
      const served = distributionsServedByWheels(
        FORKED,
        ["oldlib"],
        { ...python313, path: freeThreaded },
        linux,
      );
      expect(served.has("oldlib")).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("distributionsServedByWheels on a real uv.lock", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "dhtl-lock-wheels-real-"));
    writeFileSync(
      join(root, "pyproject.toml"),
      '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["numpy==2.3.4", "psycopg2==2.9.10", "six==1.17.0"]\n',
    );
    execFileSync("uv", ["lock", "--quiet", "--python", "3.11"], {
      cwd: root,
      env: { ...process.env, VIRTUAL_ENV: "" },
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds numpy's and six's wheels for CPython 3.11 here, and none for psycopg2 (an sdist on Linux)", () => {
    const lock = readFileSync(join(root, "uv.lock"), "utf8");
    const python311 = { ...python313, version: "3.11.7" };
    const served = distributionsServedByWheels(
      lock,
      ["numpy", "psycopg2", "six"],
      python311,
      hostPlatform(null),
    );
    expect([...served].sort()).toEqual(["numpy", "six"]);
  });
});

describe("withoutWheelServedBuilds", () => {
  const needs = [
    { name: "liboldlib-dev", manager: "apt", because: "oldlib", phase: "build" as const },
    { name: "libsdist-dev", manager: "apt", because: "sdist-only", phase: "build" as const },
    { name: "liboldlib1", manager: "apt", because: "oldlib", phase: "runtime" as const },
  ];
  const uvLock = { kind: "uv", file: "uv.lock", exists: true } as const;

  it("drops build needs a fitting wheel makes moot, keeps runtime needs, and trusts nothing under no-binary", () => {
    const root = mkdtempSync(join(tmpdir(), "dhtl-wheel-served-"));
    try {
      writeFileSync(join(root, "uv.lock"), FORKED);
      writeFileSync(join(root, "pyproject.toml"), '[project]\nname = "demo"\nversion = "0"\n');
      const python = { ...python313 };
      const result = withoutWheelServedBuilds(needs, root, uvLock, python);
      // This machine's own platform decides: only assert where the wheel's x86-64 glibc tag can fit.
      if (process.platform === "linux" && process.arch === "x64") {
        expect(result.served).toEqual(["oldlib"]);
        expect(result.kept.map((need) => need.name)).toEqual(["libsdist-dev", "liboldlib1"]);
      }
      writeFileSync(
        join(root, "pyproject.toml"),
        '[project]\nname = "demo"\nversion = "0"\n\n[tool.uv]\nno-binary-package = ["oldlib"]\n',
      );
      expect(withoutWheelServedBuilds(needs, root, uvLock, python)).toEqual({ kept: needs, served: [] });
      // A hashed requirements lock names no wheel files: uv's dry run decides.
      const compiled = { kind: "compiled", file: "req.lock", input: "req.in", constraints: null } as const;
      expect(withoutWheelServedBuilds(needs, root, compiled, python).kept).toEqual(needs);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
