import { describe, expect, it } from "vitest";
import type { ImportFacts, ImportUse } from "../types.js";
import { distributionName, inferDependencies } from "./infer.js";
import { usedWithoutImport } from "./used-without-import.js";

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
    expect(result).toEqual({ undeclared: [], undeclaredOptional: [], undeclaredTypeOnly: [], unused: [] });
  });

  it("accepts a same-name project the table does not list (jwt beside PyJWT)", () => {
    const result = inferDependencies(importsOf({ name: "jwt" }, { name: "serial" }), ["jwt", "serial"]);
    expect(result.undeclared).toEqual([]);
    expect(result.unused).toEqual([]);
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

  it("reports declared distributions nothing imports, but not tools and plugins", () => {
    const result = inferDependencies(importsOf({ name: "flask" }), [
      "flask",
      "arrow",
      "Pendulum>=3",
      "pytest",
      "pytest-cov",
      "ruff",
      "gunicorn",
      "uvicorn[standard]",
      "types-requests",
      "django-stubs",
      "psycopg2-binary",
      "pre-commit",
      "sphinx-rtd-theme",
    ]);
    expect(result.unused).toEqual(["arrow", "Pendulum"]);
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

describe("usedWithoutImport", () => {
  it("explains tools and leaves libraries alone", () => {
    expect(usedWithoutImport("pytest-xdist")).toMatch(/test runner/);
    expect(usedWithoutImport("Flake8-Bugbear")).toMatch(/linter/);
    expect(usedWithoutImport("types-PyYAML")).toMatch(/stubs/);
    expect(usedWithoutImport("asyncpg")).toMatch(/driver/);
    expect(usedWithoutImport("requests")).toBeNull();
    expect(usedWithoutImport("numpy")).toBeNull();
  });
});
