import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DhtlError } from "../../../core/errors.js";
import { testProjects } from "../test-context.js";
import type { ManifestFacts } from "../types.js";
import { pipfileReader } from "./index.js";

const fixtures = join(import.meta.dirname, "__fixtures__");
const newProject = testProjects();

function read(fixture: string, file: string): ManifestFacts {
  const project = newProject({}, join(fixtures, fixture));
  const [facts] = pipfileReader.read(project.source(file), project.ctx);
  return facts!;
}

function readError(fixture: string, file: string): DhtlError {
  try {
    read(fixture, file);
  } catch (error) {
    if (error instanceof DhtlError) return error;
    throw error;
  }
  throw new Error("expected a DhtlError");
}

describe("Pipfile", () => {
  it("claims Pipfile and Pipfile.lock at the root only", () => {
    expect(pipfileReader.claims("Pipfile")).toBe(true);
    expect(pipfileReader.claims("Pipfile.lock")).toBe(true);
    expect(pipfileReader.claims("sub/Pipfile")).toBe(false);
  });

  it("turns [packages] entries into PEP 508 requirements with their lines", () => {
    const facts = read("full", "Pipfile");
    expect(facts.kind).toBe("pipfile");
    expect(facts.packageManager).toBe("pipenv");
    expect(facts.dependencies.map((d) => [d.requirement, d.line])).toEqual([
      ["requests", 12],
      ["django==4.2.7", 13],
      ["flask[async]>=2.0", 14],
      ["internal-lib", 15],
      ['pywin32; sys_platform == "win32"', 16],
      ['uvloop>=0.17; (python_version >= "3.8" or os_name == "posix") and platform_machine != "arm64"', 17],
      ["tool @ git+https://github.com/org/tool.git@v1.2", 18],
      ["sshdep @ git+ssh://git@github.com/org/sshdep.git@main", 19],
      ["records @ https://files.example.com/records-0.5.0.tar.gz", 20],
      ["barever==1.0", 24],
    ]);
    expect(facts.dependencies[6]!.editable).toBe(true);
    expect(facts.details.pipfile?.installsProject).toBe("editable");
    expect(facts.details.pipfile?.localPaths).toEqual([
      { path: "./vendor/vendored", editable: false, file: "Pipfile", line: 22 },
    ]);
    expect(facts.details.pipfile?.packageIndexes).toEqual({ "internal-lib": "private" });
  });

  it("reports a bad entry with its line and keeps the rest", () => {
    const facts = read("full", "Pipfile");
    expect(facts.diagnostics.map((d) => [d.severity, d.line, d.message.split(":")[0]])).toEqual([
      ["error", 23, "broken"],
      ["warning", 24, "barever"],
    ]);
  });

  it("maps [dev-packages] to the dev group and custom categories to groups", () => {
    const facts = read("full", "Pipfile");
    expect(
      Object.fromEntries(
        Object.entries(facts.dependencyGroups).map(([g, d]) => [g, d.map((x) => x.requirement)]),
      ),
    ).toEqual({
      dev: ["pytest>=7", 'black; implementation_name == "cpython"'],
      docs: ["sphinx~=7.2"],
    });
  });

  it("records sources with credentials redacted, and the Python version statements", () => {
    const facts = read("full", "Pipfile");
    expect(facts.indexes).toEqual([
      { name: "pypi", url: "https://pypi.org/simple", file: "Pipfile", kind: "default" },
      {
        name: "private",
        url: "https://builder:****@private.example.com/simple",
        file: "Pipfile",
        kind: "explicit",
      },
    ]);
    expect(JSON.stringify(facts)).not.toContain("hunter2");
    expect(facts.python).toEqual([
      { source: "Pipfile requires.python_version", file: "Pipfile", line: 34, value: "3.11" },
      { source: "Pipfile requires.python_full_version", file: "Pipfile", line: 35, value: "3.11.7" },
    ]);
    expect(facts.details.pipfile?.pipenvScripts).toEqual({ serve: "python manage.py runserver" });
  });

  it("malformed TOML is a badInput error with the line", () => {
    const error = readError("malformed", "Pipfile");
    expect(error.code).toBe("badInput");
    expect(error.file).toBe("Pipfile");
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^invalid TOML: /);
  });
});

describe("Pipfile.lock", () => {
  it("locks every category's pinned versions with their hashes", () => {
    const facts = read("full", "Pipfile.lock");
    expect(facts.kind).toBe("pipfile.lock");
    expect(facts.locked).toEqual([
      {
        name: "django",
        version: "4.2.7",
        hashes: ["sha256:8e0f1c2d", "sha256:9e7f1c2e"],
        file: "Pipfile.lock",
      },
      { name: "pytest", version: "7.4.3", hashes: ["sha256:aa11"], file: "Pipfile.lock" },
    ]);
    expect(facts.details.pipfile?.lockedFromVcs).toEqual(["tool"]);
    expect(facts.details.pipfile?.pipfileHash).toBe("0123abcd");
  });

  it("malformed JSON is a badInput error with the line", () => {
    const error = readError("bad-lock", "Pipfile.lock");
    expect(error.code).toBe("badInput");
    expect([error.file, error.line]).toEqual(["Pipfile.lock", 4]);
  });
});
