// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CI files write ${{ expressions }} literally.
/**
 * Issue 10 items 4 and 7, FINDINGS classes 4, 7 and 16, issue 11 #3: the dev dependencies and extras a
 * project's own workflow installs are installed by `dhtl setup`, exactly as `dhtl analyze` lists them, for
 * uv projects too; the project itself is installed editable, regularly, or not at all, and setup says which.
 * Each fixture is built from the real project's manifests (bench/real-repos/FINDINGS.md); real uv, PyPI and
 * interpreters.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

interface Analysis {
  project: {
    dependencies: string[];
    dependencyGroups: Record<string, string[]>;
  };
}

/** name → version of every distribution in `.venv`. */
function installed(root: string): Map<string, string> {
  const lib = join(root, ".venv", "lib");
  const site = join(lib, readdirSync(lib)[0]!, "site-packages");
  const found = new Map<string, string>();
  for (const entry of readdirSync(site)) {
    const match = /^(.+)-([^-]+)\.dist-info$/.exec(entry);
    if (match) found.set(match[1]!.toLowerCase().replace(/[-_.]+/g, "-"), match[2]!);
  }
  return found;
}

function nameOf(requirement: string): string {
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/
    .exec(requirement)![1]!
    .toLowerCase()
    .replace(/[-_.]+/g, "-");
}

function analyze(root: string): Analysis {
  const result = runCli(["analyze", "--json", "--no-machine", "--no-user", "--no-imports"], root);
  expect(result.code, describeRun(result)).toBe(0);
  return cliJson<Analysis>(result);
}

/** Sets the project up and checks that every group analyze lists is installed ("one project model"). */
function setupAndCheckGroups(
  root: string,
  project: string,
): { run: ReturnType<typeof runCli>; analysis: Analysis } {
  const analysis = analyze(root);
  const before = fileDigests(root);
  const run = runCli(["setup", "--yes"], root);
  expect(run.code, describeRun(run)).toBe(0);
  const venv = installed(root);
  for (const [group, requirements] of Object.entries(analysis.project.dependencyGroups)) {
    for (const requirement of requirements) {
      if (requirement.includes(";") || nameOf(requirement) === project) continue;
      expect(venv.has(nameOf(requirement)), `group ${group}: ${requirement} is not installed`).toBe(true);
    }
  }
  // The user's own files are never rewritten: every file that was there has the same bytes.
  const after = fileDigests(root);
  for (const [file, digest] of before) expect(after.get(file), file).toBe(digest);
  return { run, analysis };
}

/** sha256 of every file outside `.venv`, `.dhtl` and bytecode caches, by root-relative path. */
function fileDigests(root: string, dir = ""): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if ([".venv", ".dhtl", "__pycache__"].includes(entry.name)) continue;
    if (entry.isDirectory()) for (const [file, digest] of fileDigests(root, rel)) found.set(file, digest);
    else if (entry.isFile())
      found.set(
        rel,
        createHash("sha256")
          .update(readFileSync(join(root, rel)))
          .digest("hex"),
      );
  }
  return found;
}

/** The project's tests, with the environment dhtl built. */
function runTests(root: string, path = "tests"): void {
  const result = spawnSync(
    join(root, ".venv", "bin", "python"),
    ["-m", "pytest", "-q", "-p", "no:cacheprovider", path],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
}

describe("dev dependencies are never silently dropped (e2e)", () => {
  it("marko: PDM dev-dependencies in one compiled lock; no uv.lock written into the checkout", () => {
    const root = copyFixtureDir("dev-deps/marko");
    const { run } = setupAndCheckGroups(root, "marko");
    expect(run.stdout).toContain("lock .dhtl/requirements.lock");
    expect(existsSync(join(root, "uv.lock"))).toBe(false);
    expect(installed(root).has("pytest-cov")).toBe(true);
    runTests(root);
  });

  it("a uv project's other groups: locked beside uv.lock with its versions, validated, repaired, regenerated", () => {
    const root = copyFixtureDir("dev-deps/marko-uv");
    const { run } = setupAndCheckGroups(root, "marko");
    expect(run.stdout).toContain("lock uv.lock");
    // requirements-dev.txt asks for packaging==23.0; uv.lock pins a newer one, which is kept, and said.
    expect(run.stderr).toMatch(
      /note: uv\.lock's version is kept: `packaging==23\.0` \(uv\.lock pins packaging \d/,
    );
    // uv.lock may pin packaging per Python fork: the environment and the groups lock hold only its versions.
    const lockedPackaging = [
      ...readFileSync(join(root, "uv.lock"), "utf8").matchAll(/name = "packaging"\nversion = "([^"]+)"/g),
    ].map((match) => match[1]);
    expect(lockedPackaging).toContain(installed(root).get("packaging"));
    const groupsLock = readFileSync(join(root, ".dhtl", "uv-groups.lock"), "utf8");
    expect(groupsLock).toMatch(/^pytest==\S+ \\$/m);
    expect(groupsLock).toMatch(/--hash=sha256:/);
    const groupsPackaging = [...groupsLock.matchAll(/^packaging==([^ ;\\]+)/gm)].map((match) => match[1]);
    expect(groupsPackaging.length).toBeGreaterThan(0);
    for (const version of groupsPackaging) expect(lockedPackaging).toContain(version);
    expect(readFileSync(join(root, ".dhtl", "uv-groups.in"), "utf8")).toMatch(/^pytest-cov$/m);
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toMatch(
      / {2}groups:\n {4}digest: sha256:[0-9a-f]{64}\n {4}file: \.dhtl\/uv-groups\.lock\n {4}inputDigest: sha256:/,
    );
    runTests(root);

    // validate-env expects the groups; fix-env puts back what went missing.
    expect(runCli(["validate-env"], root).code).toBe(0);
    const uninstall = spawnSync("uv", [
      "pip",
      "uninstall",
      "--python",
      join(root, ".venv", "bin", "python"),
      "pytest-cov",
    ]);
    expect(uninstall.status, uninstall.stderr?.toString()).toBe(0);
    const drift = runCli(["validate-env", "--json"], root);
    expect(drift.code).toBe(1);
    expect(cliJson<{ drift: { missing: string[] } }>(drift).drift.missing.join(" ")).toMatch(/^pytest-cov==/);
    const fix = runCli(["fix-env", "--yes"], root);
    expect(fix.code, describeRun(fix)).toBe(0);
    expect(runCli(["validate-env"], root).code).toBe(0);

    // regenerate installs the same environment from the record, and setup again changes nothing recorded.
    const regenerate = runCli(["regenerate", "--force", "--yes"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(installed(root).has("pytest-cov")).toBe(true);
    const again = runCli(["setup", "--yes"], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toBe(config);

    // A group edited since the lock: regenerate refuses (stale), setup locks it again.
    appendFileSync(join(root, "requirements-dev.txt"), "iniconfig\nsix\n");
    const stale = runCli(["regenerate", "--force", "--yes"], root);
    expect(stale.code, describeRun(stale)).toBe(1);
    expect(stale.stderr).toContain(
      "stale lock: the dependency groups changed since .dhtl/uv-groups.lock was compiled",
    );
    expect(runCli(["setup", "--yes"], root).code).toBe(0);
    expect(installed(root).has("six")).toBe(true);
  });

  it("httpx: requirements.txt beside pyproject is a group, and its `-e .[socks]` extra is installed and recorded", () => {
    const root = copyFixtureDir("dev-deps/httpx");
    const { run, analysis } = setupAndCheckGroups(root, "httpx");
    expect(analysis.project.dependencies).toEqual(["certifi", "idna"]);
    expect(analysis.project.dependencyGroups.requirements).toEqual(["pytest==8.4.1", "trio==0.31.0"]);
    expect(run.stderr).toContain(
      "note: installing the extra socks by default: `-e .[socks]` in requirements.txt:2",
    );
    expect(installed(root).get("pytest")).toBe("8.4.1");
    expect(installed(root).has("socksio")).toBe(true);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain("extras:\n  - socks\n");
  });

  it("typer: requirements.txt -> -r requirements-tests.txt (pytest) beside a pdm-backend pyproject", () => {
    const root = copyFixtureDir("dev-deps/typer");
    const { analysis } = setupAndCheckGroups(root, "typer");
    expect(analysis.project.dependencies).toEqual(["click >= 8.0.0"]);
    expect(analysis.project.dependencyGroups.tests).toEqual(["pytest>=4.4.0,<9.0.0"]);
    expect(installed(root).has("pytest")).toBe(true);
  });

  it("installer: tests/requirements.txt, which the noxfile installs", () => {
    const root = copyFixtureDir("dev-deps/installer");
    const { analysis } = setupAndCheckGroups(root, "installer");
    expect(analysis.project.dependencyGroups).toEqual({ nox: ["pytest"], tests: ["pytest"] });
    runTests(root);
  });

  it("ujson: tox.ini [testenv] deps", () => {
    const root = copyFixtureDir("dev-deps/ujson");
    const { analysis } = setupAndCheckGroups(root, "ujson");
    expect(analysis.project.dependencyGroups).toEqual({ tox: ["pytest"] });
    runTests(root);
  });

  it("flask 2018: the `dev` extra and tox deps, not the lines for other tox factors nor the docs extra", () => {
    const root = copyFixtureDir("dev-deps/flask-2018");
    const { run } = setupAndCheckGroups(root, "flask");
    expect(run.stderr).toContain(
      "note: installing the extra dev by default: named for development and tests",
    );
    const venv = installed(root);
    expect(venv.has("coverage") && venv.has("blinker")).toBe(true);
    expect(venv.get("werkzeug")).not.toBe("0.14");
    expect(venv.has("sphinx")).toBe(false);
    runTests(root);
  });
});

describe("the extras the project's own workflow installs (e2e)", () => {
  it("mcp: CI runs `uv sync --all-extras`, so the cli extra (typer) is installed, recorded, said", () => {
    const root = copyFixtureDir("dev-deps/mcp");
    const { run } = setupAndCheckGroups(root, "mcp");
    expect(run.stderr).toContain(
      "note: installing the extra cli by default: `uv sync --frozen --all-extras --dev --python ${{ matrix.python-version }}` in .github/workflows/shared.yml:17",
    );
    expect(installed(root).has("typer")).toBe(true);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain("extras:\n  - cli\n");
    runTests(root);
    // The record alone brings the extra back.
    expect(runCli(["regenerate", "--force", "--yes"], root).code).toBe(0);
    expect(installed(root).has("typer")).toBe(true);
    expect(runCli(["validate-env"], root).code).toBe(0);
  });

  it("platformdirs: Hatch's default environment features = [test]; other extras stay out", () => {
    const root = copyFixtureDir("dev-deps/platformdirs");
    const { run } = setupAndCheckGroups(root, "platformdirs");
    expect(run.stderr).toContain(
      'note: installing the extra test by default: `[tool.hatch.envs.default] features = ["test"]` in pyproject.toml:22',
    );
    const venv = installed(root);
    expect(venv.get("appdirs")).toBe("1.4.4");
    expect(venv.has("furo")).toBe(false);
    runTests(root);
  });
});

describe("installing the project itself (e2e)", () => {
  it("pendulum 2018: poetry.masonry.api has no build_editable, so a regular install, said and validated", () => {
    const root = copyFixtureDir("dev-deps/pendulum-2018");
    const run = runCli(["setup", "--yes"], root);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr).toContain(
      "note: the project itself is installed as a regular package: its build backend poetry.masonry.api has no build_editable (PEP 660)",
    );
    const lib = join(root, ".venv", "lib");
    const site = join(lib, readdirSync(lib)[0]!, "site-packages");
    const distInfo = readdirSync(site).find((entry) => /^pendulum-2\.0\.4\.dist-info$/.test(entry));
    expect(distInfo).toBeDefined();
    const direct = JSON.parse(readFileSync(join(site, distInfo!, "direct_url.json"), "utf8"));
    expect(direct.dir_info).toEqual({});
    expect(runCli(["validate-env"], root).code).toBe(0);
    expect(runCli(["regenerate", "--force", "--yes"], root).code).toBe(0);
    expect(runCli(["validate-env"], root).code).toBe(0);
  });

  it("an application ([tool.uv] package = false): the project is not installed, and setup says why", () => {
    const root = copyFixtureDir("dev-deps/uv-app-only");
    const run = runCli(["setup", "--yes"], root);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr).toContain(
      "note: the project itself is not installed: `[tool.uv] package = false` in pyproject.toml (an application)",
    );
    expect([...installed(root).keys()]).toEqual(["six"]);
  });
});
