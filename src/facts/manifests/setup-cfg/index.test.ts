import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DhtlError } from "../../../core/errors.js";
import { testProjects } from "../test-context.js";
import type { Dependency, ManifestFacts } from "../types.js";
import { setupCfgReader } from "./index.js";

const FIXTURES = join(import.meta.dirname, "__fixtures__");
const newProject = testProjects();

function read(files: Record<string, string>, fixture?: string): ManifestFacts {
  const project = newProject(files, fixture ? join(FIXTURES, fixture) : undefined);
  const [manifest] = setupCfgReader.read(project.source("setup.cfg"), project.ctx);
  if (!manifest) throw new Error("no manifest");
  return manifest;
}

const at = (deps: Dependency[] | undefined) =>
  (deps ?? []).map((d) => `${d.requirement} @${d.file}:${d.line}`);

describe("setup.cfg", () => {
  it("reads [metadata] and [options] with continuation lines, attr: and file: directives", () => {
    const m = read({}, "basic");
    expect(m.kind).toBe("setup.cfg");
    expect(m.name).toEqual({ value: "cfg-pkg", file: "setup.cfg" });
    // attr: is read the way setuptools reads it first: a literal assignment in the module.
    expect(m.version).toEqual({ value: "1.0.0", file: "src/cfgpkg/__init__.py" });
    expect(at(m.dependencies)).toEqual([
      "requests>=2.0 @setup.cfg:14",
      'importlib-metadata; python_version < "3.10" @setup.cfg:16',
      "click @setup.cfg:18",
    ]);
    expect(at(m.optionalDependencies.dev)).toEqual([
      "black @requirements-dev.txt:1",
      "isort>=5 @requirements-dev.txt:2",
    ]);
    expect(at(m.optionalDependencies.yaml)).toEqual(["PyYAML @setup.cfg:24"]);
    expect(at(m.dependencyGroups.test)).toEqual(["pytest @setup.cfg:19"]);
    expect(m.buildSystem?.requires).toEqual(["setuptools_scm"]);
    expect(m.python).toEqual([{ source: "python_requires", file: "setup.cfg", line: 12, value: ">=3.8" }]);
    expect(m.scripts).toEqual({ "cfg-tool": "cfgpkg.cli:main" });
    expect(m.includedFiles).toEqual(["requirements-dev.txt", "src/cfgpkg/__init__.py"]);
    expect(m.details.setupCfg?.toolSections).toEqual(["flake8"]);
    expect(m.packageManager).toBe("setuptools");
    expect(m.diagnostics).toEqual([]);
  });

  it("splits a one-line requirement list on ';' as setuptools does", () => {
    const m = read({
      "setup.cfg": "[options]\ninstall_requires = requests; click>=8\npython-requires = >=3.9\n",
    });
    expect(at(m.dependencies)).toEqual(["requests @setup.cfg:2", "click>=8 @setup.cfg:2"]);
    // Dashed names are still read by setuptools (with a deprecation warning).
    expect(m.python[0]?.value).toBe(">=3.9");
  });

  it("flags an attr: it cannot find and an invalid requirement, and reads version = file:", () => {
    const m = read({
      "setup.cfg":
        "[metadata]\nversion = attr: missing.__version__\n[options]\ninstall_requires =\n    good\n    bad req !!\n",
    });
    expect(m.version).toBeNull();
    expect(m.diagnostics.map((d) => [d.severity, d.line])).toEqual([
      ["review", 2],
      ["error", 6],
    ]);
    const fromFile = read({ "setup.cfg": "[metadata]\nversion = file: VERSION\n", VERSION: "4.5.6\n" });
    expect(fromFile.version?.value).toBe("4.5.6");
    expect(fromFile.includedFiles).toEqual(["VERSION"]);
  });

  it("reads install_requires = file: and reports a missing file as an error on the option's line", () => {
    const m = read({
      "setup.cfg":
        "[options]\ninstall_requires = file: requirements.txt\ntests_require = file: missing.txt\n",
      "requirements.txt": "# base\nflask>=3\n-r other.txt\n",
    });
    expect(at(m.dependencies)).toEqual(["flask>=3 @requirements.txt:2"]);
    expect(m.diagnostics.map((d) => [d.severity, d.file, d.line])).toEqual([
      ["review", "requirements.txt", 3],
      ["error", "setup.cfg", 3],
    ]);
  });

  it("a setup.cfg with only tool sections implies no package manager", () => {
    const m = read({ "setup.cfg": "[flake8]\nmax-line-length = 100\n[tool:pytest]\naddopts = -q\n" });
    expect(m.packageManager).toBeNull();
    expect(m.kind).toBe("setup.cfg:tool-settings");
    expect(m.details.setupCfg?.toolSections).toEqual(["flake8", "tool:pytest"]);
  });

  it("rejects a malformed file with the line", () => {
    const project = newProject({ "setup.cfg": "[metadata]\nname = x\nthis line has no delimiter\n" });
    let error: unknown;
    try {
      setupCfgReader.read(project.source("setup.cfg"), project.ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DhtlError);
    expect(error).toMatchObject({ code: "badInput", file: "setup.cfg", line: 3 });
  });
});
