import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openScanCache } from "./scan-cache.js";
import { scanFile } from "./source-file.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project with one module, a scanner script to key the cache by, and a DHTL_HOME of its own. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), "dhtl-scan-cache-"));
  dirs.push(dir);
  const root = join(dir, "project");
  mkdirSync(root);
  writeFileSync(join(root, "app.py"), "import requests\n");
  const scanner = join(dir, "scan-worker.cjs");
  writeFileSync(scanner, "// scanner v1\n");
  const env = { DHTL_HOME: join(dir, "home") };
  // Files written a moment ago are "racily clean"; ten seconds on, they count as settled.
  const later = Date.now() + 10_000;
  return { dir, root, scanner, env, later };
}

/** One run: every file answered from the cache or scanned and remembered, as startScan does. */
function run(root: string, scanner: string, options: { env: NodeJS.ProcessEnv; now?: number }) {
  const cache = openScanCache(root, scanner, options);
  if (!cache) throw new Error("no cache");
  const cached = cache.get("app.py");
  const scan = cached ?? scanFile(root, "app.py");
  if (!cached) cache.set("app.py", scan);
  cache.save();
  return { cached, scan };
}

describe("openScanCache", () => {
  it("answers an unchanged file from the cache with what scanning it found", () => {
    const { root, scanner, env, later } = setup();
    const first = run(root, scanner, { env, now: later });
    expect(first.cached).toBeNull();
    const second = run(root, scanner, { env, now: later });
    expect(second.cached).toEqual(first.scan);
    expect(second.cached && "statements" in second.cached && second.cached.statements[0]?.module).toBe(
      "requests",
    );
  });

  it("scans again a file rewritten with the same size, and one written too recently to trust", () => {
    const { root, scanner, env, later } = setup();
    run(root, scanner, { env, now: later });
    writeFileSync(join(root, "app.py"), "import requesta\n");
    const changed = run(root, scanner, { env, now: later + 10_000 });
    expect(changed.cached).toBeNull();
    expect("statements" in changed.scan && changed.scan.statements[0]?.module).toBe("requesta");
    // Without the clock moved on, the new file is racily clean: never remembered.
    const { root: fresh, scanner: freshScanner, env: freshEnv } = setup();
    run(fresh, freshScanner, { env: freshEnv });
    expect(run(fresh, freshScanner, { env: freshEnv }).cached).toBeNull();
  });

  it("starts afresh when the scanner changes, and is off without one or with DHTL_SCAN_CACHE=0", () => {
    const { root, scanner, env, later } = setup();
    run(root, scanner, { env, now: later });
    writeFileSync(scanner, "// scanner v2\n");
    expect(run(root, scanner, { env, now: later }).cached).toBeNull();
    expect(run(root, scanner, { env, now: later }).cached).not.toBeNull();
    expect(openScanCache(root, null, { env })).toBeNull();
    expect(openScanCache(root, scanner, { env: { ...env, DHTL_SCAN_CACHE: "0" } })).toBeNull();
  });

  it("keeps its files in dhtl's cache directory, never in the checkout", () => {
    const { root, scanner, env, later } = setup();
    run(root, scanner, { env, now: later });
    expect(readdirSync(root)).toEqual(["app.py"]);
    expect(readdirSync(join(env.DHTL_HOME, "cache", "scans"))).toHaveLength(1);
  });
});
