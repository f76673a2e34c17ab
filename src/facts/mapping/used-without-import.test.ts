import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectModel } from "../../../test/support/project-model.js";
import { removeTempDirs, tempDir } from "../../../test/support/temp-dirs.js";
import { emptyImportFacts } from "../types.js";
import { parseEntryPoints } from "./dist-metadata.js";
import { collectUsageEvidence } from "./usage-evidence.js";
import { usedWithoutImportFinder } from "./used-without-import.js";

afterAll(removeTempDirs);

function project(files: Record<string, string>): string {
  const root = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("collectUsageEvidence", () => {
  it("reads commands and tool configuration, never dependency lists or isort's module lists", () => {
    const root = project({
      ".github/workflows/docs.yml":
        "jobs:\n  d:\n    steps:\n      - run: pip install sphinx-lint\n      - run: mkdocs build\n",
      "tox.ini": "[testenv]\ndeps =\n    coverage\ncommands = pytest --cov\n",
      "setup.cfg":
        "[options]\ninstall_requires =\n    requests\n[isort]\nknown_third_party = yaml\n[mypy]\nplugins = pydantic.mypy\n",
      "pyproject.toml": '[project]\ndependencies = ["httpx"]\n[tool.poe.tasks]\nlint = "ruff check"\n',
    });
    const words = collectUsageEvidence(root, { python: [], notebooks: [] }).words;
    expect(words.get("mkdocs")).toBe(".github/workflows/docs.yml");
    expect(words.get("pytest")).toBe("tox.ini");
    expect(words.get("pydantic")).toBe("setup.cfg");
    expect(words.get("ruff")).toBe("pyproject.toml");
    for (const listed of ["sphinx-lint", "coverage", "requests", "yaml", "httpx"])
      expect(words.has(listed)).toBe(false);
  });
});

describe("parseEntryPoints", () => {
  it("separates scripts from plugin groups", () => {
    const parsed = parseEntryPoints("[console_scripts]\nx = a:b\n# c\n[flake8.extension]\nB9 = bugbear:B\n");
    expect(parsed).toEqual({ scripts: ["x"], entryPoints: { "flake8.extension": ["B9"] } });
  });
});

describe("usedWithoutImportFinder", () => {
  const context = { importedDistributions: new Set<string>(), importedModules: new Set(["trio", "yaml"]) };

  it("knows stub conventions, meta-distributions and pinned dependencies of declared ones", () => {
    const root = project({ "tox.ini": "[testenv]\ncommands = tox -e py\n" });
    const model = projectModel({
      dependencies: ["requests==2.32.5", "certifi==2025.8.3"],
      dependencyGroups: { dev: ["tox", "tox-uv", "trio-typing", "types-PyYAML", "types-toml"] },
    });
    const find = usedWithoutImportFinder(root, model, emptyImportFacts(), undefined, {
      python: [],
      notebooks: [],
    });
    expect(find("trio-typing", ["group:dev"], context)).toEqual({
      used: "type stubs for `trio`, which the code imports",
    });
    expect(find("types-PyYAML", ["group:dev"], context)).toEqual({
      used: "type stubs for `yaml`, which the code imports",
    });
    expect(find("types-toml", ["group:dev"], context)).toBeNull();
    expect(find("tox-uv", ["group:dev"], context)).toEqual({
      used: expect.stringMatching(/^installs tox-uv-bare: tox plugin/),
    });
    expect(find("certifi", ["dependencies"], context)).toEqual({
      used: "a dependency of requests, pinned here",
    });
  });

  it("names the backend extra of a library the project uses", () => {
    const model = projectModel({ dependencies: ["pandas", "openpyxl", "xlrd-is-not-a-backend"] });
    const find = usedWithoutImportFinder(tempDir(), model, emptyImportFacts(), undefined, {
      python: [],
      notebooks: [],
    });
    expect(find("openpyxl", ["dependencies"], context)).toEqual({
      used: expect.stringMatching(/^optional backend of pandas \(pandas\[excel\]\)/),
    });
    expect(find("xlrd-is-not-a-backend", ["dependencies"], context)).toBeNull();
  });

  it("a neighbour pinned to a version the table does not describe makes the verdict uncertain (responder 2019)", () => {
    // starlette 0.12's staticfiles imports aiofiles; the table knows a starlette that no longer needs it.
    const model = projectModel({ dependencies: ["starlette==0.12.*", "aiofiles"] });
    const find = usedWithoutImportFinder(tempDir(), model, emptyImportFacts(), undefined, {
      python: [],
      notebooks: [],
    });
    expect(find("aiofiles", ["dependencies"], context)).toEqual({
      uncertain: expect.stringMatching(
        /^dhtl knows the requirements of starlette \d+\.\d+\.\d+ only, not of the version declared \(starlette==0\.12\.\*\)/,
      ),
    });
    // The same neighbour without a pin the table contradicts: nothing to doubt.
    const current = usedWithoutImportFinder(
      tempDir(),
      projectModel({ dependencies: ["starlette", "aiofiles"] }),
      emptyImportFacts(),
      undefined,
      { python: [], notebooks: [] },
    );
    expect(current("aiofiles", ["dependencies"], context)).toBeNull();
  });

  it("a capped entry beside a neighbour nothing describes is uncertain, an uncapped one is not (records 2019)", () => {
    // Names the table does not know, so no table version is contradicted: only the cap decides.
    const model = projectModel({
      dependencies: ["tablib-unknown-here>=0.11.4", "openpyxl-unknown-here<2.5.0", "docopt-unknown-here"],
    });
    const find = usedWithoutImportFinder(tempDir(), model, emptyImportFacts(), undefined, {
      python: [],
      notebooks: [],
    });
    expect(find("openpyxl-unknown-here", ["dependencies"], context)).toEqual({
      uncertain: expect.stringMatching(
        /^capped \(<2\.5\.0\) though nothing imports it .* tablib-unknown-here/,
      ),
    });
    expect(find("docopt-unknown-here", ["dependencies"], context)).toBeNull();
    // records' real list: openpyxl<2.5.0 contradicts the table's openpyxl, so docopt is in doubt too.
    const real = usedWithoutImportFinder(
      tempDir(),
      projectModel({ dependencies: ["tablib-unknown-here>=0.11.4", "openpyxl<2.5.0", "docopt"] }),
      emptyImportFacts(),
      undefined,
      { python: [], notebooks: [] },
    );
    expect(real("docopt", ["dependencies"], context)).toEqual({
      uncertain: expect.stringMatching(/^dhtl knows the requirements of openpyxl \d/),
    });
  });
});
