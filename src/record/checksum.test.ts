import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeVenv } from "../../test/support/make-venv.js";
import { writeManyDistributions } from "../../test/support/many-distributions.js";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import { run } from "../core/exec.js";
import { environmentChecksum, readEnvironmentState, recordDigest } from "./checksum.js";

afterAll(removeTempDirs);

const PINS = ["six==1.16.0", "idna==3.7", "packaging==24.1"];

describe("environment checksum on real environments", () => {
  let first: string;
  let second: string;
  beforeAll(async () => {
    // Two independent builds of the same pins, in two different directories.
    [first, second] = await Promise.all([makeVenv(tempDir(), PINS), makeVenv(tempDir(), PINS)]);
  });

  it("reads the interpreter from pyvenv.cfg and every distribution from its dist-info", () => {
    const state = readEnvironmentState(first);
    expect(state.python.implementation).toBe("cpython");
    expect(state.python.version).toMatch(/^3\.11\.\d+$/);
    expect(state.packages.map((p) => `${p.name}==${p.version}`)).toEqual([
      "idna==3.7",
      "packaging==24.1",
      "six==1.16.0",
    ]);
    for (const p of state.packages) expect(p.recordDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("is equal for two builds in different directories", () => {
    const a = environmentChecksum(readEnvironmentState(first));
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(environmentChecksum(readEnvironmentState(second))).toBe(a);
  });

  it("changes with a version, a package and the interpreter", async () => {
    const base = readEnvironmentState(first);
    const checksum = environmentChecksum(base);
    const other = await makeVenv(tempDir(), ["six==1.15.0", "idna==3.7", "packaging==24.1"]);
    expect(environmentChecksum(readEnvironmentState(other))).not.toBe(checksum);
    const fewer = { ...base, packages: base.packages.slice(1) };
    expect(environmentChecksum(fewer)).not.toBe(checksum);
    const newerPython = { ...base, python: { implementation: "cpython", version: "3.11.99" } };
    expect(environmentChecksum(newerPython)).not.toBe(checksum);
  });

  it("does not depend on the installer: pip (which compiles bytecode) and uv agree", async () => {
    const venv = join(tempDir(), "pip-venv");
    expect((await run("python3", ["-m", "venv", venv])).code).toBe(0);
    const pip = join(venv, "bin", "pip");
    const installed = await run(pip, ["install", "--quiet", "--disable-pip-version-check", ...PINS]);
    expect(installed.code).toBe(0);
    // pip seeds itself (and on older Pythons setuptools); the uv environments have neither.
    expect((await run(pip, ["uninstall", "--quiet", "--yes", "pip", "setuptools"])).code).toBe(0);
    expect(environmentChecksum(readEnvironmentState(venv))).toBe(
      environmentChecksum(readEnvironmentState(first)),
    );
  });

  it("ignores bytecode compiled after install", () => {
    const before = environmentChecksum(readEnvironmentState(second));
    const site = join(second, "lib", "python3.11", "site-packages");
    const record = join(site, "six-1.16.0.dist-info", "RECORD");
    mkdirSync(join(site, "__pycache__"), { recursive: true });
    writeFileSync(join(site, "__pycache__", "six.cpython-311.pyc"), "bytecode");
    appendFileSync(record, "__pycache__/six.cpython-311.pyc,,\n");
    expect(environmentChecksum(readEnvironmentState(second))).toBe(before);
  });
});

describe("recordDigest", () => {
  const row = (path: string, hash = "sha256=abc") => ({ path, hash, size: 1 });
  const base = [
    row("pkg/__init__.py"),
    row("pkg-1.0.dist-info/METADATA"),
    row("pkg-1.0.dist-info/RECORD", ""),
  ];

  it("leaves out what varies between installs of the same files", () => {
    const digest = recordDigest(base);
    const noisy = [
      ...base,
      row("pkg/__pycache__/__init__.cpython-311.pyc", "sha256=zzz"),
      row("pkg-1.0.dist-info/INSTALLER", "sha256=pip"),
      row("pkg-1.0.dist-info/REQUESTED", ""),
      row("pkg-1.0.dist-info/direct_url.json", "sha256=abs"),
      row("pkg-1.0.dist-info/uv_cache.json", "sha256=cache"),
    ];
    expect(recordDigest(noisy.reverse())).toBe(digest);
  });

  it("keeps a console script's path but not its hash (the shebang holds the venv path)", () => {
    const a = recordDigest([...base, row("../../../bin/tool", "sha256=one")]);
    expect(recordDigest([...base, row("../../../bin/tool", "sha256=two")])).toBe(a);
    expect(a).not.toBe(recordDigest(base));
  });

  it("changes when a file's hash changes", () => {
    expect(recordDigest([row("pkg/__init__.py", "sha256=other"), ...base.slice(1)])).not.toBe(
      recordDigest(base),
    );
  });
});

describe("many distributions", () => {
  // How fast this is: bench/checksum-speed.sh (a wall-clock limit here failed on a busy machine).
  it("reads 300 distributions of 60 files each, the same way twice", () => {
    const venv = tempDir();
    writeManyDistributions(venv, 300, 60);
    const state = readEnvironmentState(venv);
    expect(state.packages).toHaveLength(300);
    expect(state.packages.every((pkg) => pkg.recordDigest.startsWith("sha256:"))).toBe(true);
    const checksum = environmentChecksum(state);
    expect(checksum).toMatch(/^sha256:/);
    expect(environmentChecksum(readEnvironmentState(venv))).toBe(checksum);
  });
});
