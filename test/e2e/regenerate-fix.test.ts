import { appendFileSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ValidationReport } from "../../src/verify/validate.js";
import { uvPip } from "../support/make-venv.js";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

function setUp(fixture: string): string {
  const root = copyFixtureDir(`projects/${fixture}`);
  const result = runCli(["setup", "--yes"], root);
  expect(result.code, describeRun(result)).toBe(0);
  return root;
}

describe("dhtl regenerate (e2e)", () => {
  it("rebuilds a deleted .venv from .dhtconfig + lock to the recorded checksum, then leaves it alone", () => {
    const root = setUp("uv-app");
    const recorded = cliJson<ValidationReport>(runCli(["validate-env", "--json"], root)).checksum.expected;
    expect(recorded).toMatch(/^sha256:/);
    rmSync(join(root, ".venv"));
    const result = runCli(["regenerate", "--yes", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(cliJson<{ checksum: string }>(result).checksum).toBe(recorded);
    const report = cliJson<ValidationReport>(runCli(["validate-env", "--json"], root));
    expect(report).toMatchObject({ ok: true, checksum: { expected: recorded, actual: recorded } });
    // Valid already: nothing rebuilt (the live environment directory stays the same).
    const envsBefore = readdirSync(join(root, ".dhtl", "envs")).filter((entry) => !entry.endsWith(".trash"));
    const again = runCli(["regenerate", "--json"], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(cliJson<{ upToDate: boolean }>(again).upToDate).toBe(true);
    expect(readdirSync(join(root, ".dhtl", "envs")).filter((entry) => !entry.endsWith(".trash"))).toEqual(
      envsBefore,
    );
    const forced = runCli(["regenerate", "--force", "--yes"], root);
    expect(forced.code, describeRun(forced)).toBe(0);
    expect(readlinkSync(join(root, ".venv"))).not.toContain(envsBefore[0]);
  });

  it("without .dhtconfig points to dhtl setup (exit 2)", () => {
    const root = copyFixtureDir("projects/uv-app");
    const result = runCli(["regenerate"], root);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toMatch(/dhtl setup/);
    // --json still prints one object on stdout.
    const asJson = runCli(["regenerate", "--json"], root);
    expect(asJson.code).toBe(2);
    expect(cliJson(asJson)).toMatchObject({ ok: false, error: { code: "badInput", exitCode: 2 } });
  });

  it("a recorded Python neither installed nor installable: lists what is installed, .venv untouched", () => {
    const root = setUp("django-app");
    const config = join(root, ".dhtconfig");
    writeFileSync(config, readFileSync(config, "utf8").replace(/version: 3\.\d+\.\d+/, "version: 3.11.99"));
    const live = readlinkSync(join(root, ".venv"));
    const result = runCli(["regenerate", "--yes"], root);
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr).toMatch(/Python 3\.11\.99 is not installed .*installed: .*cpython-3\.\d+\.\d+/);
    expect(result.stderr).toMatch(/uv python install 3\.11\.99/);
    expect(readlinkSync(join(root, ".venv"))).toBe(live);
    expect(runCli(["validate-env", "--quick"], root).code).toBe(1); // the old env, judged against 3.11.99
  });

  it("reports a stale lock instead of re-resolving (uv project and dhtl-owned lock)", () => {
    const uvRoot = setUp("uv-app");
    const pyproject = join(uvRoot, "pyproject.toml");
    writeFileSync(
      pyproject,
      readFileSync(pyproject, "utf8").replace('"six>=1.16"', '"six>=1.16", "packaging"'),
    );
    const uvLock = readFileSync(join(uvRoot, "uv.lock"), "utf8");
    const stale = runCli(["regenerate", "--force", "--yes"], uvRoot);
    expect(stale.code, describeRun(stale)).toBe(1);
    expect(stale.stderr).toMatch(/stale lock/);
    expect(readFileSync(join(uvRoot, "uv.lock"), "utf8")).toBe(uvLock);
    // The environment itself is still valid: the stale lock is reported all the same.
    const staleValid = runCli(["regenerate", "--yes"], uvRoot);
    expect(staleValid.code, describeRun(staleValid)).toBe(1);
    expect(staleValid.stderr).toMatch(/stale lock/);

    const reqRoot = setUp("django-app");
    appendFileSync(join(reqRoot, "requirements.txt"), "six\n");
    const staleReq = runCli(["regenerate", "--force", "--yes"], reqRoot);
    expect(staleReq.code, describeRun(staleReq)).toBe(1);
    expect(staleReq.stderr).toMatch(/stale lock: the manifests changed/);
  });
});

describe("drift: validate-env finds it, fix-env repairs it (e2e)", () => {
  it("an added, a removed and a modified package", () => {
    const root = setUp("req-pinned");
    uvPip(root, ["install", "--no-deps", "iniconfig==2.0.0"]); // added
    uvPip(root, ["uninstall", "idna"]); // removed
    const sixPy = join(root, ".venv", "lib", "python3.12", "site-packages", "six.py");
    // Replace, never edit in place: uv hardlinks installed files from its cache, which an edit would corrupt.
    const tampered = `${readFileSync(sixPy, "utf8")}\n# tampered\n`;
    rmSync(sixPy);
    writeFileSync(sixPy, tampered); // modified
    const drifted = runCli(["validate-env", "--json"], root);
    expect(drifted.code, describeRun(drifted)).toBe(1);
    const report = cliJson<ValidationReport>(drifted);
    expect(report.ok).toBe(false);
    expect(report.drift.extra).toEqual(["iniconfig==2.0.0"]);
    expect(report.drift.missing.map((item) => item.split("==")[0])).toEqual(["idna"]);
    expect(report.drift.modifiedFiles).toContain("six.py");

    const dry = runCli(["fix-env", "--dry-run"], root);
    expect(dry.code, describeRun(dry)).toBe(0);
    expect(dry.stdout).toMatch(/reinstall six/);

    const fixed = runCli(["fix-env", "--yes"], root);
    expect(fixed.code, describeRun(fixed)).toBe(0);
    expect(fixed.stdout).toMatch(/repaired: extra iniconfig==2\.0\.0; missing idna/);
    const after = cliJson<ValidationReport>(runCli(["validate-env", "--json"], root));
    expect(after.ok).toBe(true);
    expect(after.checksum.actual).toBe(after.checksum.expected);
    expect(readFileSync(sixPy, "utf8")).not.toContain("tampered");
  });

  it("a changed version, and fix-env --force rebuilding", () => {
    const root = setUp("uv-app");
    uvPip(root, ["install", "--no-deps", "six==1.16.0"]);
    const report = cliJson<ValidationReport>(runCli(["validate-env", "--json"], root));
    expect(report.drift.changed).toEqual([{ name: "six", expected: expect.any(String), actual: "1.16.0" }]);
    const fixed = runCli(["fix-env", "--yes", "--json"], root);
    expect(fixed.code, describeRun(fixed)).toBe(0);
    expect(runCli(["validate-env"], root).code).toBe(0);
    const forced = runCli(["fix-env", "--force", "--yes"], root);
    expect(forced.code, describeRun(forced)).toBe(0);
    expect(runCli(["validate-env"], root).code).toBe(0);
  });
});
