import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { which } from "../../src/facts/machine.js";
import { withMachinePackages } from "../support/machine-lock.js";
import { cliPath, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

/**
 * System packages in `dhtl setup`, on this Debian machine with the real apt. psycopg2 2.9.10 publishes no
 * Linux wheel, so it builds from source and needs libpq-dev's headers; the test takes libpq-dev away
 * first (root only: these are throwaway CI machines), so the build really fails without consent.
 */
const onDebian = which("apt-get") !== null && which("dpkg-query") !== null;
const asRoot = process.getuid?.() === 0;
const APT_INSTALL = "apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends -- libpq-dev";

afterAll(removeTempDirs);

function isInstalled(name: string): boolean {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: `${…}` is dpkg-query's format syntax.
  const query = spawnSync("dpkg-query", ["-W", "-f=${db:Status-Status}", name], { encoding: "utf8" });
  return query.stdout.trim() === "installed";
}

describe("system packages (e2e)", () => {
  it.skipIf(!onDebian || !asRoot)(
    "psycopg2 from source: refused without --yes (nothing changed), built with --yes after apt installs libpq-dev [needs root on Debian]",
    { timeout: 900_000 },
    () =>
      withMachinePackages(() => {
        const hadIt = isInstalled("libpq-dev");
        if (hadIt) expect(apt("remove", "libpq-dev").status).toBe(0);
        expect(isInstalled("libpq-dev")).toBe(false);
        try {
          psycopg2Scenario();
        } finally {
          // Whatever happened, the machine keeps what it had.
          if (hadIt && !isInstalled("libpq-dev")) apt("install", "libpq-dev");
        }
      }),
  );

  it.skipIf(!onDebian || which("script") === null)(
    "asks on a terminal (stderr, one line from stdin); 'n' installs nothing and setup goes on",
    () => {
      const root = tempDir("dhtl-e2e-prompt-");
      writeFileSync(join(root, "requirements.txt"), "six==1.16.0\n");
      // Valid for apt, surely not installed: the prompt appears whatever this machine holds.
      writeFileSync(
        join(root, ".dhtconfig"),
        "schema: 1\nsystemPackages:\n  apt:\n    - dhtl-test-no-such-tool\n",
      );
      // util-linux `script` gives dhtl a terminal; the answer is typed ahead on it.
      const command = [process.execPath, cliPath, "setup", root].map((arg) => `'${arg}'`).join(" ");
      const session = spawnSync("script", ["-qec", command, "/dev/null"], {
        input: "n\n",
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", CI: "1" },
        timeout: 120_000,
      });
      const text = session.stdout.replace(/\r/g, "");
      expect(session.status, text).toBe(0);
      expect(text).toContain("missing apt packages: dhtl-test-no-such-tool.");
      expect(text).toMatch(
        /Run: .*apt-get .* install -y --no-install-recommends -- dhtl-test-no-such-tool\n/,
      );
      expect(text).toContain("Install them now? [y/N]");
      expect(text).toContain(
        "warning: missing apt packages: dhtl-test-no-such-tool; not installed without consent.",
      );
      expect(text).toMatch(/setup: environment ready/);
    },
  );
  it.skipIf(!onDebian)(
    "keeps packages only .dhtconfig knows about, and checks them (nothing missing: no consent needed)",
    () => {
      const root = tempDir("dhtl-e2e-recorded-");
      writeFileSync(join(root, "requirements.txt"), "six==1.16.0\n");
      writeFileSync(join(root, ".dhtconfig"), "schema: 1\nsystemPackages:\n  apt:\n    - dpkg\n");
      const plan = runCli(["setup", "--dry-run"], root);
      expect(plan.code, describeRun(plan)).toBe(0);
      expect(plan.stdout).toMatch(/check apt packages \(all present\) — \.dhtconfig lists dpkg/);
      const setup = runCli(["setup"], root);
      expect(setup.code, describeRun(setup)).toBe(0);
      expect(setup.stderr).not.toContain("warning");
      expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toMatch(
        /systemPackages:\n {2}apt:\n {4}- dpkg\n/,
      );
    },
  );
});

/** Without consent the build fails and nothing changes; with --yes apt installs libpq-dev and it builds. */
function psycopg2Scenario(): void {
  const root = copyFixtureDir("projects/psycopg2-app");
  // A working .venv the failed run must leave as it was.
  const venv = spawnSync("uv", ["venv", "--quiet", "--python", "3.11", ".venv"], {
    cwd: root,
    env: { ...process.env, VIRTUAL_ENV: "" },
  });
  expect(venv.status).toBe(0);
  // A private uv cache: a psycopg2 wheel built by an earlier run would otherwise hide the missing headers.
  const env = { UV_CACHE_DIR: tempDir("dhtl-e2e-uv-cache-") };

  const dryRun = runCli(["setup", "--dry-run"], root, env);
  expect(dryRun.code, describeRun(dryRun)).toBe(0);
  expect(dryRun.stdout).toContain("install missing apt packages if needed: libpq-dev — psycopg2 needs");
  expect(dryRun.stdout).toContain(APT_INSTALL);

  const before = treeHash(root);
  const refused = runCli(["setup"], root, env);
  expect(refused.code, describeRun(refused)).toBe(3);
  expect(refused.stderr).toMatch(/error: failed to build psycopg2 \(needs libpq-dev\)/);
  expect(refused.stderr).toContain(APT_INSTALL);
  expect(refused.stderr).toContain("--yes");
  // Warned before the build was tried, with the same command.
  expect(refused.stderr).toMatch(/warning: missing apt packages: libpq-dev \(psycopg2 builds from source/);
  expect(treeHash(root)).toBe(before);
  expect(isInstalled("libpq-dev")).toBe(false);

  const setup = runCli(["setup", "--yes"], root, env);
  expect(setup.code, describeRun(setup)).toBe(0);
  expect(setup.stderr).toMatch(/^running: env DEBIAN_FRONTEND=noninteractive apt-get .* update$/m);
  expect(setup.stderr).toMatch(
    new RegExp(`^running: env DEBIAN_FRONTEND=noninteractive ${APT_INSTALL}$`, "m"),
  );
  expect(isInstalled("libpq-dev")).toBe(true);
  const imported = spawnSync(
    join(root, ".venv", "bin", "python"),
    ["-c", "import psycopg2; print(psycopg2.__version__)"],
    { encoding: "utf8" },
  );
  expect(imported.status, imported.stderr).toBe(0);
  expect(imported.stdout).toMatch(/^2\.9\.10 /);
  // The table infers libpq-dev from psycopg2: nothing about it is recorded.
  expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("systemPackages");
}

function apt(action: "install" | "remove", name: string): SpawnSyncReturns<string> {
  const extra = action === "install" ? ["--no-install-recommends"] : [];
  return spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", action, "-y", ...extra, "--", name], {
    encoding: "utf8",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}
