import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeVenv } from "../support/make-venv.js";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";

/** What these tests read of `dhtl analyze --json`. */
interface Analysis {
  type: { name: string; candidates: { name: string; score: number; evidence: string[] }[] };
  imports: {
    thirdParty: string[];
    local: string[];
    stdlib: string[];
    uses: { name: string; kind?: string; versions?: string; unreachable?: boolean }[];
    python2Files: { file: string; line: number; evidence: string }[];
  };
  inferred: {
    undeclared: { import: string; candidates: string[]; files: string[]; when?: string }[];
    undeclaredOptional: { import: string }[];
    undeclaredTooling: { import: string; roles: string[] }[];
    unused: string[];
    usedWithoutImport: { name: string; reason: string }[];
    unusedUncertain: { name: string; reason: string }[];
    notImportable: { import: string; files: string[]; module: string }[];
  };
  diagnostics: { file: string; line: number | null; severity: string; message: string }[];
}

/** `dhtl analyze --json` on a private copy of `test/fixtures/analyze/real-code/<name>`, after `prepare`. */
function analyze(name: string, prepare: (dir: string) => void = () => {}): Analysis {
  const dir = copyFixtureDir(`analyze/real-code/${name}`);
  prepare(dir);
  const result = runCli(["analyze", dir, "--json", "--no-machine", "--no-user"], dir);
  expect(result.code, describeRun(result)).toBe(0);
  return cliJson<Analysis>(result);
}

const undeclaredNames = (a: Analysis) => a.inferred.undeclared.map((u) => u.import);
const reasonOf = (a: Analysis, name: string) =>
  a.inferred.usedWithoutImport.find((u) => u.name === name)?.reason;

afterAll(removeTempDirs);

describe("1. a top-level name is local only when it resolves from an import root", () => {
  const a = analyze("locality");

  it("pkg/celery.py does not make `from celery import …` local: celery is used, not unused", () => {
    expect(a.imports.thirdParty).toContain("celery");
    expect(a.inferred.unused).toEqual([]);
    expect(undeclaredNames(a)).toEqual([]);
  });

  it("finds modules beside a script, on pytest's pythonpath and in literal sys.path insertions", () => {
    expect(a.imports.local).toEqual(["helpers", "helpers2", "libmod", "vendored_lib"]);
  });

  it("allows implicit relative imports only in a Python 2 file; elsewhere the module is not importable", () => {
    expect(a.imports.python2Files).toEqual([
      { file: "pkg2/legacy.py", line: 3, evidence: "`print` statement" },
    ]);
    // Never suggested from PyPI: it is the project's own module, imported the Python 2 way.
    expect(a.inferred.notImportable).toEqual([
      { import: "sibling_only", files: ["pkg/tasks.py"], module: "pkg/sibling_only.py" },
    ]);
  });
});

describe("4. used without import: facts from metadata and the project's own files", () => {
  const a = analyze("usage");

  it("reports as unused only what nothing imports, runs, configures or loads", () => {
    expect(a.inferred.unused).toEqual(["arrow", "mock", "types-PyYAML"]);
  });

  it("says how each of the others is used", () => {
    expect(reasonOf(a, "gunicorn")).toMatch(/^command `gunicorn` .*run in Procfile$/);
    expect(reasonOf(a, "pytest-cov")).toMatch(/^pytest plugin: entry point pytest11 \(pytest_cov-.*\.whl\)/);
    expect(reasonOf(a, "black")).toMatch(/^developer tool: provides the commands `black`, `blackd`/);
    expect(reasonOf(a, "types-requests")).toBe("type stubs for `requests`, which the code imports");
    expect(reasonOf(a, "django-cors-headers")).toBe("module `corsheaders` named in shop/settings.py");
    expect(reasonOf(a, "whitenoise")).toBe("module `whitenoise` named in shop/settings.py");
    expect(reasonOf(a, "mkdocs-material")).toMatch(/^mkdocs plugin `material` .*named in mkdocs\.yml$/);
    expect(reasonOf(a, "openpyxl")).toMatch(/^optional backend of pandas \(pandas\[excel\]\)/);
    expect(reasonOf(a, "psycopg2-binary")).toMatch(/^database driver: django loads it/);
  });

  it("reads an installed .venv's entry points where the table knows nothing", async () => {
    const withoutVenv = analyze("usage", (dir) => addDevTool(dir));
    // A dev group entry nothing describes may be a command: not called unused without knowing.
    expect(withoutVenv.inferred.unused).not.toContain("cowsay");
    expect(withoutVenv.inferred.unusedUncertain.map((u) => u.name)).toContain("cowsay");
    const dir = copyFixtureDir("analyze/real-code/usage");
    addDevTool(dir);
    await makeVenv(dir, ["cowsay==6.1"]);
    const result = runCli(["analyze", dir, "--json", "--no-machine", "--no-user"], dir);
    const withVenv = cliJson<Analysis>(result);
    expect(withVenv.inferred.unused).not.toContain("cowsay");
    expect(reasonOf(withVenv, "cowsay")).toMatch(
      /^developer tool: provides the command `cowsay` \(installed metadata\)/,
    );
  }, 120_000);
});

describe("4. used without import: commands in CI and scripts, settings modules, pins, platforms", () => {
  const a = analyze("usage-more");

  it("finds commands in CI workflows and extensionless scripts, apps in the DJANGO_SETTINGS_MODULE", () => {
    expect(reasonOf(a, "alembic")).toMatch(/^command `alembic` .*run in \.github\/workflows\/migrate\.yml$/);
    expect(reasonOf(a, "uvicorn")).toMatch(/^command `uvicorn` .*run in bin\/serve$/);
    expect(reasonOf(a, "django-cors-headers")).toBe("module `corsheaders` named in config/django/base.py");
    expect(reasonOf(a, "certifi")).toBe("a dependency of requests, pinned here");
  });

  it("calls nothing unused it cannot be sure of: pins of unknown packages, other platforms' packages", () => {
    expect(a.inferred.unused).toEqual([]);
    const uncertain = Object.fromEntries(a.inferred.unusedUncertain.map((u) => [u.name, u.reason]));
    expect(uncertain.dominate).toMatch(
      /^pinned in a frozen requirements list; it may be a dependency of Flask-Bootstrap/,
    );
    expect(uncertain.pywin32).toMatch(/^declared only for `sys_platform == "win32"`/);
  });
});

/** Adds a development tool the metadata table does not describe to the dev group. */
function addDevTool(dir: string): void {
  editFile(join(dir, "pyproject.toml"), (text) => text.replace('  "mock",', '  "mock",\n  "cowsay",'));
}

function editFile(path: string, edit: (text: string) => string): void {
  writeFileSync(path, edit(readFileSync(path, "utf8")));
}

describe("5. build and tooling code is checked against what builds and develops the project", () => {
  const a = analyze("tooling");

  it("does not call setup.py's setuptools and numpy (build requirements) or test and docs imports runtime needs", () => {
    expect(undeclaredNames(a)).toEqual([]);
  });

  it("reports a tool no section declares apart, with what imports it", () => {
    expect(a.inferred.undeclaredTooling).toEqual([
      { import: "nox", candidates: ["nox"], files: ["noxfile.py"], roles: ["dev"] },
    ]);
  });
});

describe("6. namespace packages: the local part is local, the rest comes from its distribution", () => {
  it.each(["namespace", "namespace-pkgutil"])("%s", (fixture) => {
    const a = analyze(fixture);
    expect(a.imports.thirdParty).toEqual(["acme.core"]);
    expect(a.imports.local).toEqual(["acme"]);
    expect(undeclaredNames(a)).toEqual([]);
    expect(a.inferred.unused).toEqual([]);
  });
});

describe("7. import names filled from real wheels, stdlib judged by the chosen Python", () => {
  it("maps brotlipy, requests-wsgi-adapter, drf-jwt and cowsay-python to what they provide", () => {
    const a = analyze("mapping-gaps", (dir) => writeFileSync(join(dir, ".python-version"), "3.12\n"));
    expect(a.imports.thirdParty).toEqual(["brotli", "cowsay", "rest_framework_jwt", "wsgiadapter"]);
    expect(undeclaredNames(a)).toEqual([]);
    expect(a.inferred.unused).toEqual([]);
    expect(a.imports.stdlib).toEqual(expect.arrayContaining(["cgi", "imghdr", "tomllib"]));
  });

  it("on 3.13, cgi and imghdr come from their PyPI continuations; tomllib stays stdlib", () => {
    const a = analyze("mapping-gaps", (dir) => writeFileSync(join(dir, ".python-version"), "3.13\n"));
    expect(a.inferred.undeclared.map((u) => [u.import, u.candidates])).toEqual([
      ["cgi", ["legacy-cgi"]],
      ["imghdr", ["standard-imghdr"]],
    ]);
    expect(a.imports.stdlib).toContain("tomllib");
  });
});

describe("8. Python 2 files and version guards", () => {
  const a = analyze("python2");

  it("reports a Python 2 file and never asks for urllib2 or StringIO", () => {
    expect(a.imports.python2Files).toEqual([{ file: "legacy.py", line: 6, evidence: "`print` statement" }]);
    expect(a.imports.thirdParty).not.toContain("urllib2");
    expect(a.imports.thirdParty).not.toContain("StringIO");
    // requires-python >=3.9: the Python 2 script never runs, so its MySQLdb is no dependency.
    expect(a.imports.uses.find((u) => u.name === "MySQLdb")?.unreachable).toBe(true);
  });

  it("judges guarded imports against requires-python", () => {
    expect(a.inferred.undeclared).toEqual([
      {
        import: "tomli",
        candidates: ["tomli"],
        files: ["compat.py"],
        when: 'python_version >= "3.9" and python_version < "3.11"',
      },
    ]);
    expect(a.imports.stdlib).toEqual(expect.arrayContaining(["tomllib", "pickle"]));
    expect(a.imports.uses.find((u) => u.name === "importlib_metadata")?.unreachable).toBe(true);
  });

  it("needs nothing behind a guard when requires-python excludes its branch", () => {
    const newer = analyze("python2", (dir) =>
      editFile(join(dir, "pyproject.toml"), (text) => text.replace(">=3.9", ">=3.11")),
    );
    expect(undeclaredNames(newer)).toEqual([]);
  });
});

describe("9. no silent gaps", () => {
  it("resumes after an unclosed bracket and says where", () => {
    const a = analyze("broken");
    expect(a.imports.thirdParty).toEqual(["numpy", "requests"]);
    expect(a.diagnostics).toEqual([
      expect.objectContaining({
        file: "app.py",
        line: 2,
        severity: "warning",
        message: expect.stringMatching(/bracket never closed/),
      }),
    ]);
  });

  it("makes the unused verdicts a skipped huge file may contradict uncertain, and only those", () => {
    const a = analyze("broken", (dir) => {
      // Over the scanner's 16 MB limit, with an import at its very end.
      writeFileSync(join(dir, "generated.py"), `${"x = 1\n".repeat(3_000_000)}import yaml\n`);
    });
    expect(a.diagnostics.map((d) => [d.file, d.message])).toContainEqual([
      "generated.py",
      expect.stringMatching(/^imports not scanned: too large/),
    ]);
    expect(a.inferred.unusedUncertain).toEqual([
      { name: "PyYAML", reason: "generated.py could not be scanned and mentions it" },
    ]);
    expect(a.inferred.unused).toEqual(["toml"]);
  });
});

describe("10. notebooks: magics use libraries, %%writefile makes local modules", () => {
  const a = analyze("notebooks");

  it("counts %matplotlib and %load_ext as uses and the written helpers.py as local", () => {
    expect(a.imports.thirdParty).toEqual(["matplotlib", "pandas", "sql"]);
    expect(a.imports.local).toEqual(["helpers"]);
    expect(undeclaredNames(a)).toEqual([]);
    expect(a.inferred.unused).toEqual([]);
    expect(reasonOf(a, "ipykernel")).toMatch(/notebooks/);
  });
});

describe("large trees are scanned on worker threads with the same result", () => {
  it("gives byte-identical JSON with and without workers", () => {
    const dir = copyFixtureDir("analyze/real-code/usage");
    const args = ["analyze", dir, "--json", "--no-machine", "--no-user"];
    const workers = runCli(args, dir, { DHTL_SCAN_WORKERS_MIN_FILES: "1", DHTL_SCAN_WORKERS: "2" });
    const single = runCli(args, dir, { DHTL_SCAN_WORKERS: "0" });
    expect(workers.code, describeRun(workers)).toBe(0);
    expect(workers.stdout).toBe(single.stdout);
  });
});

describe("11. project type from runtime evidence, with a documented tie order", () => {
  it.each([
    ["type-flask-in-tests", "library"],
    ["type-cli-library", "library"],
    ["type-uv-no-package", "library"],
    ["type-notebook-only", "jupyter"],
    ["usage", "django"],
  ])("%s is %s", (fixture, type) => {
    expect(analyze(fixture).type.name).toBe(type);
  });
});

describe("a library module nothing imports is loaded by name, with what its loader brings (uvicorn)", () => {
  it("makes gunicorn (workers.py) and watchgod optional, keeps the entry point's cleo required", () => {
    const a = analyze("loaded-by-name");
    expect(undeclaredNames(a)).toEqual(["cleo"]);
    expect(a.inferred.undeclaredOptional.map((u) => u.import)).toEqual(["gunicorn", "watchgod"]);
  });

  it("keeps them required in an application, whose framework does not bring them", () => {
    const a = analyze("loaded-by-name", (dir) => {
      const manifest = join(dir, "pyproject.toml");
      writeFileSync(
        manifest,
        readFileSync(manifest, "utf8").replace('"click>=7.0",', '"click>=7.0", "flask",'),
      );
    });
    expect(undeclaredNames(a)).toEqual(["cleo", "gunicorn", "watchgod"]);
  });
});
