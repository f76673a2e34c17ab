import { describe, expect, it } from "vitest";
import { DhtlError } from "../core/errors.js";
import { parseRequirement } from "../pep/pep508.js";
import { addToManifest, removeFromManifest } from "./manifest-edit.js";
import type { ManifestTarget } from "./manifest-target.js";

const dependencies: ManifestTarget = {
  format: "toml-array",
  file: "pyproject.toml",
  table: ["project"],
  key: "dependencies",
  label: "pyproject.toml [project] dependencies",
};
const devGroup: ManifestTarget = {
  format: "toml-array",
  file: "pyproject.toml",
  table: ["dependency-groups"],
  key: "dev",
  label: "pyproject.toml [dependency-groups] dev",
};
const poetryTable = (...table: string[]): ManifestTarget => ({
  format: "toml-table",
  file: "pyproject.toml",
  table,
  style: "poetry",
  label: `pyproject.toml [${table.join(".")}]`,
});
const pipfile = (section: string): ManifestTarget => ({
  format: "toml-table",
  file: "Pipfile",
  table: [section],
  style: "pipfile",
  label: `Pipfile [${section}]`,
});
const requirements = (file: string): ManifestTarget => ({
  format: "requirements",
  file,
  create: false,
  label: file,
});

const add = (text: string | null, target: ManifestTarget, requirement: string) =>
  addToManifest(text, target, parseRequirement(requirement));

describe("PEP 621 [project] dependencies and PEP 735 groups", () => {
  const pyproject = [
    "# The demo project.",
    "[project]",
    'name = "demo"  # the name',
    "dependencies = [",
    '    "six>=1.16",  # six',
    "    # idna comes with requests",
    '    "idna",',
    "]",
    "",
    "[dependency-groups]",
    'dev = ["pytest"]  # tests',
    "",
    "# tools",
    "[tool.ruff]",
    "line-length = 100 # wide",
    "",
  ].join("\n");

  it("adds a requirement at the end of the list, every other byte as it was", () => {
    expect(add(pyproject, dependencies, "attrs>=23")).toBe(
      pyproject.replace('    "idna",\n]', '    "idna",\n    "attrs>=23",\n]'),
    );
  });

  it("gives a listed package the new constraint in place, keeping its comment", () => {
    // Names compare normalised: `Six` is `six`.
    expect(add(pyproject, dependencies, "Six>=1.17")).toBe(
      pyproject.replace('"six>=1.16",  # six', '"Six>=1.17",  # six'),
    );
  });

  it("writes extras and markers as PEP 508", () => {
    expect(add(pyproject, dependencies, "attrs[tests] >= 23 ; python_version<'3.12'")).toBe(
      pyproject.replace(
        '    "idna",\n]',
        '    "idna",\n    "attrs[tests]>=23; python_version < \\"3.12\\"",\n]',
      ),
    );
  });

  it("removes the entry with its own comment line, and nothing else", () => {
    const { text, removed } = removeFromManifest(pyproject, dependencies, "SIX");
    expect(removed).toEqual(["six>=1.16"]);
    expect(text).toBe(pyproject.replace('    "six>=1.16",  # six\n', ""));
  });

  it("adds to a PEP 735 group and removes from it", () => {
    const added = add(pyproject, devGroup, "iniconfig");
    expect(added).toBe(pyproject.replace('dev = ["pytest"]', 'dev = ["pytest", "iniconfig"]'));
    const { text, removed } = removeFromManifest(added, devGroup, "pytest");
    expect(removed).toEqual(["pytest"]);
    expect(text).toBe(pyproject.replace('dev = ["pytest"]', 'dev = ["iniconfig"]'));
  });

  it("adds a new group to the existing [dependency-groups] table, above the next table's comment", () => {
    const test: ManifestTarget = {
      ...devGroup,
      key: "test",
      label: "pyproject.toml [dependency-groups] test",
    };
    expect(add(pyproject, test, "iniconfig")).toBe(
      pyproject.replace('dev = ["pytest"]  # tests\n', 'dev = ["pytest"]  # tests\ntest = [ "iniconfig" ]\n'),
    );
  });

  it("appends a [dependency-groups] table when the project has none", () => {
    const plain = '[project]\nname = "demo"\ndependencies = ["six"]\n';
    expect(add(plain, devGroup, "iniconfig")).toBe(`${plain}\n[dependency-groups]\ndev = ["iniconfig"]\n`);
  });

  it("finds nothing to remove when the package or the list is absent", () => {
    expect(removeFromManifest(pyproject, dependencies, "attrs")).toEqual({ text: pyproject, removed: [] });
    const noGroups = '[project]\nname = "demo"\n';
    expect(removeFromManifest(noGroups, devGroup, "pytest")).toEqual({ text: noGroups, removed: [] });
  });

  it("refuses a key that is not a list, and a file that is not TOML, naming the file", () => {
    const broken = '[project]\nname = "demo"\ndependencies = "six"\n';
    expect(() => add(broken, dependencies, "attrs")).toThrow(/\[project\] dependencies is not a list/);
    const error = catchError(() => add("[project\nname = 1\n", dependencies, "attrs"));
    expect(error).toBeInstanceOf(DhtlError);
    expect((error as DhtlError).file).toBe("pyproject.toml");
  });
});

describe("Poetry tables", () => {
  const pyproject = [
    "[tool.poetry]",
    'name = "demo"',
    "",
    "[tool.poetry.dependencies]",
    'python = "^3.9"  # supported',
    'six = "^1.16"',
    "",
    "# test tools",
    "[tool.poetry.group.dev.dependencies]",
    'pytest = "*"',
    "",
  ].join("\n");

  it("adds to [tool.poetry.dependencies] after its last entry, not under the next table's comment", () => {
    expect(add(pyproject, poetryTable("tool", "poetry", "dependencies"), "attrs>=23")).toBe(
      pyproject.replace('six = "^1.16"\n', 'six = "^1.16"\nattrs = ">=23"\n'),
    );
  });

  it("writes any version as `*`, extras and markers as an inline table", () => {
    const target = poetryTable("tool", "poetry", "dependencies");
    expect(add(pyproject, target, "attrs")).toContain('six = "^1.16"\nattrs = "*"\n\n# test tools');
    expect(add(pyproject, target, "rich[jupyter]; sys_platform == 'linux'")).toBe(
      pyproject.replace(
        'six = "^1.16"\n',
        'six = "^1.16"\nrich = { version = "*", extras = [ "jupyter" ], markers = "sys_platform == \\"linux\\"" }\n',
      ),
    );
  });

  it("replaces the constraint of a listed package under its own spelling", () => {
    expect(add(pyproject, poetryTable("tool", "poetry", "dependencies"), "SIX==1.17.0")).toBe(
      pyproject.replace('six = "^1.16"', 'six = "==1.17.0"'),
    );
  });

  it("adds to and removes from a Poetry group", () => {
    const group = poetryTable("tool", "poetry", "group", "dev", "dependencies");
    const added = add(pyproject, group, "iniconfig");
    expect(added).toBe(`${pyproject}iniconfig = "*"\n`);
    const { text, removed } = removeFromManifest(added, group, "pytest");
    expect(removed).toEqual(['pytest = "*"']);
    expect(text).toBe(pyproject.replace('pytest = "*"\n', 'iniconfig = "*"\n'));
  });

  it("creates a group's table when the project has no such group", () => {
    const docs = poetryTable("tool", "poetry", "group", "docs", "dependencies");
    expect(add(pyproject, docs, "iniconfig")).toBe(
      `${pyproject}\n[tool.poetry.group.docs.dependencies]\niniconfig = "*"\n`,
    );
  });

  it("removes a main dependency, keeping the python constraint and the comments", () => {
    const { text, removed } = removeFromManifest(
      pyproject,
      poetryTable("tool", "poetry", "dependencies"),
      "six",
    );
    expect(removed).toEqual(['six = "^1.16"']);
    expect(text).toBe(pyproject.replace('six = "^1.16"\n', ""));
  });
});

describe("Pipfile", () => {
  const text = [
    "[[source]]",
    'url = "https://pypi.org/simple"',
    "verify_ssl = true",
    'name = "pypi"',
    "",
    "[packages]",
    'six = "*"',
    "",
    "[dev-packages]",
    'pytest = "*" # tests',
    "",
    "[requires]",
    'python_version = "3.11"',
    "",
  ].join("\n");

  it("adds to [packages] and [dev-packages] in place", () => {
    expect(add(text, pipfile("packages"), "idna>=3")).toBe(
      text.replace('six = "*"\n', 'six = "*"\nidna = ">=3"\n'),
    );
    expect(add(text, pipfile("dev-packages"), "iniconfig")).toBe(
      text.replace('pytest = "*" # tests\n', 'pytest = "*" # tests\niniconfig = "*"\n'),
    );
  });

  it("removes from [dev-packages], leaving the section", () => {
    const { text: after, removed } = removeFromManifest(text, pipfile("dev-packages"), "pytest");
    expect(removed).toEqual(['pytest = "*"']);
    expect(after).toBe(text.replace('pytest = "*" # tests\n', ""));
  });
});

describe("requirements files", () => {
  const text = [
    "# Runtime dependencies.",
    "-r base.txt",
    "six==1.16.0  # pinned: the plugin API",
    "idna==3.7 \\",
    "    --hash=sha256:82fee1fc78add43492d3a1898bfa6d8a904cc97d8427f683ed8e798d07761aa0",
    "",
    "# optional",
    "attrs>=23; python_version >= '3.9'",
    "",
  ].join("\n");
  const file = requirements("requirements.txt");

  it("appends a new requirement, keeping every line", () => {
    expect(add(text, file, "iniconfig>=2")).toBe(`${text}iniconfig>=2\n`);
  });

  it("ends the last line first when the file has no final newline, and keeps CRLF", () => {
    expect(add("six\nidna", file, "attrs")).toBe("six\nidna\nattrs\n");
    expect(add("six\r\nidna\r\n", file, "attrs")).toBe("six\r\nidna\r\nattrs\r\n");
  });

  it("creates the file's text when there is none", () => {
    expect(add(null, requirements("requirements-dev.txt"), "iniconfig")).toBe("iniconfig\n");
  });

  it("replaces a listed package's line: its comment stays, its hash lines go with the old pin", () => {
    expect(add(text, file, "SIX>=1.17")).toBe(text.replace("six==1.16.0  # pinned", "SIX>=1.17  # pinned"));
    expect(add(text, file, "idna>=3.10")).toBe(
      text.replace(/idna==3\.7 \\\n {4}--hash=sha256:[0-9a-f]+\n/, "idna>=3.10\n"),
    );
  });

  it("removes an entry with its continuation lines, and only it", () => {
    const { text: after, removed } = removeFromManifest(text, file, "idna");
    expect(removed).toEqual([
      "idna==3.7 \\\n    --hash=sha256:82fee1fc78add43492d3a1898bfa6d8a904cc97d8427f683ed8e798d07761aa0",
    ]);
    expect(after).toBe(text.replace(/idna==3\.7 \\\n {4}--hash=sha256:[0-9a-f]+\n/, ""));
    expect(removeFromManifest(text, file, "attrs").text).toBe(
      text.replace("attrs>=23; python_version >= '3.9'\n", ""),
    );
  });

  it("never takes an option, an include or a comment for a package", () => {
    expect(removeFromManifest(text, file, "base")).toEqual({ text, removed: [] });
    expect(removeFromManifest(text, file, "optional")).toEqual({ text, removed: [] });
    expect(removeFromManifest(text, file, "r")).toEqual({ text, removed: [] });
  });

  it("edits a pip-compile .in line by line like any requirements file", () => {
    const input = "# top-level requirements\nsix\n";
    expect(add(input, requirements("requirements.in"), "idna")).toBe(`${input}idna\n`);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
