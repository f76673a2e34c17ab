import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, repoRoot, tempDir } from "../support/temp-dirs.js";

/**
 * A legacy project without a lock (FINDINGS class 18, maya-2018's manifests): resolved as of its own date,
 * through the real CLI, real git history, real uv and PyPI. The interpreter is pinned to 3.11 here (the
 * choice among candidates is interpreter choice's job), so the date's lower bound — 90 days after 3.11.0,
 * 2023-01-22 — is known: an older release rarely has wheels for it.
 */
afterAll(removeTempDirs);

function commitAll(root: string, date: string): void {
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
      cwd: root,
      env,
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "the project's last change");
}

function mayaAt(date: string): string {
  const root = join(tempDir("dhtl-e2e-asof-"), "maya");
  cpSync(join(repoRoot, "test", "fixtures", "projects", "maya-2018"), root, { recursive: true });
  writeFileSync(join(root, ".python-version"), "3.11\n");
  commitAll(root, date);
  return root;
}

const pinned = (root: string, name: string) =>
  new RegExp(`^${name}==(\\S+)`, "m").exec(
    readFileSync(join(root, ".dhtl", "requirements.lock"), "utf8"),
  )?.[1];

describe("resolution as of the project's own date (class 18)", () => {
  it("a project dormant since 2018: resolved as of then (bounded by its Python), recorded, kept, and undone with --as-of none", () => {
    const root = mayaAt("2018-05-26T15:19:57+02:00");
    const plan = runCli(["setup", "--dry-run"], root);
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(plan.stdout).toContain(
      "compile .dhtl/requirements.lock (Python 3.11, universal, hashes, as of 2023-01-22T00:00:00Z)",
    );
    expect(plan.stderr).toContain(
      "note: resolving as of 2023-01-22T00:00:00Z: nothing pins the versions and the code last changed 2018-05-26, over a year ago",
    );

    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain("excludeNewer: 2023-01-22T00:00:00Z");
    // Releases of that time, not today's: pytest 7.2 (8.0 came out in 2024), humanize 4.4.
    expect(pinned(root, "pytest")).toBe("7.2.1");
    expect(pinned(root, "humanize")).toBe("4.4.0");
    const lock = readFileSync(join(root, ".dhtl", "requirements.lock"), "utf8");

    // A second setup resolves as recorded: the same lock, byte for byte; regenerate rebuilds it exactly.
    const again = runCli(["setup", "--yes"], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stderr).toContain("as recorded in .dhtconfig");
    expect(readFileSync(join(root, ".dhtl", "requirements.lock"), "utf8")).toBe(lock);
    const regenerate = runCli(["regenerate", "--force", "--yes"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);

    const today = runCli(["setup", "--yes", "--as-of", "none"], root);
    expect(today.code, describeRun(today)).toBe(0);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("excludeNewer");
    expect(Number(pinned(root, "pytest")?.split(".")[0])).toBeGreaterThanOrEqual(8);
  }, 600_000);

  it("--as-of DATE is taken as given (no lower bound); a project changed this year resolves today's releases", () => {
    const root = tempDir("dhtl-e2e-asof-date-");
    writeFileSync(join(root, "requirements.txt"), "humanize\npytz\n");
    commitAll(root, new Date().toISOString());
    const recent = runCli(["setup", "--yes"], root);
    expect(recent.code, describeRun(recent)).toBe(0);
    expect(recent.stderr).not.toContain("resolving as of");
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("excludeNewer");

    const dated = runCli(["setup", "--yes", "--as-of", "2018-05-27"], root);
    expect(dated.code, describeRun(dated)).toBe(0);
    expect(pinned(root, "humanize")).toBe("0.5.1");
    expect(pinned(root, "pytz")).toBe("2018.4");
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain("excludeNewer: 2018-05-27T00:00:00Z");

    const bad = runCli(["setup", "--as-of", "last tuesday"], root);
    expect(bad.code, describeRun(bad)).toBe(2);
    expect(bad.stderr).toContain('--as-of "last tuesday": expected a date (2018-05-27)');
  }, 300_000);

  it("an automatic date whose releases do not build on the chosen Python falls back to today's, and says so (mlflow-example)", () => {
    // As of 2023-01-22 (3.11's bound) no llvmlite release supports 3.11: uv falls back to an sdist that
    // refuses to build there. The date was dhtl's guess, so today's releases are used instead.
    const root = tempDir("dhtl-e2e-asof-fallback-");
    writeFileSync(join(root, "requirements.txt"), "llvmlite\n");
    writeFileSync(join(root, ".python-version"), "3.11\n");
    commitAll(root, "2019-03-01T12:00:00+00:00");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stderr).toContain("note: resolving as of 2023-01-22T00:00:00Z failed");
    expect(setup.stderr).toContain("resolving today's releases instead");
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("excludeNewer");
    expect(Number(pinned(root, "llvmlite")?.split(".")[1])).toBeGreaterThanOrEqual(40);
  }, 600_000);

  it("a dormant project that names no Python is built with the Python of its time, as of its own date (mlflow-example)", () => {
    // The same llvmlite, no Python named: as of 2019-03-01 the era's Python is 3.7, which that day's
    // llvmlite has wheels for: no date moved forward, no fallback to today's releases.
    const root = tempDir("dhtl-e2e-asof-era-");
    writeFileSync(join(root, "requirements.txt"), "llvmlite\n");
    commitAll(root, "2019-03-01T12:00:00+00:00");
    const plan = runCli(["setup", "--dry-run", "--json"], root);
    expect(plan.stdout).toContain("the interpreter of the project's time (its code last changed 2019-03-01)");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stdout + setup.stderr).toMatch(/use Python 3\.7\.\d+/);
    expect(setup.stderr).toContain("note: resolving as of 2019-03-01T12:00:00Z: nothing pins the versions");
    expect(setup.stderr).not.toContain("failed");
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain("excludeNewer: 2019-03-01T12:00:00Z");
    expect(pinned(root, "llvmlite")).toMatch(/^0\.2[0-9]\./);
  }, 600_000);
});
