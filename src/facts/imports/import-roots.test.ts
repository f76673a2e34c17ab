import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../../test/support/temp-dirs.js";
import { configuredRoots, sysPathRoots } from "./import-roots.js";

afterAll(removeTempDirs);

describe("configuredRoots", () => {
  it("reads pytest's pythonpath, package_dir and packages.find from every configuration file", () => {
    const root = tempDir();
    writeFileSync(
      join(root, "pyproject.toml"),
      '[tool.pytest.ini_options]\npythonpath = ["lib", "."]\n[tool.setuptools.packages.find]\nwhere = ["python"]\n',
    );
    writeFileSync(
      join(root, "setup.cfg"),
      "[tool:pytest]\npythonpath = extra\n[options]\npackage_dir =\n    =source\n",
    );
    writeFileSync(
      join(root, "setup.py"),
      'setup(package_dir={"": "legacy"}, packages=find_packages("legacy"))\n',
    );
    mkdirSync(join(root, "backend"));
    writeFileSync(join(root, "backend", "pytest.ini"), "[pytest]\npythonpath = app ../../escape\n");
    expect(configuredRoots(root, "").sort()).toEqual(["", "extra", "legacy", "lib", "python", "source"]);
    expect(configuredRoots(root, "backend").sort()).toEqual(["backend", "backend/app", "backend/src"]);
  });
});

describe("sysPathRoots", () => {
  it("climbs from the file for __file__ paths and keeps both readings of a bare literal", () => {
    expect(sysPathRoots("tools/run.py", [{ line: 1, fromFile: true, up: 1, parts: ["vendor"] }])).toEqual([
      "vendor",
    ]);
    expect(sysPathRoots("docs/conf.py", [{ line: 1, fromFile: false, up: 0, parts: [".."] }])).toEqual([""]);
    expect(sysPathRoots("docs/conf.py", [{ line: 1, fromFile: false, up: 0, parts: ["_ext"] }])).toEqual([
      "docs/_ext",
      "_ext",
    ]);
    expect(sysPathRoots("run.py", [{ line: 1, fromFile: true, up: 2, parts: ["x"] }])).toEqual([]);
  });
});
