import { describe, expect, it } from "vitest";
import { collectProject } from "./collect.js";
import { testProjects } from "./manifests/test-context.js";

const newProject = testProjects();

function model(files: Record<string, string>) {
  return collectProject(newProject(files).root).project;
}

describe("a requirements file beside a package manifest (issue 11 #3)", () => {
  it("is a group, not the runtime dependencies, when pyproject states them (even as [])", () => {
    const project = model({
      "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\ndependencies = []\n',
      "requirements.txt": "pytest\ntblib\n",
    });
    expect(project.dependencies).toEqual([]);
    expect(project.dependencyGroups).toEqual({ requirements: ["pytest", "tblib"] });
  });

  it("is a group beside setup.py's install_requires, with the project's extras from `-e .[x]` (httpx)", () => {
    const project = model({
      "setup.py": 'from setuptools import setup\nsetup(name="demo", install_requires=["certifi"])\n',
      "requirements.txt": "-e .[socks]\npytest==8.4.1\n",
    });
    expect(project.dependencies).toEqual(["certifi"]);
    expect(project.dependencyGroups.requirements).toEqual(["pytest==8.4.1"]);
    expect(project.devExtras?.map((extra) => [extra.extra, extra.file, extra.how])).toEqual([
      ["socks", "requirements.txt", "-e .[socks]"],
    ]);
  });

  it("stays the runtime list alone, as the file the package reads, and as a hashed lock", () => {
    expect(model({ "requirements.txt": "flask\n" }).dependencies).toEqual(["flask"]);
    const dynamic = model({
      "pyproject.toml":
        '[project]\nname = "demo"\nversion = "1"\ndynamic = ["dependencies"]\n[tool.setuptools.dynamic]\ndependencies = {file = ["requirements.txt"]}\n',
      "requirements.txt": "flask\n",
    });
    expect(dynamic.dependencies).toEqual(["flask"]);
    expect(dynamic.dependencyGroups).toEqual({});
    const hashed = model({
      "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\n',
      "requirements.txt":
        "six==1.16.0 --hash=sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254\n",
    });
    expect(hashed.dependencies).toEqual(["six==1.16.0"]);
  });

  it("reads tests/requirements.txt as the group tests, and never a fixture's tests/pyproject.toml", () => {
    const project = model({
      "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\n',
      "tests/requirements.txt": "pytest\n",
      "tests/requirements-extra.txt": "hypothesis\n",
      "tests/pyproject.toml": '[project]\nname = "fixture"\ndependencies = ["evil"]\n',
    });
    expect(project.name).toBe("demo");
    expect(project.dependencyGroups).toEqual({ extra: ["hypothesis"], tests: ["pytest"] });
    expect(project.sources.map((source) => source.file)).not.toContain("tests/pyproject.toml");
  });

  it("reads Hatch's default environment: dependencies as the group hatch, features as dev extras", () => {
    const project = model({
      "pyproject.toml": [
        "[project]",
        'name = "demo"',
        'version = "1"',
        "[project.optional-dependencies]",
        'test = ["pytest"]',
        "[tool.hatch.envs.default]",
        'dependencies = ["coverage"]',
        'features = ["test"]',
        "[tool.hatch.envs.docs]",
        'dependencies = ["sphinx"]',
        "",
      ].join("\n"),
    });
    expect(project.dependencyGroups).toEqual({ hatch: ["coverage"] });
    expect(project.devExtras?.map((extra) => [extra.extra, extra.line])).toEqual([["test", 8]]);
    expect(project.manifests[0]?.details.pyproject?.toolGroups).toEqual({ hatch: ["coverage"] });
  });
});
