import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findInterpreters, type PythonInterpreter, selectInterpreter, sortInterpreters } from "./discover.js";

/** The pyenv builds this machine (and CI) carries under ~/.pyenv/versions; only 3.11 is on PATH. */
const pyenvVersions = join(process.env.PYENV_ROOT || join(homedir(), ".pyenv"), "versions");
const pyenvPython = (version: string, name: string) => join(pyenvVersions, version, "bin", name);

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dhtl-discover-"));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function link(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

describe("findInterpreters on this machine", () => {
  it("finds pyenv builds that are not on PATH, 2.7 included, each once, newest first", async () => {
    const found = await findInterpreters();
    const byVersion = new Map(found.map((interpreter) => [interpreter.version, interpreter]));

    const py312 = byVersion.get("3.12.1");
    expect(py312).toMatchObject({ source: "pyenv", implementation: "cpython", onPath: false });
    expect(py312?.path.startsWith(join(pyenvVersions, "3.12.1", "bin"))).toBe(true);
    expect(byVersion.get("2.7.18")).toMatchObject({ source: "pyenv", onPath: false });
    // Shims are not interpreters: the build behind them is listed instead.
    expect(found.some((interpreter) => interpreter.path.includes("/shims/"))).toBe(false);

    const realPaths = found.map((interpreter) => realpathSync(interpreter.path));
    expect(new Set(realPaths).size).toBe(realPaths.length);
    expect(found).toEqual(sortInterpreters(found));
    for (const interpreter of found) expect(interpreter.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("follows PYENV_VERSION to tell which build the shims on PATH run", async () => {
    const found = await findInterpreters({ env: { ...process.env, PYENV_VERSION: "3.12.1" } });
    const onPath = found.filter((interpreter) => interpreter.source === "pyenv" && interpreter.onPath);
    expect(onPath.map((interpreter) => interpreter.version)).toEqual(["3.12.1"]);
  });
});

describe("findInterpreters' probe cache", () => {
  it("remembers a pre-3.8 CPython whose python3.6 and python3.6m are hard links of one binary", async () => {
    const python36 = pyenvPython("3.6.15", "python3.6");
    const dhtlHome = tempDir();
    const env = {
      HOME: tempDir(),
      PATH: dirname(python36),
      PYENV_ROOT: join(dhtlHome, "no-pyenv"),
      DHTL_HOME: dhtlHome,
    };
    const found = await findInterpreters({ env });
    expect(found.map((interpreter) => interpreter.version)).toContain("3.6.15");
    const cached = JSON.parse(readFileSync(join(dhtlHome, "cache", "interpreters.json"), "utf8"));
    expect(cached.entries[realpathSync(python36)]?.output).toBe("CPython 3.6.15\n");
    // The second search answers from the cache, with the same result.
    expect(await findInterpreters({ env })).toEqual(found);
  });
});

describe("findInterpreters in each install layout", () => {
  it("classifies uv, asdf, mise, conda and PATH interpreters by where they live", async () => {
    const home = tempDir();
    const bin = join(home, "bin");
    // Each layout gets a different real build, so deduplication by real path keeps them apart.
    link(
      pyenvPython("3.9.18", "python3.9"),
      join(home, ".local/share/uv/python/cpython-3.9.18-linux-x86_64-gnu/bin/python3"),
    );
    link(pyenvPython("3.8.18", "python3.8"), join(home, ".asdf/installs/python/3.8.18/bin/python3"));
    link(
      pyenvPython("3.7.16", "python3.7"),
      join(home, ".local/share/mise/installs/python/3.7.16/bin/python3"),
    );
    link(pyenvPython("3.6.15", "python3.6"), join(home, "miniconda3/envs/legacy/bin/python"));
    link(pyenvPython("3.10.13", "python3.10"), join(bin, "python3"));
    link(pyenvPython("3.10.13", "python3.10"), join(bin, "python3.10"));
    // A broken and a hanging "python" must be skipped, not fail the search.
    writeFileSync(join(bin, "python3.99"), "#!/bin/sh\nexit 1\n");
    writeFileSync(join(bin, "python4"), "#!/bin/sh\nexec /bin/sleep 10\n");
    chmodSync(join(bin, "python3.99"), 0o755);
    chmodSync(join(bin, "python4"), 0o755);

    const env = { HOME: home, PATH: bin, PYENV_ROOT: join(home, "no-pyenv") };
    const started = Date.now();
    const found = await findInterpreters({ env, timeoutMs: 1500 });
    expect(Date.now() - started).toBeLessThan(5000);

    const summary = found.map(({ version, source, onPath }) => `${version} ${source} ${onPath}`);
    expect(summary).toEqual([
      "3.10.13 path true",
      "3.9.18 uv false",
      "3.8.18 asdf false",
      "3.7.16 mise false",
      "3.6.15 conda false",
    ]);
    expect(found[0]!.path).toBe(join(bin, "python3"));
  });

  it("reads conda's environments.txt for environments outside the usual roots", async () => {
    const home = tempDir();
    const envPrefix = join(home, "work", "envs", "data");
    link(pyenvPython("3.8.18", "python3.8"), join(envPrefix, "bin", "python"));
    mkdirSync(join(home, ".conda"), { recursive: true });
    writeFileSync(join(home, ".conda", "environments.txt"), `${envPrefix}\n`);
    const found = await findInterpreters({ env: { HOME: home, PATH: "", PYENV_ROOT: join(home, "none") } });
    expect(found).toEqual([
      {
        path: join(envPrefix, "bin", "python"),
        version: "3.8.18",
        implementation: "cpython",
        source: "conda",
        onPath: false,
      },
    ]);
  });
});

describe("selectInterpreter", () => {
  const fake = (version: string, source: PythonInterpreter["source"], implementation = "cpython") => ({
    path: `/x/${source}/${implementation}/${version}/bin/python3`,
    version,
    implementation,
    source,
    onPath: false,
  });
  const interpreters = [
    fake("2.7.18", "pyenv"),
    fake("3.9.18", "pyenv"),
    fake("3.10.13", "uv", "pypy"),
    fake("3.10.12", "system"),
    fake("3.10.12", "pyenv"),
    fake("3.12.1", "pyenv"),
    fake("3.13.0", "uv"),
  ];

  it("matches an exact version", () => {
    expect(selectInterpreter(interpreters, { kind: "exact", value: "3.12.1" })?.version).toBe("3.12.1");
    expect(selectInterpreter(interpreters, { kind: "exact", value: "3.12.2" })).toBeNull();
    expect(selectInterpreter(interpreters, { kind: "exact", value: "3.12" })).toBeNull();
  });

  it("picks the newest CPython of a minor version, preferring managed builds to the system's", () => {
    expect(selectInterpreter(interpreters, { kind: "minor", value: "3.10" })).toMatchObject({
      version: "3.10.12",
      source: "pyenv",
      implementation: "cpython",
    });
    expect(selectInterpreter(interpreters, { kind: "minor", value: "3.1" })).toBeNull();
    expect(selectInterpreter(interpreters, { kind: "minor", value: "3.14" })).toBeNull();
  });

  it("picks the newest version satisfying a PEP 440 range", () => {
    expect(selectInterpreter(interpreters, { kind: "range", value: ">=3.8,<3.10" })?.version).toBe("3.9.18");
    expect(selectInterpreter(interpreters, { kind: "range", value: "<3" })?.version).toBe("2.7.18");
    expect(selectInterpreter(interpreters, { kind: "range", value: ">=3.9" })?.version).toBe("3.13.0");
    expect(selectInterpreter(interpreters, { kind: "range", value: "~=3.12.0" })?.version).toBe("3.12.1");
    expect(selectInterpreter(interpreters, { kind: "range", value: ">=3.14" })).toBeNull();
  });

  it("falls back to another implementation only when no CPython matches", () => {
    const pypyOnly = [fake("3.10.13", "uv", "pypy")];
    expect(selectInterpreter(pypyOnly, { kind: "minor", value: "3.10" })?.implementation).toBe("pypy");
  });

  it("selects a real interpreter found on this machine", async () => {
    const found = await findInterpreters();
    const chosen = selectInterpreter(found, { kind: "minor", value: "3.12" });
    expect(chosen?.version).toBe("3.12.1");
  });
});
