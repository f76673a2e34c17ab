import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compileLock,
  makeUvProject,
  makeVenv,
  recordProject,
  syncUvProject,
  uv,
  uvEnv,
} from "../../test/support/make-venv.js";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import { DhtlError } from "../core/errors.js";
import { runChecked } from "../core/exec.js";
import { environmentChecksum, readEnvironmentState } from "../record/checksum.js";
import { ENV_CACHE_FILE } from "./env-cache.js";
import { validateEnvironment } from "./validate.js";

afterAll(removeTempDirs);

const SITE = join(".venv", "lib", "python3.11", "site-packages");

async function pip(project: string, ...args: string[]): Promise<void> {
  await runChecked(
    await uv(),
    ["pip", ...args, "--quiet", "--python", join(project, ".venv", "bin", "python")],
    {
      cwd: project,
      env: uvEnv(),
    },
  );
}

async function rejection(promise: Promise<unknown>): Promise<DhtlError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DhtlError);
  return error as DhtlError;
}

describe("a uv project", () => {
  let project: string;
  beforeAll(async () => {
    project = tempDir();
    await makeUvProject(project);
  });

  it("is valid right after sync, in full and quick mode", async () => {
    const full = await validateEnvironment(project, { quick: false });
    expect(full).toEqual({
      ok: true,
      stale: null,
      python: { expected: null, actual: expect.stringMatching(/^3\.11\.\d+$/) },
      checksum: { expected: full.checksum.actual, actual: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      drift: { extra: [], missing: [], changed: [], modifiedFiles: [], environment: [], tools: [] },
    });
    const quick = await validateEnvironment(project, { quick: true });
    expect(quick.ok).toBe(true);
    expect(quick.checksum.actual).toBeNull();
  });

  it("quick mode runs from the cache without uv once the expected set is known", async () => {
    await validateEnvironment(project, { quick: true });
    expect(existsSync(join(project, ".venv", ENV_CACHE_FILE))).toBe(true);
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect((await validateEnvironment(project, { quick: true })).ok).toBe(true);
    } finally {
      process.env.PATH = path;
    }
    // An edited .dhtconfig is parsed again, never served from the cache.
    const configPath = join(project, ".dhtconfig");
    const original = readFileSync(configPath, "utf8");
    writeFileSync(configPath, `${original}bogus: true\n`);
    try {
      expect((await rejection(validateEnvironment(project, { quick: true }))).message).toContain(
        "unknown key",
      );
    } finally {
      writeFileSync(configPath, original);
    }
  });

  it("has the same checksum when set up again in another directory", async () => {
    const copy = tempDir();
    for (const file of ["pyproject.toml", "uv.lock", ".dhtconfig", "src"]) {
      cpSync(join(project, file), join(copy, file), { recursive: true });
    }
    await syncUvProject(copy);
    const report = await validateEnvironment(copy, { quick: false });
    expect(report.ok).toBe(true);
    expect(report.checksum.actual).toBe(report.checksum.expected);
  });

  it("reports an added, a removed, a changed package and a modified file", async () => {
    const copy = tempDir();
    for (const file of ["pyproject.toml", "uv.lock", ".dhtconfig", "src"]) {
      cpSync(join(project, file), join(copy, file), { recursive: true });
    }
    await syncUvProject(copy);
    await pip(copy, "install", "certifi==2024.2.2", "six==1.15.0");
    await pip(copy, "uninstall", "packaging");
    appendFileSync(join(copy, SITE, "idna", "core.py"), "\n# edited by hand\n");

    const full = await validateEnvironment(copy, { quick: false });
    expect(full.ok).toBe(false);
    expect(full.drift).toEqual({
      extra: ["certifi==2024.2.2"],
      missing: ["packaging==24.1"],
      changed: [{ name: "six", expected: "1.16.0", actual: "1.15.0" }],
      modifiedFiles: ["idna/core.py"],
      environment: [],
      tools: [],
    });
    expect(full.checksum.actual).not.toBe(full.checksum.expected);

    const quick = await validateEnvironment(copy, { quick: true });
    expect(quick.ok).toBe(false);
    expect(quick.drift.modifiedFiles).toEqual([]);
    expect(quick.drift.extra).toEqual(full.drift.extra);
    expect(quick.drift.missing).toEqual(full.drift.missing);
    expect(quick.drift.changed).toEqual(full.drift.changed);
  });

  it("reports a modified file alone as drift (names and versions all match)", async () => {
    const copy = tempDir();
    for (const file of ["pyproject.toml", "uv.lock", ".dhtconfig", "src"]) {
      cpSync(join(project, file), join(copy, file), { recursive: true });
    }
    await syncUvProject(copy);
    rmSync(join(copy, SITE, "six.py"));
    const report = await validateEnvironment(copy, { quick: false });
    expect(report.ok).toBe(false);
    expect(report.drift.modifiedFiles).toEqual(["six.py"]);
    expect((await validateEnvironment(copy, { quick: true })).ok).toBe(true);
  });

  it("checks the recorded Python version", async () => {
    const copy = tempDir();
    for (const file of ["pyproject.toml", "uv.lock", "src", ".venv"]) {
      cpSync(join(project, file), join(copy, file), { recursive: true, verbatimSymlinks: true });
    }
    recordProject(copy, "uv.lock", { python: { version: "3.12.1", implementation: "cpython" } });
    const report = await validateEnvironment(copy, { quick: true });
    expect(report.ok).toBe(false);
    expect(report.python.expected).toBe("3.12.1");
    rmSync(join(copy, ".dhtconfig"));
    recordProject(copy, "uv.lock");
    writeFileSync(join(copy, ".python-version"), "3.11\n");
    const minorPin = await validateEnvironment(copy, { quick: true });
    expect(minorPin.python.expected).toBe("3.11");
    expect(minorPin.ok).toBe(true);
  });
});

describe("a project with a hashed requirements lock", () => {
  it("validates against the lock and accepts the project installed editable", async () => {
    const project = tempDir();
    await compileLock(project, ["six==1.16.0", "idna==3.7"]);
    await makeVenv(project, []);
    await pip(project, "sync", "requirements.lock");
    writeFileSync(
      join(project, "pyproject.toml"),
      '[project]\nname = "local-app"\nversion = "0.1.0"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    );
    writeFileSync(join(project, "local_app.py"), "");
    await pip(project, "install", "--no-deps", "-e", ".");
    const config = recordProject(project, "requirements.lock");
    const report = await validateEnvironment(project, { quick: false });
    expect(report.drift).toEqual({
      extra: [],
      missing: [],
      changed: [],
      modifiedFiles: [],
      environment: [],
      tools: [],
    });
    expect(report.ok).toBe(true);
    expect(report.checksum.expected).toBe(
      config.environment?.checksums[Object.keys(config.environment.checksums)[0]!],
    );

    await pip(project, "uninstall", "idna");
    const drifted = await validateEnvironment(project, { quick: true });
    expect(drifted.drift.missing).toEqual(["idna==3.7"]);
  });
});

describe("errors", () => {
  it("points to `dhtl setup` when .dhtconfig or .venv is missing", async () => {
    const empty = tempDir();
    const noConfig = await rejection(validateEnvironment(empty, { quick: true }));
    expect(noConfig.code).toBe("badInput");
    expect(noConfig.hint).toContain("dhtl setup");
    writeFileSync(join(empty, ".dhtconfig"), "schema: 1\n");
    const noVenv = await rejection(validateEnvironment(empty, { quick: true }));
    expect(noVenv.code).toBe("badInput");
    expect(noVenv.message).toContain("no virtual environment");
  });

  it("reports a recorded lock file that is gone", async () => {
    const project = tempDir();
    await makeVenv(project, []);
    writeFileSync(
      join(project, ".dhtconfig"),
      `schema: 1\nlock:\n  file: gone.lock\n  digest: sha256:${"0".repeat(64)}\n`,
    );
    const error = await rejection(validateEnvironment(project, { quick: true }));
    expect(error.message).toContain("gone.lock");
  });

  it("a checksum of an empty environment is stable", async () => {
    const project = tempDir();
    const venv = await makeVenv(project, []);
    expect(environmentChecksum(readEnvironmentState(venv))).toBe(
      environmentChecksum(readEnvironmentState(venv)),
    );
  });
});
