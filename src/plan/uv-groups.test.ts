import { describe, expect, it } from "vitest";
import { collectProject } from "../facts/collect.js";
import { testProjects } from "../facts/manifests/test-context.js";
import { renderUvGroupsInput } from "./uv-groups.js";

const newProject = testProjects();

describe("a uv project's groups that uv does not read", () => {
  it("lists PDM dev-dependencies, expanding the project's own extras (marko), not PEP 735 groups", () => {
    const { project } = collectProject(
      newProject({
        "pyproject.toml": [
          "[project]",
          'name = "marko"',
          'version = "1"',
          "[project.optional-dependencies]",
          'toc = ["python-slugify"]',
          "[dependency-groups]",
          'lint = ["ruff"]',
          "[tool.pdm.dev-dependencies]",
          'dev = ["pytest", "pytest-cov"]',
          'doc = ["marko[toc]", "sphinx>=5.3.0"]',
          "",
        ].join("\n"),
      }).root,
    );
    const input = renderUvGroupsInput(project);
    expect(input?.content.split("\n").filter((line) => line && !line.startsWith("#"))).toEqual([
      "pytest",
      "pytest-cov",
      "python-slugify",
      "sphinx>=5.3.0",
    ]);
    expect(input?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("lists requirement files, tox and local paths; nothing when uv reads every group", () => {
    const { project } = collectProject(
      newProject({
        "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\n[dependency-groups]\ndev = ["pytest"]\n',
        "requirements-dev.txt": "-e ./lib\nmypy\n",
        "lib/setup.py": "",
        "tox.ini": "[testenv]\ndeps = coverage\n",
      }).root,
    );
    expect(
      renderUvGroupsInput(project)
        ?.content.split("\n")
        .filter((line) => line && !line.startsWith("#")),
    ).toEqual(["-e ./lib", "coverage", "mypy"]);
    const plain = collectProject(
      newProject({
        "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\n[dependency-groups]\ndev = ["pytest"]\n',
      }).root,
    ).project;
    expect(renderUvGroupsInput(plain)).toBeNull();
  });
});
