import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parse as parseToml } from "smol-toml";
import { describe, expect, test } from "vitest";
import { normalizeName } from "../pep/names.js";
import { detectProjectType, type ProjectTypeInput } from "./project-type.js";

const FIXTURES = join(import.meta.dirname, "../../test/fixtures/project-type");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * Builds the detector's input from a fixture tree the way `analyze` does, with deliberately simple readers
 * (the real manifest readers and import scanner have their own tests): requirement names from
 * requirements.txt and [project], imports from `import x` / `from x import` lines of .py files and notebook
 * code cells.
 */
function inputFor(name: string): ProjectTypeInput {
  const root = join(FIXTURES, name);
  const files = walk(root)
    .map((f) => relative(root, f).split(sep).join("/"))
    .sort();
  const read = (path: string) => readFileSync(join(root, path), "utf8");
  const declared: string[] = [];
  const requirementName = (req: string) => /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(req.trim())?.[0];
  if (files.includes("requirements.txt")) {
    for (const line of read("requirements.txt").split("\n")) {
      const dist = requirementName(line);
      if (dist) declared.push(normalizeName(dist));
    }
  }
  let scripts: string[] = [];
  let isPackage = false;
  if (files.includes("pyproject.toml")) {
    const doc = parseToml(read("pyproject.toml")) as {
      project?: { dependencies?: string[]; scripts?: Record<string, string> };
      "build-system"?: unknown;
    };
    for (const req of doc.project?.dependencies ?? [])
      declared.push(normalizeName(requirementName(req) ?? ""));
    scripts = Object.keys(doc.project?.scripts ?? {});
    isPackage = doc["build-system"] !== undefined;
  }
  const code = files.flatMap((f) => {
    if (f.endsWith(".py")) return [read(f)];
    if (f.endsWith(".ipynb") && !f.includes(".ipynb_checkpoints")) {
      const nb = JSON.parse(read(f)) as { cells: { cell_type: string; source: string | string[] }[] };
      return nb.cells.filter((c) => c.cell_type === "code").map((c) => [c.source].flat().join(""));
    }
    return [];
  });
  const local = new Set(files.filter((f) => f.endsWith("/__init__.py")).map((f) => f.split("/").at(-2)));
  const stdlib = new Set(["os", "sys", "__future__"]);
  const imports = new Set<string>();
  for (const text of code) {
    for (const m of text.matchAll(/^\s*(?:import|from)\s+([A-Za-z_][A-Za-z0-9_]*)/gm)) {
      const top = m[1] ?? "";
      if (!stdlib.has(top) && !local.has(top)) imports.add(top);
    }
  }
  return {
    files,
    declared: [...new Set(declared)].sort(),
    imports: [...imports].sort(),
    hasEntryPoints: scripts.length > 0,
    entryPoints: scripts,
    isPackage,
    readFile: (path) => {
      try {
        return read(path);
      } catch {
        return null;
      }
    },
  };
}

function scoreOf(result: ReturnType<typeof detectProjectType>, name: string): number {
  return result.candidates.find((c) => c.name === name)?.score ?? 0;
}

describe("detectProjectType on fixture projects", () => {
  test("django app: manage.py, settings with INSTALLED_APPS and the dependency", () => {
    const result = detectProjectType(inputFor("django-app"));
    expect(result.name).toBe("django");
    const django = result.candidates[0];
    expect(django?.evidence).toEqual(
      expect.arrayContaining([
        "declares django (+3)",
        "imports django (+2)",
        "declares django-environ (+1)",
        "manage.py (+3)",
        "mysite/settings.py with INSTALLED_APPS (+3)",
        "mysite/urls.py (+1)",
        "mysite/wsgi.py (+1)",
      ]),
    );
    expect(django?.score).toBe(14);
    // wsgi.py alone is only a hint for flask: without a flask marker it does not count.
    expect(scoreOf(result, "flask")).toBe(0);
  });

  test("flask app: dependency, import and the Flask() app object", () => {
    const result = detectProjectType(inputFor("flask-app"));
    expect(result.name).toBe("flask");
    expect(result.candidates[0]?.evidence).toEqual([
      "declares flask (+3)",
      "imports flask (+2)",
      "declares flask-sqlalchemy (+1)",
      "app.py (+1)",
      "app.py creates Flask(…) (+2)",
    ]);
    expect(result.candidates.map((c) => c.name)).toEqual(["flask"]);
  });

  test("fastapi app: uvicorn and main.py count next to the fastapi markers", () => {
    const result = detectProjectType(inputFor("fastapi-app"));
    expect(result.name).toBe("fastapi");
    expect(result.candidates[0]?.evidence).toEqual([
      "declares fastapi (+3)",
      "imports fastapi (+2)",
      "declares uvicorn (+1)",
      "app/main.py (+1)",
      "app/main.py creates FastAPI(…) (+2)",
    ]);
  });

  test("streamlit app outweighs the data library it uses", () => {
    const result = detectProjectType(inputFor("streamlit-app"));
    expect(result.name).toBe("streamlit");
    expect(result.candidates[0]?.evidence).toEqual(
      expect.arrayContaining([
        ".streamlit/config.toml (+3)",
        "streamlit_app.py (+2)",
        "declares streamlit (+3)",
      ]),
    );
    expect(scoreOf(result, "data-science")).toBe(1);
    expect(scoreOf(result, "streamlit")).toBeGreaterThan(scoreOf(result, "data-science"));
  });

  test("notebooks-only data project: jupyter first, data-science second, checkpoints ignored", () => {
    const result = detectProjectType(inputFor("notebooks-data"));
    expect(result.candidates.map((c) => c.name)).toEqual(["jupyter", "data-science"]);
    expect(result.candidates[0]?.evidence).toEqual([
      "notebook-only repository (+5)",
      "3 notebooks (+3)",
      "notebooks outnumber .py files (3 vs 0) (+2)",
      "declares jupyterlab (+2)",
    ]);
    const data = result.candidates[1];
    expect(data?.evidence).toEqual([
      "3 notebooks (+1)",
      "declares pandas, imports pandas (+1)",
      "declares numpy, imports numpy (+1)",
      "declares scikit-learn, imports sklearn (+1)",
      "declares matplotlib, imports matplotlib (+1)",
      "1 data file (+1)",
    ]);
  });

  test("click CLI with a console script beats the library it also is", () => {
    const result = detectProjectType(inputFor("click-cli"));
    expect(result.name).toBe("cli");
    expect(result.candidates[0]?.evidence).toEqual([
      "console script `greet` (+3)",
      "declares click (+2)",
      "imports click (+2)",
      "src/greet/cli.py (+1)",
    ]);
    expect(result.candidates.map((c) => c.name)).toEqual(["cli", "library"]);
  });

  test("plain library with a src/ layout", () => {
    const result = detectProjectType(inputFor("plain-library"));
    expect(result).toEqual({
      name: "library",
      candidates: [
        {
          name: "library",
          score: 7,
          evidence: [
            "installable package (build backend or setup script) (+2)",
            "importable API (src/tinylib/__init__.py defines or re-exports names) (+2)",
            "src/ layout (tinylib) (+2)",
            "src/tinylib/py.typed (+1)",
          ],
        },
      ],
    });
  });

  test("empty project is generic with no candidates", () => {
    expect(detectProjectType(inputFor("empty-project"))).toEqual({ name: "generic", candidates: [] });
  });

  test("a lone main.py is only a hint: the project stays generic", () => {
    expect(detectProjectType(inputFor("main-only"))).toEqual({ name: "generic", candidates: [] });
  });
});

describe("detectProjectType scoring rules", () => {
  const base: ProjectTypeInput = {
    files: [],
    declared: [],
    imports: [],
    hasEntryPoints: false,
    isPackage: false,
  };

  test("ties follow the documented priority, not the alphabet, whatever the input order", () => {
    const tie = detectProjectType({ ...base, files: ["a.ipynb", "b.py", "c.py"], declared: ["pandas"] });
    expect(tie.candidates.map((c) => [c.name, c.score])).toEqual([
      ["jupyter", 2],
      ["data-science", 2],
    ]);
    expect(tie.name).toBe("jupyter");
    const a = detectProjectType({ ...base, declared: ["flask", "django"] });
    const b = detectProjectType({ ...base, declared: ["django", "flask"] });
    expect(a).toEqual(b);
    expect(a.candidates.map((c) => [c.name, c.score])).toEqual([
      ["django", 3],
      ["flask", 3],
    ]);
    expect(a.name).toBe("django");
  });

  test("data libraries are capped so a long list cannot outweigh one framework", () => {
    const declared = ["pandas", "numpy", "scipy", "matplotlib", "seaborn", "torch", "fastapi"];
    const result = detectProjectType({ ...base, declared });
    expect(scoreOf(result, "data-science")).toBe(4);
    const data = result.candidates.find((c) => c.name === "data-science");
    expect(data?.evidence.filter((e) => e.includes("(+0, at most 4 data libraries count)"))).toHaveLength(2);
  });

  test("ten notebooks weigh more than three, and console scripts count without names", () => {
    const notebooks = Array.from({ length: 12 }, (_, i) => `nb/${i}.ipynb`);
    const result = detectProjectType({ ...base, files: notebooks, hasEntryPoints: true });
    expect(result.candidates.find((c) => c.name === "jupyter")?.evidence).toContain("12 notebooks (+4)");
    expect(result.candidates.find((c) => c.name === "cli")?.evidence).toEqual(["console scripts (+3)"]);
  });

  test("a framework only tests or extras need is a hint: flask in a test group is not a Flask app", () => {
    const result = detectProjectType({
      ...base,
      files: ["app.py", "src/tool/__init__.py"],
      declared: ["flask", "requests"],
      runtimeDeclared: ["requests"],
      isPackage: true,
    });
    expect(result.name).toBe("library");
    expect(scoreOf(result, "flask")).toBe(0);
  });

  test("a library with a console script and an importable API stays a library", () => {
    const result = detectProjectType({
      ...base,
      files: ["src/tool/__init__.py", "src/tool/__main__.py"],
      hasEntryPoints: true,
      entryPoints: ["tool"],
      isPackage: true,
      readFile: (path) => (path === "src/tool/__init__.py" ? "from .core import Client, fetch\n" : ""),
    });
    expect(result.candidates.map((c) => [c.name, c.score])).toEqual([
      ["library", 6],
      ["cli", 2],
    ]);
    expect(result.candidates[1]?.evidence[0]).toBe("console script `tool` beside an importable API (+1)");
  });

  test("a single-module library with a command (records.py: classes beside `cli`) stays a library", () => {
    // records 2019: py_modules=['records'], console script records=records:cli, built with docopt.
    const input = {
      ...base,
      files: ["records.py", "setup.py", "tests/test_records.py"],
      declared: ["docopt", "sqlalchemy", "tablib"],
      imports: ["docopt", "sqlalchemy", "tablib"],
      hasEntryPoints: true,
      entryPoints: ["records"],
      entryPointTargets: ["records:cli"],
      moduleName: "records",
      isPackage: true,
    };
    const library = detectProjectType({
      ...input,
      readFile: (path) =>
        path === "records.py"
          ? "from docopt import docopt\nclass Database(object):\n    pass\ndef cli():\n    pass\n"
          : "",
    });
    expect(library.name).toBe("library");
    expect(library.candidates[0]?.evidence).toContain(
      "importable API (records.py defines or re-exports names) (+2)",
    );
    // The same module with nothing but its command is a CLI.
    const command = detectProjectType({
      ...input,
      readFile: (path) =>
        path === "records.py"
          ? "from docopt import docopt\ndef cli():\n    pass\ndef main():\n    cli()\n"
          : "",
    });
    expect(command.name).toBe("cli");
  });

  test("a package built on a framework is a library unless it runs an app of it (DRF on Django)", () => {
    const extension = detectProjectType({
      ...base,
      files: ["rest_framework/__init__.py", "rest_framework/settings.py", "setup.py"],
      declared: ["django"],
      imports: ["django"],
      isPackage: true,
      readFile: (path) => (path === "rest_framework/__init__.py" ? "__all__ = ['VERSION']\n" : ""),
    });
    expect(extension.name).toBe("library");
    expect(scoreOf(extension, "django")).toBe(0);
    const app = detectProjectType({
      ...base,
      files: ["app.py", "pkg/__init__.py"],
      declared: ["flask"],
      isPackage: true,
      readFile: (path) => (path === "app.py" ? "app = Flask(__name__)\n" : "def f(): pass\n"),
    });
    expect(app.name).toBe("flask");
  });

  test("Flask's own `class Flask(…)` builds no app", () => {
    const result = detectProjectType({
      ...base,
      files: ["flask/app.py"],
      readFile: () => "class Flask(App):\n    pass\n",
    });
    expect(result.candidates.find((c) => c.name === "flask")).toBeUndefined();
  });

  test("a build backend makes a library even when the installer is told not to install it", () => {
    const result = detectProjectType({ ...base, files: ["pkg/__init__.py"], hasBuildBackend: true });
    expect(result.name).toBe("library");
  });

  test("a failing file reader is treated as no content, not a crash", () => {
    const result = detectProjectType({
      ...base,
      files: ["proj/settings.py"],
      declared: ["django"],
      readFile: () => {
        throw new Error("unreadable");
      },
    });
    expect(result.candidates[0]?.evidence).toEqual(["declares django (+3)", "proj/settings.py (+1)"]);
  });
});
