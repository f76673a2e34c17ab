import { describe, expect, it } from "vitest";
import { testProjects } from "../test-context.js";
import { noxReader } from "./index.js";

const newProject = testProjects();

function read(files: Record<string, string>) {
  const project = newProject(files);
  return noxReader.read(project.source("noxfile.py"), project.ctx);
}

describe("a noxfile's test sessions", () => {
  it("reads the literals test sessions install (installer): -r files followed, other sessions ignored", () => {
    const [manifest] = read({
      "noxfile.py": [
        "import nox",
        "",
        'nox.options.sessions = ["lint", "test"]',
        "",
        '@nox.session(python="3.12")',
        "def lint(session):",
        '    session.install("pre-commit")',
        "",
        '@nox.session(python=["3.10", "3.11"])',
        "def test(session):",
        '    session.install(".")',
        '    session.install("-r", "tests/requirements.txt")',
        '    session.run("pytest")',
        "",
        '@nox.session(name="tests-extra")',
        "@nox.parametrize('x', [1, 2])",
        "def anything(s, x):",
        '    s.install("pytest-randomly", "-U", silent=True)',
        '    s.install("-e", ".[test,docs]")',
        '    s.install(*EXTRA, f"pkg=={x}")',
        "",
        "@nox.session",
        "def docs(session): session.install('sphinx')",
        "",
      ].join("\n"),
      "tests/requirements.txt": "pytest\npytest-cov\n",
    });
    expect(manifest?.kind).toBe("nox");
    expect(manifest?.dependencyGroups.nox?.map((dep) => [dep.requirement, dep.file, dep.line])).toEqual([
      ["pytest", "tests/requirements.txt", 1],
      ["pytest-cov", "tests/requirements.txt", 2],
      ["pytest-randomly", "noxfile.py", 18],
    ]);
    expect(manifest?.devExtras?.map((extra) => [extra.extra, extra.line])).toEqual([
      ["test", 19],
      ["docs", 19],
    ]);
    expect(manifest?.details.pip?.installsProject).toBe("editable");
    expect(manifest?.diagnostics.filter((d) => d.severity === "info").map((d) => d.line)).toEqual([20, 20]);
  });

  it("finds nothing in a noxfile without test sessions, and turns a syntax error into a warning", () => {
    expect(
      read({ "noxfile.py": "import nox\n@nox.session\ndef lint(session):\n    session.install('ruff')\n" }),
    ).toEqual([]);
    const [broken] = read({ "noxfile.py": "def test(session:\n" });
    expect(broken?.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
  });
});
