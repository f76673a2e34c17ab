import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import { DhtlError } from "../core/errors.js";
import { collectProject } from "../facts/collect.js";
import { type ManifestChange, planChange } from "./manifest-change.js";
import { mainManifestLabel } from "./manifest-layout.js";

afterAll(removeTempDirs);

/** A project made of `files`, read by dhtl's own readers (no uv: planning only reads). */
function project(files: Record<string, string>): string {
  const root = tempDir("dhtl-manifest-change-");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

function plan(
  files: Record<string, string>,
  action: "add" | "remove",
  packages: string[],
  group: string | null = null,
): ManifestChange {
  const root = project(files);
  return planChange(collectProject(root), { path: root, action, packages, group, dryRun: false });
}

function planError(...args: Parameters<typeof plan>): DhtlError {
  try {
    plan(...args);
  } catch (error) {
    if (error instanceof DhtlError) return error;
    throw error;
  }
  throw new Error("expected the change to be refused");
}

const pep621 = '[project]\nname = "demo"\nversion = "1.0"\ndependencies = ["six"]\n';
const poetry = [
  "[tool.poetry]",
  'name = "demo"',
  'version = "1.0"',
  "",
  "[tool.poetry.dependencies]",
  'python = "^3.9"',
  'six = "*"',
  "",
].join("\n");

describe("where dhtl add puts a requirement (the project's own readers decide the dialect)", () => {
  it("PEP 621: [project] dependencies, a PEP 735 group for --group", () => {
    const main = plan({ "pyproject.toml": pep621 }, "add", ["attrs>=23"]);
    expect(main.target.label).toBe("pyproject.toml [project] dependencies");
    expect(main.after).toBe(pep621.replace('["six"]', '["six", "attrs>=23"]'));
    expect(main.entries).toEqual(["attrs>=23"]);
    const dev = plan({ "pyproject.toml": pep621 }, "add", ["iniconfig"], "dev");
    expect(dev.target.label).toBe("pyproject.toml [dependency-groups] dev");
    expect(dev.after).toBe(`${pep621}\n[dependency-groups]\ndev = ["iniconfig"]\n`);
  });

  it("--group names compare normalised, and a group already kept elsewhere stays there", () => {
    const uvDev = `${pep621}\n[tool.uv]\ndev-dependencies = ["pytest"]\n`;
    expect(plan({ "pyproject.toml": uvDev }, "add", ["idna"], "Dev").target.label).toBe(
      "pyproject.toml [tool.uv] dev-dependencies",
    );
    const groups = `${pep621}\n[dependency-groups]\nType_Check = ["mypy"]\n`;
    const change = plan({ "pyproject.toml": groups }, "add", ["idna"], "type-check");
    expect(change.target.label).toBe("pyproject.toml [dependency-groups] Type_Check");
    expect(change.group).toBe("type-check");
  });

  it("Poetry: [tool.poetry.dependencies], and a group table in Poetry's dialect", () => {
    const main = plan({ "pyproject.toml": poetry }, "add", ["attrs"]);
    expect(main.target.label).toBe("pyproject.toml [tool.poetry.dependencies]");
    expect(main.after).toBe(poetry.replace('six = "*"\n', 'six = "*"\nattrs = "*"\n'));
    const dev = plan({ "pyproject.toml": poetry }, "add", ["iniconfig"], "dev");
    expect(dev.target.label).toBe("pyproject.toml [tool.poetry.group.dev.dependencies]");
    expect(dev.after).toBe(`${poetry}\n[tool.poetry.group.dev.dependencies]\niniconfig = "*"\n`);
    const legacy = `${poetry}\n[tool.poetry.dev-dependencies]\npytest = "*"\n`;
    expect(plan({ "pyproject.toml": legacy }, "add", ["iniconfig"], "dev").target.label).toBe(
      "pyproject.toml [tool.poetry.dev-dependencies]",
    );
  });

  it("Pipfile: [packages], and [dev-packages] for --group dev", () => {
    const pipfile = '[packages]\nsix = "*"\n\n[dev-packages]\npytest = "*"\n';
    expect(plan({ Pipfile: pipfile }, "add", ["idna"]).after).toBe(
      pipfile.replace('six = "*"\n', 'six = "*"\nidna = "*"\n'),
    );
    const dev = plan({ Pipfile: pipfile }, "add", ["iniconfig"], "dev");
    expect(dev.target.label).toBe("Pipfile [dev-packages]");
    expect(dev.after).toBe(`${pipfile}iniconfig = "*"\n`);
  });

  it("requirements files: requirements.txt, requirements-<group>.txt (created when missing)", () => {
    const files = { "requirements.txt": "# runtime\nsix==1.17.0  # pinned\n" };
    const main = plan(files, "add", ["idna"]);
    expect(main.target.label).toBe("requirements.txt");
    expect(main.after).toBe("# runtime\nsix==1.17.0  # pinned\nidna\n");
    const dev = plan(files, "add", ["iniconfig"], "dev");
    expect(dev).toMatchObject({ path: "requirements-dev.txt", before: null, after: "iniconfig\n" });
    const existing = plan({ ...files, "requirements/test.txt": "pytest\n" }, "add", ["iniconfig"], "test");
    expect(existing).toMatchObject({ path: "requirements/test.txt", after: "pytest\niniconfig\n" });
  });

  it("a pip-compile pair: the .in is edited, never its compiled .txt", () => {
    const compiled = (input: string, pins: string) =>
      `#\n# This file is autogenerated by pip-compile with Python 3.11\n# by the following command:\n#\n#    pip-compile ${input}\n#\n${pins}`;
    const files = {
      "requirements.in": "six\n",
      "requirements.txt": compiled("requirements.in", "six==1.17.0\n    # via -r requirements.in\n"),
      "requirements-dev.in": "-r requirements.in\npytest\n",
      "requirements-dev.txt": compiled(
        "requirements-dev.in",
        "pytest==8.3.3\n    # via -r requirements-dev.in\n",
      ),
    };
    expect(plan(files, "add", ["idna"])).toMatchObject({ path: "requirements.in", after: "six\nidna\n" });
    expect(plan(files, "add", ["iniconfig"], "dev")).toMatchObject({
      path: "requirements-dev.in",
      after: "-r requirements.in\npytest\niniconfig\n",
    });
  });

  it("setuptools reading requirements.txt (dynamic): the requirements file", () => {
    const pyproject = [
      "[project]",
      'name = "demo"',
      'version = "1.0"',
      'dynamic = ["dependencies"]',
      "",
      "[tool.setuptools.dynamic]",
      'dependencies = { file = ["requirements.txt"] }',
      "",
    ].join("\n");
    const change = plan({ "pyproject.toml": pyproject, "requirements.txt": "six\n" }, "add", ["idna"]);
    expect(change).toMatchObject({ path: "requirements.txt", after: "six\nidna\n" });
  });

  it("the pip wrapper's warning names the same list", () => {
    expect(mainManifestLabel(collectProject(project({ "pyproject.toml": poetry })))).toBe(
      "pyproject.toml [tool.poetry.dependencies]",
    );
    expect(mainManifestLabel(collectProject(project({ "requirements.txt": "six\n" })))).toBe(
      "requirements.txt",
    );
    expect(mainManifestLabel(collectProject(project({ "setup.py": setupPy })))).toBeNull();
  });
});

const setupPy = "from setuptools import setup\nsetup(name='demo', install_requires=['six'])\n";

describe("what dhtl add and remove refuse, before anything is written", () => {
  it("setup.py, setup.cfg and environment.yml: an error naming the file to edit", () => {
    const setupCfg = "[metadata]\nname = demo\n\n[options]\ninstall_requires =\n    six\n";
    const cases: [Record<string, string>, string][] = [
      [{ "setup.py": setupPy }, "setup.py"],
      [{ "setup.cfg": setupCfg, "setup.py": "from setuptools import setup\nsetup()\n" }, "setup.cfg"],
      [{ "environment.yml": "name: demo\ndependencies:\n  - python=3.11\n  - six\n" }, "environment.yml"],
    ];
    for (const [files, file] of cases) {
      const error = planError(files, "add", ["idna"]);
      expect(error.code).toBe("badInput");
      expect(error.file).toBe(file);
      expect(error.message).toContain(`declares its dependencies in ${file}`);
      expect(error.hint).toContain(`add the requirement to ${file} by hand`);
    }
  });

  it("removing a package the list does not hold: an error saying where it is declared instead", () => {
    const withDev = `${pep621}\n[dependency-groups]\ndev = ["pytest"]\n`;
    const inGroup = planError({ "pyproject.toml": withDev }, "remove", ["pytest"]);
    expect(inGroup.message).toBe("pytest is not in pyproject.toml [project] dependencies");
    expect(inGroup.hint).toContain("group dev (--group dev)");
    const nowhere = planError({ "pyproject.toml": withDev }, "remove", ["attrs"], "dev");
    expect(nowhere.message).toBe("attrs is not in pyproject.toml [dependency-groups] dev");
    expect(nowhere.hint).toBe("nothing to remove");
    const noFile = planError({ "requirements.txt": "six\n" }, "remove", ["pytest"], "dev");
    expect(noFile).toMatchObject({
      file: "requirements-dev.txt",
      message: "pytest is not in requirements-dev.txt",
    });
  });

  it("a second package absent stops the whole removal (nothing half done)", () => {
    const error = planError({ "pyproject.toml": pep621 }, "remove", ["six", "attrs"]);
    expect(error.message).toBe("attrs is not in pyproject.toml [project] dependencies");
  });

  it("invalid requirements, names and groups: refused with the rule", () => {
    const files = { "pyproject.toml": pep621 };
    expect(planError(files, "add", ["six", "not a name"]).message).toMatch(
      /^not a requirement: "not a name"/,
    );
    expect(planError(files, "add", ["-e ."]).message).toMatch(/^not a requirement: "-e \."/);
    expect(planError(files, "add", ["demo @ https://example.org/demo.whl"]).message).toContain(
      "a direct URL requirement is not added",
    );
    expect(planError(files, "remove", ["six>=1"]).message).toBe('not a distribution name: "six>=1"');
    // A group becomes a TOML key or a file name (`requirements-<group>.txt`): never a path.
    for (const group of ["../../x", "dev tools", "-dev", ""]) {
      const error = planError({ "requirements.txt": "six\n" }, "add", ["idna"], group);
      expect(error.message).toBe(`not a dependency group name: ${JSON.stringify(group)}`);
    }
  });

  it("a manifest that is not valid TOML: refused naming it", () => {
    const error = planError(
      { "pyproject.toml": '[project]\nname = "demo"\ndependencies = ["six"\n' },
      "add",
      ["idna"],
    );
    expect(error.code).toBe("badInput");
    expect(error.file ?? error.message).toContain("pyproject.toml");
  });
});
