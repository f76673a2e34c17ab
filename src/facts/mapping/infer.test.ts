import { describe, expect, it } from "vitest";
import type { ImportFacts, ImportUse } from "../types.js";
import { distributionName, inferDependencies } from "./infer.js";

type Use = Partial<ImportUse> & { name: string };

/** ImportFacts as the scanner reports them, every use third-party. */
function importsOf(...uses: Use[]): ImportFacts {
  const full: ImportUse[] = uses.map((use) => ({
    files: [`${use.name.split(".")[0]}_user.py`],
    modules: [use.name],
    optional: false,
    typeOnly: false,
    ...use,
  }));
  return {
    thirdParty: full.map((use) => use.name).sort(),
    local: [],
    stdlib: [],
    optional: full.filter((use) => use.optional).map((use) => use.name),
    typeOnly: full.filter((use) => use.typeOnly).map((use) => use.name),
    uses: full,
    filesScanned: full.length,
  };
}

describe("inferDependencies", () => {
  it("counts a distribution that provides the import as declared", () => {
    const result = inferDependencies(importsOf({ name: "cv2" }, { name: "PIL" }, { name: "yaml" }), [
      "opencv-python-headless>=4",
      "pillow",
      "PyYAML==6.0.1 ; python_version >= '3.8'",
    ]);
    expect(result).toEqual({
      undeclared: [],
      undeclaredOptional: [],
      undeclaredTypeOnly: [],
      undeclaredTooling: [],
      unused: [],
      usedWithoutImport: [],
      unusedUncertain: [],
      notImportable: [],
    });
  });

  it("accepts a same-name project the table does not list (jwt beside PyJWT)", () => {
    const result = inferDependencies(importsOf({ name: "jwt" }, { name: "serial" }), ["jwt", "serial"]);
    expect(result.undeclared).toEqual([]);
    expect(result.unused).toEqual([]);
  });

  it("a module no table knows is provided by a declared distribution named after it with an affix (graphql-server-core)", () => {
    const result = inferDependencies(importsOf({ name: "graphql_server" }, { name: "zzq_unknown" }), [
      "graphql-server-core>=1.1",
      "zzq-unknown-py",
      "other-graphql-server",
    ]);
    expect(result.undeclared).toEqual([]);
    // Only the affixes distributions really use: a name merely containing the module's is not it.
    expect(result.unused).toEqual(["other-graphql-server"]);
    // Undeclared, it is still suggested by its own name only (nothing from the index is guessed).
    const undeclared = inferDependencies(importsOf({ name: "graphql_server" }), ["requests"]);
    expect(undeclared.undeclared.map((entry) => entry.candidates)).toEqual([["graphql-server"]]);
  });

  it("reports undeclared imports with their candidates and files, apart by kind", () => {
    const result = inferDependencies(
      importsOf(
        { name: "bs4", files: ["b.py", "a.py"] },
        { name: "ujson", optional: true },
        { name: "mypy_boto3_s3", typeOnly: true },
        { name: "requests" },
      ),
      ["requests[socks]"],
    );
    expect(result.undeclared).toEqual([
      { import: "bs4", candidates: ["beautifulsoup4"], files: ["a.py", "b.py"] },
    ]);
    expect(result.undeclaredOptional).toEqual([
      { import: "ujson", candidates: ["ujson"], files: ["ujson_user.py"] },
    ]);
    expect(result.undeclaredTypeOnly.map((u) => u.import)).toEqual(["mypy_boto3_s3"]);
    expect(result.unused).toEqual([]);
  });

  it("reports declared distributions nothing imports, unless the caller knows how they are used", () => {
    const asked: [string, string[]][] = [];
    const result = inferDependencies(
      importsOf({ name: "flask" }),
      {
        dependencies: ["flask", "arrow", "Pendulum>=3"],
        optionalDependencies: {},
        dependencyGroups: { dev: ["ruff", "arrow"] },
        buildRequires: null,
      },
      {
        usedWithoutImport: (name, sections, context) => {
          asked.push([name, sections]);
          expect(context.importedDistributions.has("flask")).toBe(true);
          return name === "ruff" ? { used: "a command" } : null;
        },
      },
    );
    expect(result.unused).toEqual(["arrow", "Pendulum"]);
    expect(result.usedWithoutImport).toEqual([{ name: "ruff", reason: "a command" }]);
    expect(asked).toContainEqual(["arrow", ["dependencies", "group:dev"]]);
  });

  it("checks tooling imports against build requirements and reports them apart", () => {
    const imports = importsOf(
      { name: "setuptools", roles: ["build"], kind: "thirdParty" },
      { name: "numpy", roles: ["build"], kind: "thirdParty" },
      { name: "pytest", roles: ["dev"], kind: "thirdParty" },
      { name: "requests", roles: ["runtime", "dev"], kind: "thirdParty" },
    );
    const result = inferDependencies(imports, {
      dependencies: [],
      optionalDependencies: {},
      dependencyGroups: {},
      buildRequires: ["setuptools>=61"],
    });
    expect(result.undeclared.map((u) => u.import)).toEqual(["requests"]);
    expect(result.undeclaredTooling.map((u) => [u.import, u.roles])).toEqual([
      ["numpy", ["build"]],
      ["pytest", ["dev"]],
    ]);
  });

  it("never reports an import only a version guard the project excludes would run, and says when one runs", () => {
    const result = inferDependencies(
      importsOf(
        { name: "importlib_metadata", unreachable: true, kind: "thirdParty" },
        { name: "tomli", versions: 'python_version < "3.11"', kind: "thirdParty" },
      ),
      ["importlib-metadata"],
    );
    expect(result.undeclared).toEqual([
      { import: "tomli", candidates: ["tomli"], files: ["tomli_user.py"], when: 'python_version < "3.11"' },
    ]);
    // Imported, even if never on a supported version: not unused.
    expect(result.unused).toEqual([]);
  });

  it("makes an unused verdict uncertain when a file that could not be scanned may import it", () => {
    const result = inferDependencies(importsOf(), ["PyYAML", "toml"], {
      unscannedMention: (modules) => (modules.includes("yaml") ? "huge.py" : null),
    });
    expect(result.unused).toEqual(["toml"]);
    expect(result.unusedUncertain).toEqual([
      { name: "PyYAML", reason: "huge.py could not be scanned and mentions it" },
    ]);
  });

  it("matches namespace packages module by module", () => {
    const result = inferDependencies(
      importsOf({ name: "google", modules: ["google.cloud", "google.cloud.storage", "google.protobuf"] }),
      ["protobuf", "google-cloud-bigquery"],
    );
    expect(result.undeclared).toEqual([
      { import: "google.cloud.storage", candidates: ["google-cloud-storage"], files: ["google_user.py"] },
    ]);
    expect(result.unused).toEqual(["google-cloud-bigquery"]);
  });

  it("ignores stdlib and local names and the project's own extras", () => {
    const imports = importsOf({ name: "yaml" });
    imports.uses.push({ name: "os", files: ["x.py"], modules: ["os"], optional: false, typeOnly: false });
    imports.stdlib.push("os");
    const result = inferDependencies(imports, ["pyyaml", "myproj[test]"], { projectName: "MyProj" });
    expect(result.undeclared).toEqual([]);
    expect(result.unused).toEqual([]);
  });

  it("is declared once whatever spelling or entry form is used", () => {
    const result = inferDependencies(importsOf({ name: "dateutil" }, { name: "jwt" }), [
      "Python_Dateutil",
      "-e git+https://example.invalid/pyjwt.git#egg=PyJWT",
      "-r other.txt",
      "./local/path",
    ]);
    expect(result.undeclared).toEqual([]);
    expect(result.unused).toEqual([]);
  });
});

describe("distributionName", () => {
  it.each([
    ["requests>=2", "requests"],
    ["name @ https://example.invalid/n.whl", "name"],
    ["zope.interface[test]; python_version<'3.12'", "zope.interface"],
    ["-e git+https://example.invalid/x.git#egg=xpkg", "xpkg"],
    ["--index-url https://example.invalid", null],
    ["./vendor/pkg", null],
    ["", null],
  ])("%s → %s", (entry, name) => {
    expect(distributionName(entry)).toBe(name);
  });
});

describe("inferDependencies on what real code imports", () => {
  it("matches a dotted distribution name below no known namespace (backports.zoneinfo)", () => {
    const result = inferDependencies(importsOf({ name: "backports", modules: ["backports.zoneinfo"] }), [
      "backports.zoneinfo",
    ]);
    expect(result.undeclared).toEqual([]);
    expect(result.unused).toEqual([]);
  });

  it("counts a declared backport of a stdlib module and names imported by computed name as used", () => {
    const imports = importsOf();
    imports.uses.push({
      name: "typing",
      files: ["a.py"],
      modules: ["typing"],
      optional: false,
      typeOnly: false,
      kind: "stdlib",
    });
    imports.stdlib.push("typing");
    imports.dynamicNames = ["mistune"];
    const result = inferDependencies(imports, ["typing; python_version < '3.5'", "mistune", "arrow"]);
    expect(result.unused).toEqual(["arrow"]);
  });

  it("checks a nested project's files against what that project declares", () => {
    const imports = importsOf({ name: "fastapi", files: ["backend/app/main.py", "tools/x.py"] });
    const sections = {
      dependencies: [],
      optionalDependencies: {},
      dependencyGroups: {},
      buildRequires: null,
    };
    const result = inferDependencies(imports, sections, {
      nestedProjects: [{ dir: "backend", sections: { ...sections, dependencies: ["fastapi"] } }],
    });
    expect(result.undeclared.map((u) => [u.import, u.files])).toEqual([["fastapi", ["tools/x.py"]]]);
  });

  it("never suggests a PyPI distribution for the project's own module", () => {
    const result = inferDependencies(
      importsOf({ name: "helpers", alsoInProject: "pkg/helpers.py", kind: "thirdParty" }),
      [],
    );
    expect(result.undeclared).toEqual([]);
    expect(result.notImportable).toEqual([
      { import: "helpers", files: ["helpers_user.py"], module: "pkg/helpers.py" },
    ]);
  });
});
