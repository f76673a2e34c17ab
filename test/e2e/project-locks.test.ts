import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { initRepo } from "../support/git.js";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs, tempDir } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

const FIXTURES = join(import.meta.dirname, "..", "fixtures");

/**
 * The project's own lock installed as it pins (issue 10 class 3), and a universal lock uv cannot solve
 * (class 15): small projects built from real repositories' manifests, real uv and PyPI.
 */

/** `name==version` of every distribution installed in `.venv`. */
function installed(root: string): string[] {
  const lib = join(root, ".venv", "lib");
  const site = join(lib, readdirSync(lib)[0]!, "site-packages");
  return readdirSync(site)
    .filter((entry) => entry.endsWith(".dist-info"))
    .map((entry) =>
      entry
        .replace(/\.dist-info$/, "")
        .replace(/-([^-]+)$/, "==$1")
        .toLowerCase(),
    )
    .sort();
}

function setup(root: string, ...args: string[]) {
  const result = runCli(["setup", "--yes", ...args], root);
  expect(result.code, describeRun(result)).toBe(0);
  return result;
}

describe("the project's own lock (e2e)", () => {
  it("rich: poetry.lock's pins and hashes (pygments 2.19.2, not today's), recorded; an edited lock is stale for regenerate; --upgrade re-resolves", () => {
    const root = copyFixtureDir("python-choice/rich");
    const pyproject = readFileSync(join(root, "pyproject.toml"), "utf8");
    setup(root);
    expect(installed(root)).toEqual([
      "markdown_it_py==3.0.0",
      "mdurl==0.1.2",
      "pygments==2.19.2",
      "rich==14.3.3",
    ]);
    const lock = readFileSync(join(root, ".dhtl", "requirements.lock"), "utf8");
    expect(lock).toMatch(/^# Converted by dhtl from poetry\.lock/);
    expect(lock).toContain("--hash=sha256:86540386c03d588bb81d44bc3928634ff26449851e99741617ecb9037ee5ec0b");
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toMatch(
      /file: \.dhtl\/requirements\.lock\n {2}inputDigest: sha256:[0-9a-f]{64}\n {2}source: poetry\.lock\n/,
    );
    expect(readFileSync(join(root, "pyproject.toml"), "utf8")).toBe(pyproject);
    expect(existsSync(join(root, "uv.lock"))).toBe(false);
    expect(runCli(["validate-env"], root).code).toBe(0);

    writeFileSync(
      join(root, "poetry.lock"),
      `${readFileSync(join(root, "poetry.lock"), "utf8")}\n# edited\n`,
    );
    const stale = runCli(["regenerate", "--force", "--yes"], root);
    expect(stale.code, describeRun(stale)).toBe(1);
    expect(stale.stderr).toMatch(
      /stale lock: poetry\.lock changed since \.dhtl\/requirements\.lock was converted from it/,
    );

    const upgraded = setup(root, "--upgrade");
    expect(upgraded.stderr).toMatch(/--upgrade: re-resolving instead of installing poetry\.lock as it pins/);
    expect(installed(root).find((pin) => pin.startsWith("pygments=="))).not.toBe("pygments==2.19.2");
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("source: poetry.lock");
  });

  it("rich: a poetry.lock behind pyproject.toml is re-resolved, and setup says why", () => {
    const root = copyFixtureDir("python-choice/rich");
    const path = join(root, "pyproject.toml");
    writeFileSync(path, readFileSync(path, "utf8").replace('pygments = "^2.13.0"', 'pygments = "^2.20"'));
    const result = setup(root);
    expect(result.stderr).toMatch(
      /note: poetry\.lock pins pygments 2\.19\.2, outside what the manifests ask for \(pygments>=2\.20,<3\.0\): re-resolving/,
    );
    expect(installed(root).find((pin) => pin.startsWith("pygments=="))).toMatch(
      /^pygments==2\.(2\d|[3-9]\d)/,
    );
  });

  it("marko: pdm.lock's dev group as locked (six 1.16.0, not today's), no uv.lock written into the checkout", () => {
    const root = copyFixtureDir("python-choice/marko");
    setup(root);
    expect(installed(root)).toEqual(["marko==2.2.1", "six==1.16.0"]);
    expect(existsSync(join(root, "uv.lock"))).toBe(false);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain("source: pdm.lock");
  });

  it("requests-2018: Pipfile.lock as locked, on the 3.6 Travis names; a pin the index no longer has is re-resolved, saying so", () => {
    const root = copyFixtureDir("python-choice/requests-2018");
    const result = setup(root, "--json");
    expect(cliJson<{ python: { version: string } }>(result).python.version).toMatch(/^3\.6\./);
    // pipenv's setuptools beside the pin (not in git: the newest for 3.6, which stopped at 59.6.0).
    expect(installed(root)).toEqual(["setuptools==59.6.0", "six==1.16.0"]);

    const path = join(root, "Pipfile.lock");
    writeFileSync(path, readFileSync(path, "utf8").replace('"==1.16.0"', '"==1.99.0"'));
    const gone = setup(root);
    expect(gone.stderr).toMatch(
      /note: Pipfile\.lock pins six==1\.99\.0, which the package index no longer has: re-resolving/,
    );
    expect(installed(root)[0]).toMatch(/^six==1\.\d+\.\d+$/);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("source: Pipfile.lock");
  });
});

describe("what pipenv's environments had without locking it (e2e)", () => {
  it("responder-2019: setuptools added to Pipfile.lock's pins as of the lock's commit, so Jinja2 2.10's PackageLoader finds pkg_resources", () => {
    const root = copyFixtureDir("python-choice/responder-2019");
    initRepo(root, { GIT_AUTHOR_DATE: "2019-09-01T12:00:00Z", GIT_COMMITTER_DATE: "2019-09-01T12:00:00Z" });
    const result = setup(root);
    // 41.2.0 of 2019-08-20 was the newest setuptools on 2019-09-01.
    expect(result.stderr).toContain(
      "note: adding setuptools==41.2.0 to what Pipfile.lock pins: pipenv's environments always had it",
    );
    // A Pipfile.lock last changed over a year ago: what builds from source uses the build tools of its time.
    expect(result.stderr).toContain(
      "note: resolving as of 2019-09-01T12:00:00Z: Pipfile.lock pins the versions and last changed 2019-09-01",
    );
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toContain("excludeNewer: 2019-09-01T12:00:00Z");
    expect(installed(root)).toEqual(["jinja2==2.10.1", "markupsafe==1.1.1", "setuptools==41.2.0"]);
    const lock = readFileSync(join(root, ".dhtl", "requirements.lock"), "utf8");
    expect(lock).toMatch(/^setuptools==41\.2\.0 \\\n {4}--hash=sha256:[0-9a-f]{64}/m);
    const run = spawnSync(join(root, ".venv", "bin", "python"), ["app.py"], { cwd: root, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(runCli(["validate-env"], root).code).toBe(0);

    // A Pipfile.lock that pins setuptools itself is installed as it pins, nothing added.
    const path = join(root, "Pipfile.lock");
    const pinned = JSON.parse(readFileSync(path, "utf8"));
    pinned.default.setuptools = {
      hashes: ["sha256:a0c84e9d5a2fbd6b2e0d5f3b1e6d29b8c1f6d6bd3f1af0cfa36a1d2f0a96e28b"],
      version: "==40.0.0",
    };
    writeFileSync(path, JSON.stringify(pinned, null, 4));
    const again = runCli(["setup", "--yes", "--dry-run"], root);
    expect(again.stderr).not.toContain("note: adding setuptools");

    // On Python 3.12 virtualenv no longer seeded setuptools: nothing is added there either.
    delete pinned.default.setuptools;
    writeFileSync(path, JSON.stringify(pinned, null, 4));
    const newer = runCli(["setup", "--yes", "--dry-run", "--python", "3.12"], root);
    expect(newer.code, describeRun(newer)).toBe(0);
    expect(newer.stderr).not.toContain("note: adding setuptools");
  });
});

describe("a project lock of another time (e2e)", () => {
  it("a vanished pin re-resolved as of the lock's time, and that failing too, takes today's releases, said", () => {
    const root = tempDir("dhtl-old-pipfile-");
    writeFileSync(
      join(root, "Pipfile"),
      '[packages]\nsix = "*"\ntyping-inspection = "*"\n\n[requires]\npython_version = "3.11"\n',
    );
    const six = JSON.parse(readFileSync(join(FIXTURES, "python-choice/requests-2018/Pipfile.lock"), "utf8"));
    // typing-inspection's first release is of 2025: nothing of it exists as of the lock's time.
    six.default["typing-inspection"] = { hashes: [`sha256:${"a".repeat(64)}`], version: "==0.0.99" };
    six._meta.requires = { python_version: "3.11" };
    writeFileSync(join(root, "Pipfile.lock"), JSON.stringify(six, null, 4));
    initRepo(root, { GIT_AUTHOR_DATE: "2022-01-01T12:00:00Z", GIT_COMMITTER_DATE: "2022-01-01T12:00:00Z" });
    const result = setup(root);
    expect(result.stderr).toMatch(
      /note: Pipfile\.lock pins typing-inspection==0\.0\.99, which the package index no longer has/,
    );
    expect(result.stderr).toMatch(/note: resolving as of \S+ failed .*; resolving today's releases instead/);
    expect(installed(root).find((pin) => pin.startsWith("typing_inspection=="))).toMatch(
      /^typing_inspection==0\.\d+/,
    );
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("excludeNewer");
  });
});

describe("a universal lock uv cannot solve (e2e, class 15)", () => {
  it("platformdirs: an extra needs a newer Python than requires-python: locked for the chosen interpreter's range, said and recorded", () => {
    const root = copyFixtureDir("python-choice/platformdirs");
    const first = setup(root, "--json");
    expect(first.stderr).toMatch(
      /note: uv cannot lock the project for every Python it allows \(>=3\.10\); locking for Python >=3\.(\d+), the chosen interpreter's range, instead \(recorded in \.dhtconfig\)/,
    );
    const version = cliJson<{ python: { version: string } }>(first).python.version;
    const range = `>=${version.split(".").slice(0, 2).join(".")}`;
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toContain(`python: "${range}"`);
    expect(config).toContain("file: .dhtl/requirements.lock");
    expect(existsSync(join(root, "uv.lock"))).toBe(false);
    expect(installed(root)).toContain("platformdirs==4.5.0");

    // The record spares the next setup the failing universal lock; regenerate installs the same lock.
    const second = setup(root);
    expect(second.stderr).toContain(`note: locking for Python ${range} only, as .dhtconfig records`);
    expect(runCli(["regenerate", "--force", "--yes"], root).code).toBe(0);
  });
});

describe("a universal lock uv cannot solve, as of the project's date (e2e, class 21)", () => {
  it("marshmallow: the docs extra pins alabaster 1.0.0 (Python >= 3.10) under requires-python >=3.9: narrowed, the date kept, not today's releases", () => {
    const root = copyFixtureDir("python-choice/marshmallow");
    // The real commit's date: nothing pins versions and the code is over a year old, so setup resolves as of it.
    const date = "2024-10-23T21:10:49+02:00";
    initRepo(root, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    const result = setup(root, "--json");
    expect(result.stderr).toMatch(/note: resolving as of \S+: nothing pins the versions/);
    expect(result.stderr).toMatch(
      /note: uv cannot lock the project for every Python it allows \(>=3\.9\); locking for Python >=3\.(\d+), the chosen interpreter's range, instead/,
    );
    expect(result.stderr).not.toContain("resolving today's releases instead");
    const version = cliJson<{ python: { version: string } }>(result).python.version;
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toContain(`python: ">=${version.split(".").slice(0, 2).join(".")}"`);
    expect(config).toContain("excludeNewer:");
    expect(installed(root)).toContain("marshmallow==3.23.0");
    expect(installed(root).some((pin) => pin.startsWith("simplejson=="))).toBe(true);
  });
});

describe("analyze (e2e)", () => {
  it("lists the lock file with its kind, every hint, and the interpreter setup would use with its reason", () => {
    const root = copyFixtureDir("python-choice/fullstack-2024");
    const result = runCli(["analyze", "--json", "--no-user", "--no-imports"], root);
    expect(result.code, describeRun(result)).toBe(0);
    const json = cliJson<{
      project: { sources: { file: string; kind: string }[] };
      python: { interpreter: { version: string; reason: string } };
    }>(result);
    expect(json.project.sources).toContainEqual({ file: "uv.lock", kind: "uv.lock" });
    expect(json.python.interpreter.version).toMatch(/^3\.12\./);
    expect(json.python.interpreter.reason).toMatch(
      /passed over: no wheel for httptools 0\.6\.1.*wheels read from uv\.lock/,
    );
  });
});
