import {
  chmodSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openProbeCache } from "./probe-cache.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dhtl-probe-cache-"));
  dirs.push(dir);
  return dir;
}

describe("openProbeCache", () => {
  it("remembers a native executable's output across opens, until the file changes", () => {
    const dir = tempDir();
    const binary = join(dir, "tool");
    copyFileSync(process.execPath, binary); // a real ELF / Mach-O file
    const file = join(dir, "cache", "probes.json");

    const first = openProbeCache(file);
    expect(first.get(binary)).toBeNull();
    first.set(binary, "Tool 1.2.3\n", /^tool$/);
    first.save();
    expect(JSON.parse(readFileSync(file, "utf8")).schema).toBe(1);
    expect(openProbeCache(file).get(binary)).toBe("Tool 1.2.3\n");

    // A rebuilt binary (new mtime) is asked again.
    utimesSync(binary, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(openProbeCache(file).get(binary)).toBeNull();
  });

  it("never caches a dispatcher reached through a symlink under another name (mise, volta, rustup)", () => {
    const dir = tempDir();
    const dispatcher = join(dir, "mise");
    copyFileSync(process.execPath, dispatcher);
    const shim = join(dir, "python3");
    symlinkSync(dispatcher, shim);
    const file = join(dir, "probes.json");
    const cache = openProbeCache(file);
    cache.set(shim, "CPython 3.12.1\n", /^python3$/);
    cache.save();
    expect(openProbeCache(file).get(shim)).toBeNull();
  });

  it("never caches a hard-linked dispatcher: rustup's cargo, rustc and rustup are one file under three names", () => {
    const dir = tempDir();
    const rustup = join(dir, "rustup");
    copyFileSync(process.execPath, rustup);
    const cargo = join(dir, "cargo");
    linkSync(rustup, cargo);
    const file = join(dir, "probes.json");
    const cache = openProbeCache(file);
    cache.set(rustup, "rustup 1.29.0\n", /^rustup$/);
    cache.set(cargo, "cargo 1.95.0\n", /^cargo$/);
    cache.save();
    expect(openProbeCache(file).get(rustup)).toBeNull();
    expect(openProbeCache(file).get(cargo)).toBeNull();
  });

  it("caches hard links that are one program by every name beside it (python3.6 and python3.6m)", () => {
    const dir = tempDir();
    const python = join(dir, "python3.6");
    copyFileSync(process.execPath, python);
    linkSync(python, join(dir, "python3.6m"));
    const file = join(dir, "probes.json");
    const sameVersion = (name: string, other: string) => other === `${name}m`;
    const cache = openProbeCache(file, { sameProgram: sameVersion });
    cache.set(python, "CPython 3.6.15\n", /^python/);
    cache.save();
    expect(openProbeCache(file, { sameProgram: sameVersion }).get(python)).toBe("CPython 3.6.15\n");
    // Without the rule, and once a third name joins (a dispatcher's), the file is asked again.
    expect(openProbeCache(file).get(python)).toBeNull();
    linkSync(python, join(dir, "rustup"));
    expect(openProbeCache(file, { sameProgram: sameVersion }).get(python)).toBeNull();
  });

  it("never caches a hard link whose other name lies in another directory", () => {
    const dir = tempDir();
    const python = join(dir, "python3.6");
    copyFileSync(process.execPath, python);
    mkdirSync(join(dir, "elsewhere"));
    linkSync(python, join(dir, "elsewhere", "python3.6m"));
    const file = join(dir, "probes.json");
    const cache = openProbeCache(file, { sameProgram: () => true });
    cache.set(python, "CPython 3.6.15\n", /^python/);
    cache.save();
    expect(openProbeCache(file, { sameProgram: () => true }).get(python)).toBeNull();
  });

  it("never answers for a link under another name with what its target printed (cargo -> rustup)", () => {
    const dir = tempDir();
    const rustup = join(dir, "rustup");
    copyFileSync(process.execPath, rustup);
    const cargo = join(dir, "cargo");
    symlinkSync("rustup", cargo);
    const file = join(dir, "probes.json");
    const cache = openProbeCache(file);
    cache.set(rustup, "rustup 1.29.0\n", /^rustup$/);
    cache.save();
    expect(openProbeCache(file).get(rustup, /^rustup$/)).toBe("rustup 1.29.0\n");
    expect(openProbeCache(file).get(cargo, /^cargo$/)).toBeNull();
  });

  it("never caches scripts: a shim's answer depends on configuration outside the file", () => {
    const dir = tempDir();
    const script = join(dir, "python3");
    writeFileSync(script, "#!/bin/sh\necho CPython 3.12.1\n");
    chmodSync(script, 0o755);
    const file = join(dir, "probes.json");
    const cache = openProbeCache(file);
    cache.set(script, "CPython 3.12.1\n", /^python3$/);
    cache.save();
    expect(openProbeCache(file).get(script)).toBeNull();
  });

  it("treats a missing or corrupt cache file as empty, and a missing executable as unknown", () => {
    const dir = tempDir();
    const file = join(dir, "probes.json");
    writeFileSync(file, "{not json");
    const cache = openProbeCache(file);
    expect(cache.get(join(dir, "absent"))).toBeNull();
    cache.set(join(dir, "absent"), "x", /^absent$/);
    cache.save();
    expect(readFileSync(file, "utf8")).toBe("{not json");
  });
});
