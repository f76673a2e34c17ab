import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uvPip } from "../support/make-venv.js";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";

/**
 * The activation hook setup, fix-env and regenerate write into the environment, sourced by a real bash:
 * it runs the real `dhtl validate-env --quick --quiet`, so silence and the drift line are the product's.
 */
let root: string;

beforeAll(() => {
  root = tempDir("dhtl-e2e-hooks-");
  writeFileSync(join(root, "requirements.txt"), "six==1.16.0\n");
  writeFileSync(join(root, ".env.template"), "# for the app\nDHT_TEST_TOKEN=\n");
  const setup = runCli(["setup", "--yes"], root);
  expect(setup.code, describeRun(setup)).toBe(0);
});

afterAll(removeTempDirs);

const PROBE = [
  ". .venv/bin/activate.dht",
  'echo "root=$DHT_PROJECT_ROOT"',
  'echo "venv=$DHT_VENV_PATH"',
  'echo "managed=$DHT_MANAGED"',
].join("; ");

function sourceInBash(env: Record<string, string> = {}): { stdout: string; stderr: string } {
  const result = spawnSync("bash", ["--noprofile", "--norc", "-c", PROBE], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: root, DHT_TEST_TOKEN: "set", ...env },
  });
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout, stderr: result.stderr };
}

describe("activation hooks (e2e, bash)", () => {
  it("setup writes them inside the environment, not into the project", () => {
    expect(existsSync(join(root, ".venv", "bin", "activate.dht"))).toBe(true);
    expect(existsSync(join(root, ".venv", "bin", "activate.dht.fish"))).toBe(true);
    expect(realpathSync(join(root, ".venv", "bin", "activate.dht"))).toContain(join(".dhtl", "envs"));
    expect(readdirSync(root).filter((entry) => entry.startsWith("activate"))).toEqual([]);
  });

  it("exports the DHT_ variables and prints nothing for a valid environment", () => {
    const { stdout, stderr } = sourceInBash();
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe(`root=${root}`);
    expect(realpathSync(lines[1]!.replace(/^venv=/, ""))).toBe(realpathSync(join(root, ".venv")));
    expect(lines[2]).toBe("managed=true");
    expect(lines).toHaveLength(3);
    expect(stderr).toBe("");
  });

  it("warns for an unset variable from .env.template", () => {
    const { stderr } = sourceInBash({ DHT_TEST_TOKEN: "" }); // set but empty still counts as set
    expect(stderr).toBe("");
    const unset = spawnSync("bash", ["--noprofile", "--norc", "-c", PROBE], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: root },
    });
    expect(unset.stderr.trim()).toBe("dhtl: DHT_TEST_TOKEN is not set (listed in .env.template)");
  });

  it("prints one drift line after an extra package, and fix-env/regenerate keep the hooks and the silence", () => {
    uvPip(root, ["install", "--quiet", "idna"]);
    const drifted = sourceInBash();
    // Whatever the hook printed beyond the probe's own three lines, on either stream.
    const probe = /^(root|venv|managed)=/;
    const printed = [...drifted.stdout.split("\n").filter((line) => !probe.test(line)), drifted.stderr];
    const warning = printed.join("\n").trim();
    expect(warning.split("\n")).toHaveLength(1);
    expect(warning).toMatch(/^dhtl: environment drift: 1 extra/);

    const fix = runCli(["fix-env", "--yes"], root);
    expect(fix.code, describeRun(fix)).toBe(0);
    expect(existsSync(join(root, ".venv", "bin", "activate.dht"))).toBe(true);
    expect(sourceInBash().stderr).toBe("");

    const before = realpathSync(join(root, ".venv"));
    const regenerate = runCli(["regenerate", "--force", "--yes"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(realpathSync(join(root, ".venv"))).not.toBe(before);
    const after = sourceInBash();
    expect(after.stdout.trim().split("\n")).toHaveLength(3);
    expect(after.stderr).toBe("");
  });
});
