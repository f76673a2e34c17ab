import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/temp-dirs.js";
import { collectProject } from "../facts/collect.js";
import { markerEnvironmentFor } from "../pep/markers.js";
import {
  convertProjectLock,
  decideExtras,
  type ProjectLockFile,
  type ProjectLockOutcome,
} from "./project-lock.js";

const FIXTURES = join(import.meta.dirname, "__fixtures__", "project-lock");
const py312 = markerEnvironmentFor("3.12.1", "linux");
const py37 = markerEnvironmentFor("3.7.16", "linux");

afterAll(async () => (await import("../../test/support/temp-dirs.js")).removeTempDirs());

/** A private copy of a fixture, optionally with one file rewritten. */
function project(name: string, edit?: { file: string; replace: [string, string] }): string {
  const dir = tempDir(`dhtl-${name}-`);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  if (edit) {
    const path = join(dir, edit.file);
    writeFileSync(path, readFileSync(path, "utf8").replace(...edit.replace));
  }
  return dir;
}

function convert(
  root: string,
  file: ProjectLockFile,
  extras: string[] = [],
  env = py312,
  seeded: { name: string; version: string; hashes: string[] }[] = [],
): ProjectLockOutcome {
  const facts = collectProject(root);
  return convertProjectLock(
    facts.project,
    { file, text: readFileSync(join(root, file), "utf8") },
    { extras, env, seeded },
  );
}

/** `name==version ; marker` of every converted line (hashes dropped). */
function pins(outcome: ProjectLockOutcome): string[] {
  if (outcome.kind !== "convert") throw new Error(`not converted: ${JSON.stringify(outcome)}`);
  return outcome.content
    .split("\n")
    .filter((line) => /^[a-z0-9]/i.test(line))
    .map((line) => line.replace(/ \\$/, ""));
}

describe("convertProjectLock: poetry.lock of Poetry 2 (groups and markers per entry)", () => {
  it("installs what it pins for the main and dev groups, extras gated, a split by markers kept as two lines", () => {
    const outcome = convert(project("poetry2"), "poetry.lock");
    expect(pins(outcome)).toEqual([
      'exceptiongroup==1.3.0 ; python_version < "3.11"',
      "markdown-it-py==3.0.0",
      "mdurl==0.1.2",
      'numpy==1.24.4 ; python_version < "3.9"',
      'numpy==1.26.4 ; python_version >= "3.9"',
      "pygments==2.19.2",
      "typing-extensions==4.13.2",
    ]);
    expect(outcome.kind === "convert" && outcome.content).toContain(
      "pygments==2.19.2 \\\n    --hash=sha256:636cb2477cec7f8952536970bc533bc43743542f70392ae026374600add5b887 \\\n    --hash=sha256:86540386c03d588bb81d44bc3928634ff26449851e99741617ecb9037ee5ec0b\n",
    );
  });

  it("a chosen extra brings its packages, with the rest of their markers", () => {
    const lines = pins(convert(project("poetry2"), "poetry.lock", ["jupyter"]));
    expect(lines).toContain("ipywidgets==8.1.7");
    expect(lines).toContain('appnope==0.1.4 ; sys_platform == "darwin"');
  });

  it("a lock behind the manifest is re-resolved, saying which requirement it fails", () => {
    const outcome = convert(
      project("poetry2", { file: "pyproject.toml", replace: ['pygments = "^2.13.0"', 'pygments = "^2.20"'] }),
      "poetry.lock",
    );
    expect(outcome).toMatchObject({ kind: "reresolve", from: "poetry.lock" });
    expect(outcome.kind === "reresolve" && outcome.reason).toMatch(
      /poetry\.lock pins pygments 2\.19\.2, outside/,
    );
    const missing = convert(
      project("poetry2", {
        file: "pyproject.toml",
        replace: ['markdown-it-py = ">=2.2.0"', 'markdown-it-py = ">=2.2.0"\nattrs = "*"'],
      }),
      "poetry.lock",
    );
    expect(missing.kind === "reresolve" && missing.reason).toMatch(/does not lock attrs/);
  });

  it("a git source cannot be pinned by hash: re-resolved", () => {
    const root = project("poetry2", {
      file: "poetry.lock",
      replace: [
        '[[package]]\nname = "mdurl"',
        '[[package]]\nname = "mdurl"\nsource = { type = "git", url = "https://example.org/mdurl.git" }',
      ],
    });
    // smol-toml reads the inline `source` table as [package.source]
    const outcome = convert(root, "poetry.lock");
    expect(outcome.kind === "reresolve" && outcome.reason).toMatch(/mdurl from a git source/);
  });
});

describe("convertProjectLock: older locks (no markers per entry)", () => {
  it("walks the dependency edges from the declared requirements, joining their markers (Poetry 1.1)", () => {
    const lines = pins(convert(project("poetry1"), "poetry.lock", [], py37));
    expect(lines).toEqual([
      'colorama==0.4.6 ; sys_platform == "win32"',
      'importlib-metadata==6.7.0 ; python_version < "3.8"',
      // requests[socks] asks for the optional PySocks edge
      "pysocks==1.7.1",
      "pytest==7.4.4",
      "requests==2.31.0",
      'zipp==3.15.0 ; python_version < "3.8"',
    ]);
  });
});

describe("convertProjectLock: pdm.lock and Pipfile.lock", () => {
  it("pdm (inherit_metadata): the groups installed, an extra not asked for left out, markers kept", () => {
    const lines = pins(convert(project("pdm"), "pdm.lock"));
    expect(lines).toContain("pytest==8.4.2");
    expect(lines).toContain('tomli==2.3.0 ; python_version < "3.11"');
    expect(lines.some((line) => line.startsWith("pygments=="))).toBe(false);
    expect(
      pins(convert(project("pdm"), "pdm.lock", ["codehilite"])).some((l) => l.startsWith("pygments==")),
    ).toBe(true);
  });

  it("Pipfile.lock: every category, the project itself (path .) skipped, markers kept", () => {
    const outcome = convert(project("pipfile"), "Pipfile.lock", [], py37);
    expect(pins(outcome)).toEqual([
      "attrs==18.1.0",
      "certifi==2018.4.16",
      "chardet==3.0.4",
      "configparser==3.5.0 ; python_version < '3.2'",
      "idna==2.6",
      "more-itertools==4.1.0",
      "pluggy==0.6.0",
      "py==1.5.3",
      "pysocks==1.6.8",
      "pytest==3.5.1",
      "six==1.11.0",
      "urllib3==1.22",
    ]);
    // setup.py's tests_require is not Pipfile.lock's to cover: reported, not a reason to re-resolve.
    expect(outcome.kind === "convert" && outcome.uncovered).toEqual(["test (setup.py)"]);
  });

  it("a seeded package is added with its hashes unless the lock pins it", () => {
    const seed = (name: string) => ({ name, version: "39.1.0", hashes: ["sha256:aa", "sha256:bb"] });
    const outcome = convert(project("pipfile"), "Pipfile.lock", [], py37, [seed("Setuptools"), seed("six")]);
    expect(outcome.kind === "convert" && outcome.seeded).toEqual(["setuptools==39.1.0"]);
    expect(pins(outcome)).toContain("setuptools==39.1.0");
    expect(pins(outcome)).toContain("six==1.11.0");
    expect(pins(outcome)).not.toContain("six==39.1.0");
    expect(outcome.kind === "convert" && outcome.content).toContain(
      "setuptools==39.1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n",
    );
  });

  it("an entry without hashes cannot be installed with --require-hashes: re-resolved", () => {
    const root = project("pipfile");
    const path = join(root, "Pipfile.lock");
    const lock = JSON.parse(readFileSync(path, "utf8"));
    lock.default.idna.hashes = [];
    writeFileSync(path, JSON.stringify(lock));
    const outcome = convert(root, "Pipfile.lock", [], py37);
    expect(outcome.kind === "reresolve" && outcome.reason).toBe("Pipfile.lock records no hash for idna 2.6");
  });
});

describe("decideExtras", () => {
  it("decides extra comparisons and keeps the rest of the marker", () => {
    expect(decideExtras('extra == "jupyter" and sys_platform == "darwin"', ["jupyter"])).toBe(
      'sys_platform == "darwin"',
    );
    expect(decideExtras('extra == "jupyter" and sys_platform == "darwin"', [])).toBe(false);
    expect(decideExtras('extra == "a" or extra == "b"', ["b"])).toBe(true);
    expect(decideExtras('python_version < "3.9"', [])).toBe('python_version < "3.9"');
  });
});
