import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { which } from "../../src/facts/machine.js";
import { withMachinePackages } from "../support/machine-lock.js";
import { describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs, tempDir } from "../support/temp-dirs.js";

/**
 * The project's own C extension (FINDINGS class 8), on this Debian machine with the real apt: mysqlclient's
 * setup.py finds its client library through `pkg-config --exists mysqlclient|mariadb|…`, pycairo's
 * meson.build through `dependency('cairo')`. The tests take the -dev packages away first (root only:
 * throwaway CI machines), so the build really lacks them, and put back whatever the machine had.
 */
const onDebian = which("apt-get") !== null && which("dpkg-query") !== null;
const asRoot = process.getuid?.() === 0;

afterAll(removeTempDirs);

function isInstalled(name: string): boolean {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: `${…}` is dpkg-query's format syntax.
  const query = spawnSync("dpkg-query", ["-W", "-f=${db:Status-Status}", name], { encoding: "utf8" });
  return query.stdout.trim() === "installed";
}

function apt(action: "install" | "remove", names: string[]): SpawnSyncReturns<string> {
  return spawnSync(
    "apt-get",
    ["-o", "DPkg::Lock::Timeout=300", action, "-y", "--no-install-recommends", "--", ...names],
    {
      encoding: "utf8",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    },
  );
}

/** Runs `scenario` with `packages` absent, then gives the machine back the ones it had. */
function without(packages: string[], scenario: () => void): Promise<void> {
  return withMachinePackages(() => {
    const had = packages.filter(isInstalled);
    if (had.length > 0) expect(apt("remove", had).status).toBe(0);
    for (const name of packages) expect(isInstalled(name), name).toBe(false);
    try {
      scenario();
    } finally {
      const gone = had.filter((name) => !isInstalled(name));
      if (gone.length > 0) apt("install", gone);
    }
  });
}

describe("the project's own C extension gets its system packages (class 8)", () => {
  it.skipIf(!onDebian || !asRoot)(
    "mysqlclient (setup.py, pkg-config): asked before uv locks it; refused without --yes, built with it [root on Debian]",
    { timeout: 900_000 },
    () =>
      without(["default-libmysqlclient-dev", "libmariadb-dev-compat", "libmariadb-dev"], () => {
        const root = copyFixtureDir("projects/mysqlclient-ext");
        // A private uv cache: a build of the project from an earlier run must not hide the missing headers.
        const env = { UV_CACHE_DIR: tempDir("dhtl-e2e-uv-cache-") };

        const plan = runCli(["setup", "--dry-run"], root, env);
        expect(plan.code, describeRun(plan)).toBe(0);
        const steps = plan.stdout.split("\n");
        const system = steps.findIndex((line) => line.includes("install missing apt packages if needed"));
        const lock = steps.findIndex((line) => /^\s+\d+\. uv lock/.test(line));
        expect(system, plan.stdout).toBeGreaterThan(0);
        expect(system).toBeLessThan(lock);
        expect(steps[system]).toContain(
          "mysqlclient (the project's own build: setup.py:12 pkg-config mysqlclient|mariadb|libmariadb|perconaserverclient) needs build-essential, default-libmysqlclient-dev, pkg-config to build from source",
        );

        const refused = runCli(["setup"], root, env);
        expect(refused.code, describeRun(refused)).toBe(3);
        expect(refused.stderr).toContain(
          "error: failed to build mysqlclient (needs default-libmysqlclient-dev): missing apt packages default-libmysqlclient-dev",
        );
        expect(existsSync(join(root, ".venv"))).toBe(false);

        const setup = runCli(["setup", "--yes"], root, env);
        expect(setup.code, describeRun(setup)).toBe(0);
        expect(setup.stderr).toMatch(
          /running: .*apt-get .* install -y --no-install-recommends -- default-libmysqlclient-dev/,
        );
        const version = spawnSync(
          join(root, ".venv", "bin", "python"),
          ["-c", "import MySQLdb; print(MySQLdb.get_client_info())"],
          {
            encoding: "utf8",
          },
        );
        expect(version.status, version.stderr).toBe(0);
        expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      }),
  );

  it.skipIf(!onDebian || !asRoot)(
    "pycairo (meson-python, [tool.uv] package = false): libcairo2-dev counts; meson setup works after setup --yes [root on Debian]",
    { timeout: 900_000 },
    () =>
      without(["libcairo2-dev"], () => {
        const root = copyFixtureDir("projects/pycairo-meson");
        const plain = runCli(["setup"], root);
        // The environment itself needs no cairo: setup completes, and says what the project's build lacks.
        expect(plain.code, describeRun(plain)).toBe(0);
        expect(plain.stderr).toContain(
          "warning: missing apt packages: libcairo2-dev (pycairo builds from source against libcairo2-dev)",
        );
        expect(meson(root).status).not.toBe(0);

        const setup = runCli(["setup", "--yes"], root);
        expect(setup.code, describeRun(setup)).toBe(0);
        expect(isInstalled("libcairo2-dev")).toBe(true);
        const configured = meson(root);
        expect(configured.status, `${configured.stdout}\n${configured.stderr}`).toBe(0);
        expect(configured.stdout).toMatch(/Run-time dependency cairo found: YES/);
      }),
  );
});

/** The project's own flow: `meson setup` with the meson the dev group installed into `.venv`. */
function meson(root: string): SpawnSyncReturns<string> {
  const build = join(tempDir("dhtl-e2e-meson-"), "build");
  return spawnSync(join(root, ".venv", "bin", "meson"), ["setup", build], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(root, ".venv", "bin")}:${process.env.PATH}` },
  });
}
