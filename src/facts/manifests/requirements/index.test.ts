// biome-ignore-all lint/suspicious/noTemplateCurlyInString: requirements files write ${VAR} literally.
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DhtlError } from "../../../core/errors.js";
import { type TestProject, testProjects } from "../test-context.js";
import { isRequirementsFile, readRequirementsFile, requirementsReader, roleOf } from "./index.js";

const fixtures = join(import.meta.dirname, "__fixtures__");
const newProject = testProjects();

function fixture(name: string): TestProject {
  return newProject({}, join(fixtures, name));
}
function inMemory(files: Record<string, string>): TestProject {
  return newProject(files);
}
function readError(project: TestProject, path: string): DhtlError {
  try {
    requirementsReader.read(project.source(path), project.ctx);
  } catch (error) {
    if (error instanceof DhtlError) return error;
    throw error;
  }
  throw new Error("expected a DhtlError");
}

describe("which files the reader claims and what they feed", () => {
  it("claims requirements files and nothing else", () => {
    for (const path of [
      "requirements.txt",
      "requirements-dev.txt",
      "requirements_docs.txt",
      "requirements.in",
      "dev-requirements.txt",
      "test_requirements.txt",
      "constraints.txt",
      "requirements/base.txt",
      "requirements/test.in",
    ]) {
      expect(isRequirementsFile(path), path).toBe(true);
    }
    for (const path of [
      "README.txt",
      "requirements/README.md",
      "docs/notes.txt",
      "setup.py",
      "a/b/requirements.txt",
    ]) {
      expect(isRequirementsFile(path), path).toBe(false);
    }
  });

  it("derives the group from the file name", () => {
    expect(roleOf("requirements.txt")).toEqual({ kind: "main" });
    expect(roleOf("requirements.in")).toEqual({ kind: "main" });
    expect(roleOf("requirements/base.txt")).toEqual({ kind: "main" });
    expect(roleOf("requirements/production.txt")).toEqual({ kind: "main" });
    expect(roleOf("requirements-dev.txt")).toEqual({ kind: "group", group: "dev" });
    expect(roleOf("dev-requirements.txt")).toEqual({ kind: "group", group: "dev" });
    expect(roleOf("requirements/test.txt")).toEqual({ kind: "group", group: "test" });
    expect(roleOf("requirements_docs.txt")).toEqual({ kind: "group", group: "docs" });
    expect(roleOf("constraints-py311.txt")).toEqual({ kind: "constraints" });
  });
});

describe("reading a full requirements.txt", () => {
  it("reads requirements, markers, extras, hashes, includes, URLs and VCS lines", () => {
    const project = fixture("full");
    const [facts] = requirementsReader.read(project.source("requirements.txt"), project.ctx);
    expect(facts!.packageManager).toBe("pip");
    expect(facts!.dependencies.map((d) => [d.requirement, d.file, d.line])).toEqual([
      ["requests[security,socks]>=2.31,<3", "requirements.txt", 6],
      ["django==4.2.7", "requirements.txt", 7],
      ['numpy; python_version >= "3.9"', "requirements.txt", 10],
      ["attrs>=23", "requirements/base.txt", 1],
      ["mylib[cli] @ git+https://github.com/org/repo@v1.0", "requirements.txt", 13],
      ["tool @ git+https://****@github.com/org/tool.git@main", "requirements.txt", 14],
      ["foo_bar @ https://files.example.com/pkgs/foo_bar-1.0-py3-none-any.whl", "requirements.txt", 15],
      ["private-lib @ git+https://${GIT_USER}:${GIT_TOKEN}@git.example.com/lib.git", "requirements.txt", 19],
    ]);
    const django = facts!.dependencies[1]!;
    expect(django.hashes).toEqual(["sha256:aaaa1111", "sha256:bbbb2222"]);
    expect(facts!.dependencies[5]!.editable).toBe(true);
    expect(facts!.locked).toEqual([
      {
        name: "django",
        version: "4.2.7",
        hashes: ["sha256:aaaa1111", "sha256:bbbb2222"],
        file: "requirements.txt",
      },
    ]);
    expect(facts!.constraints.map((d) => d.requirement)).toEqual(["urllib3<2"]);
    expect(facts!.includedFiles).toEqual(["constraints.txt", "requirements/base.txt"]);
    expect(facts!.details.pip?.installsProject).toBe("editable");
    expect(facts!.details.pip?.localPaths).toEqual([
      { path: "./vendor/localpkg", editable: false, file: "requirements.txt", line: 18 },
    ]);
    expect(facts!.details.pip?.pipOptions).toEqual(["--trusted-host pypi.example.com"]);
  });

  it("records indexes with credentials redacted and ${VAR} kept as written", () => {
    const project = fixture("full");
    const [facts] = requirementsReader.read(project.source("requirements.txt"), project.ctx);
    expect(facts!.indexes).toEqual([
      {
        name: "pypi.example.com",
        url: "https://deploy:****@pypi.example.com/simple",
        file: "requirements.txt",
        kind: "default",
      },
      {
        name: "extra.example.com",
        url: "https://${PYPI_TOKEN}@extra.example.com/simple",
        file: "requirements.txt",
        kind: "extra",
      },
    ]);
    expect(JSON.stringify(facts)).not.toContain("s3cret");
    expect(JSON.stringify(facts)).not.toContain("ghp_tokenvalue");
  });

  it("reports a bad line with its line number and keeps reading, and notes environment variables", () => {
    const project = fixture("full");
    const [facts] = requirementsReader.read(project.source("requirements.txt"), project.ctx);
    const errors = facts!.diagnostics.filter((d) => d.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: "requirements.txt", line: 17 });
    expect(errors[0]!.message).toContain('invalid requirement "not a valid==line"');
    const envMessages = facts!.diagnostics.filter((d) => d.message.startsWith("uses environment variable"));
    expect(envMessages.map((d) => [d.line, d.message.split(" ")[3]])).toEqual([
      [3, "PYPI_TOKEN"],
      [19, "GIT_USER"],
      [19, "GIT_TOKEN"],
    ]);
  });

  it("puts a dev file's own lines in its group, flattens included groups, and leaves main files in main", () => {
    const project = fixture("full");
    const [facts] = requirementsReader.read(project.source("requirements-dev.txt"), project.ctx);
    expect(facts!.dependencies).toEqual([]);
    expect(Object.keys(facts!.dependencyGroups)).toEqual(["dev"]);
    expect(facts!.dependencyGroups.dev!.map((d) => d.requirement)).toEqual(["pytest>=7", "coverage[toml]"]);
    expect(facts!.details.pip?.includesMainFiles).toEqual([
      { path: "requirements.txt", group: "dev", file: "requirements-dev.txt", line: 1 },
    ]);
    const [docs] = requirementsReader.read(project.source("requirements_docs.txt"), project.ctx);
    expect(docs!.dependencyGroups).toEqual({
      docs: [{ requirement: "sphinx>=7", file: "requirements_docs.txt", line: 1 }],
    });
  });

  it("treats a constraints file as constraints only", () => {
    const project = fixture("full");
    const [facts] = requirementsReader.read(project.source("constraints.txt"), project.ctx);
    expect(facts!.dependencies).toEqual([]);
    expect(facts!.constraints.map((d) => d.requirement)).toEqual(["urllib3<2"]);
  });

  it("reads a pip-compile output beside its .in file as a lock, not as dependencies", () => {
    const project = fixture("compiled");
    const [lock] = requirementsReader.read(project.source("requirements.txt"), project.ctx);
    expect(lock!.dependencies).toEqual([]);
    expect(lock!.details.pip?.compiledFrom).toBe("requirements.in");
    expect(lock!.locked.map((p) => [p.name, p.version, p.hashes.length])).toEqual([
      ["blinker", "1.7.0", 1],
      ["flask", "3.0.0", 0],
    ]);
    const [input] = requirementsReader.read(project.source("requirements.in"), project.ctx);
    expect(input!.dependencies.map((d) => d.requirement)).toEqual(["flask>=3"]);
  });
});

describe("bad input", () => {
  it("an include cycle a → b → a is a badInput error naming the including file and line", () => {
    const error = readError(fixture("cycle"), "requirements.txt");
    expect(error.code).toBe("badInput");
    expect(error.message).toBe("include cycle: requirements.txt → b.txt → requirements.txt");
    expect([error.file, error.line]).toEqual(["b.txt", 2]);
  });

  it("a missing include is a badInput error naming the including file and line", () => {
    const error = readError(fixture("missing-include"), "requirements.txt");
    expect(error.code).toBe("badInput");
    expect(error.message).toContain("-r missing.txt");
    expect([error.file, error.line]).toEqual(["requirements.txt", 3]);
  });

  it("an include leaving the project root is refused before anything is read", () => {
    const error = readError(fixture("outside-root"), "requirements.txt");
    expect(error.code).toBe("badInput");
    expect(error.message).toBe("-r ../../etc/passwd leaves the project root");
    expect([error.file, error.line]).toEqual(["requirements.txt", 2]);
  });

  it("a symlinked include pointing outside the root is refused by the context", () => {
    const project = inMemory({ "requirements.txt": "-r link.txt\n" });
    const outside = inMemory({ "secret.txt": "leak==1\n" });
    symlinkSync(join(outside.root, "secret.txt"), join(project.root, "link.txt"));
    const error = readError(project, "requirements.txt");
    expect(error.message).toContain("leaves the project root");
    expect(error.file).toBe("requirements.txt");
  });

  it("a binary include is a badInput error naming the including file and line", () => {
    const project = inMemory({ "requirements.txt": "requests\n-r blob.txt\n" });
    project.write("blob.txt", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]));
    const error = readError(project, "requirements.txt");
    expect(error.message).toBe("-r blob.txt: file is binary (contains NUL bytes), expected text");
    expect([error.file, error.line]).toEqual(["requirements.txt", 2]);
  });

  it("a diamond include (two files including the same one) is not a cycle", () => {
    const project = inMemory({
      "requirements.txt": "-r a.txt\n-r b.txt\n",
      "a.txt": "-r common.txt\nx\n",
      "b.txt": "-r common.txt\ny\n",
      "common.txt": "z\n",
    });
    const facts = readRequirementsFile(project.source("requirements.txt"), project.ctx);
    expect(facts.dependencies.map((d) => d.requirement)).toEqual(["z", "x", "y"]);
  });

  it("reads the other spellings of options, archives with markers, and find-links", () => {
    const project = inMemory({
      "requirements.txt": [
        "-rbase.txt",
        "--editable=./libs/x",
        'https://h.example/pkgs/Foo-2.0.tar.gz ; python_version < "3.12"',
        "--no-binary :all:",
        "--only-binary=numpy",
        "--find-links ./wheels",
        "-r https://example.com/req.txt",
        "-e",
        "https://h.example/download/latest",
      ].join("\n"),
      "base.txt": "-c pins.txt\nattrs\n",
      "pins.txt": "-r more-pins.txt\n",
      "more-pins.txt": "attrs==23.1\n",
    });
    const facts = readRequirementsFile(project.source("requirements.txt"), project.ctx);
    expect(facts.dependencies.map((d) => d.requirement)).toEqual([
      "attrs",
      'Foo @ https://h.example/pkgs/Foo-2.0.tar.gz ; python_version < "3.12"',
    ]);
    expect(facts.constraints.map((d) => [d.requirement, d.file])).toEqual([["attrs==23.1", "more-pins.txt"]]);
    expect(facts.includedFiles).toEqual(["base.txt", "more-pins.txt", "pins.txt"]);
    expect(facts.details.pip?.localPaths).toEqual([
      { path: "./libs/x", editable: true, file: "requirements.txt", line: 2 },
    ]);
    expect(facts.details.pip?.pipOptions).toEqual(["--no-binary :all:", "--only-binary numpy"]);
    expect(facts.indexes).toEqual([
      { name: "./wheels", url: "./wheels", file: "requirements.txt", kind: "find-links" },
    ]);
    expect(facts.diagnostics.filter((d) => d.severity !== "info").map((d) => [d.line, d.severity])).toEqual([
      [7, "warning"],
      [8, "error"],
      [9, "review"],
    ]);
  });

  it("never prints credentials from a bad line", () => {
    const project = inMemory({ "requirements.txt": "foo @ https://u:hunter2@h/x.whl trailing-garbage\n" });
    const facts = readRequirementsFile(project.source("requirements.txt"), project.ctx);
    expect(facts.diagnostics).toHaveLength(1);
    expect(facts.diagnostics[0]!.message).toContain("https://u:****@h/x.whl");
    expect(JSON.stringify(facts)).not.toContain("hunter2");
  });

  it("flags options it does not know and hashes without a digest", () => {
    const project = inMemory({ "requirements.txt": "--frobnicate\nfoo==1 --hash=md5\n" });
    const facts = readRequirementsFile(project.source("requirements.txt"), project.ctx);
    expect(facts.diagnostics.map((d) => [d.line, d.severity])).toEqual([
      [1, "warning"],
      [2, "error"],
    ]);
    expect(facts.dependencies.map((d) => d.requirement)).toEqual(["foo==1"]);
  });
});
