import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DhtlError } from "../../../core/errors.js";
import { run } from "../../../core/exec.js";
import { testProjects } from "../test-context.js";
import type { Dependency, ManifestFacts } from "../types.js";
import { setupPyReader } from "./index.js";
import { parsePython } from "./literal-parser.js";

const FIXTURES = join(import.meta.dirname, "__fixtures__");
const newProject = testProjects();

function read(files: Record<string, string>, fixture?: string): ManifestFacts {
  const project = newProject(files, fixture ? join(FIXTURES, fixture) : undefined);
  const [manifest] = setupPyReader.read(project.source("setup.py"), project.ctx);
  if (!manifest) throw new Error("no manifest");
  return manifest;
}

const reqs = (deps: Dependency[] | undefined) => (deps ?? []).map((d) => d.requirement);
const at = (deps: Dependency[] | undefined) =>
  (deps ?? []).map((d) => `${d.requirement} @${d.file}:${d.line}`);
const reviews = (m: ManifestFacts) =>
  m.diagnostics.filter((d) => d.severity === "review").map((d) => `${d.line}: ${d.message}`);

describe("setup.py read statically", () => {
  it("resolves variables, +=, append/extend, **kwargs, dict(), extras markers and file reads", () => {
    const m = read({}, "classic");
    expect(m.kind).toBe("setup.py");
    expect(m.name?.value).toBe("classic-pkg");
    expect(m.version?.value).toBe("2.3.4");
    expect(at(m.dependencies)).toEqual([
      "six>=1.16 @setup.py:16",
      "attrs>=22.1 @setup.py:17",
      "packaging @setup.py:18",
      "tomli; python_version < '3.11' @setup.py:19",
      "requests>=2.31 @requirements.txt:1",
      "urllib3<3 @requirements.txt:4",
      "colorama; sys_platform == 'win32' @setup.py:24",
    ]);
    expect(reqs(m.optionalDependencies.yaml)).toEqual(["PyYAML>=6.0"]);
    expect(reqs(m.optionalDependencies.all)).toEqual(["PyYAML>=6.0", "rich"]);
    expect(at(m.dependencyGroups.test)).toEqual([
      "pytest>=8 @requirements-test.txt:2",
      "coverage @requirements-test.txt:4",
    ]);
    expect(m.buildSystem).toEqual({ backend: null, requires: ["setuptools_scm>=8"], file: "setup.py" });
    expect(m.python).toEqual([{ source: "python_requires", file: "setup.py", line: 41, value: ">=3.8" }]);
    expect(m.scripts).toEqual({ classic: "classicpkg.cli:main", "classic-admin": "classicpkg.admin:run" });
    expect(m.includedFiles).toEqual(["requirements-test.txt", "requirements.txt"]);
    expect(m.packageManager).toBe("setuptools");
    // The comprehension's filter is not evaluated, and the reader says so.
    expect(reviews(m)).toEqual([expect.stringMatching(/^14: a filter in the comprehension/)]);
  });

  it("flags computed values for review instead of guessing, and finds __version__ statically", () => {
    const m = read({}, "computed");
    expect(m.name?.value).toBe("comp-pkg");
    // The unconditional part is certain; the conditional append is named for review.
    expect(at(m.dependencies)).toEqual(["click>=8 @setup.py:19"]);
    expect(m.python).toEqual([]);
    expect(at(m.optionalDependencies.docs)).toEqual([
      "sphinx>=7 @docs-requirements.txt:1",
      "furo @docs-requirements.txt:2",
    ]);
    expect(m.version).toEqual({ value: "0.7.0", file: "comppkg/__init__.py" });
    expect(reviews(m)).toEqual([
      "21: install_requires: line 21 changes deps conditionally; review what it adds",
      "26: version is computed; found 0.7.0 assigned in comppkg/__init__.py:3; review it",
      "30: python_requires is computed at line 30 (a computed subscript); review it",
    ]);
  });

  it("follows pathlib reads, open().read().splitlines(), setuptools.setup and helper functions", () => {
    const m = read({
      "setup.py": [
        "import setuptools, pathlib",
        "here = pathlib.Path(__file__).resolve().parent",
        "def reqs(name):",
        "    with open(here / name) as fh:",
        "        return fh.read().splitlines()",
        "deps = (here / 'requirements' / 'base.txt').read_text().splitlines()",
        "setuptools.setup(name='p', version='1', install_requires=deps, extras_require={'dev': reqs('dev.txt')})",
      ].join("\n"),
      "requirements/base.txt": "flask>=3\n\n# c\n",
      "dev.txt": "pytest\n-r requirements/base.txt\n",
    });
    expect(at(m.dependencies)).toEqual(["flask>=3 @requirements/base.txt:1"]);
    expect(at(m.optionalDependencies.dev)).toEqual(["pytest @dev.txt:1"]);
    expect(reviews(m)).toEqual([
      "2: '-r requirements/base.txt' is a pip option, not a requirement; review it",
    ]);
  });

  it("reports a missing file read, a computed **kwargs and a missing setup() call for review", () => {
    const missing = read({
      "setup.py":
        "from setuptools import setup\nsetup(name='x', install_requires=open('nope.txt').read().splitlines())\n",
    });
    expect(reviews(missing)).toEqual([
      expect.stringMatching(
        /^2: install_requires is computed at line 2 \(a read of 'nope.txt' \(.*\)\); review it$/,
      ),
    ]);
    const kwargs = read({
      "setup.py": "import json\nfrom setuptools import setup\nsetup(**json.load(open('meta.json')))\n",
    });
    expect(reviews(kwargs)).toEqual([
      expect.stringMatching(/^3: setup\(\*\*…\) passes computed keyword arguments/),
    ]);
    const none = read({ "setup.py": "print('hello')\n" });
    expect(reviews(none)).toEqual([
      "null: no setup() call found; review how this setup.py builds the package",
    ]);
  });

  it("reads names that exec(open(...).read()) defines, by parsing that file", () => {
    const m = read({
      "setup.py": [
        "from setuptools import setup",
        "about = {}",
        "exec(open('pkg/__about__.py').read(), about)",
        "exec(open('pkg/version.py').read())",
        "setup(name=about['__title__'], version=__version__)",
      ].join("\n"),
      "pkg/__about__.py": "__title__ = 'exec-pkg'\n",
      "pkg/version.py": "__version__ = '1.2.3'\n",
    });
    expect(m.name).toEqual({ value: "exec-pkg", file: "pkg/__about__.py" });
    expect(m.version).toEqual({ value: "1.2.3", file: "pkg/version.py" });
    expect(m.includedFiles).toEqual(["pkg/__about__.py", "pkg/version.py"]);
    expect(m.diagnostics).toEqual([]);
  });

  it("evaluates f-strings and str.format() when every field is known", () => {
    const m = read({
      "setup.py": [
        "from setuptools import setup",
        "MIN_NUMPY = '1.21'",
        "PY = (3, 9)",
        "setup(name='fmt', install_requires=[f'numpy>={MIN_NUMPY}', f\"pandas{'>=2'}\", f'x>={unknown_name!r}'],",
        "      python_requires='>={}.{}'.format(*PY), use_scm_version=True)",
      ].join("\n"),
    });
    expect(reqs(m.dependencies)).toEqual(["numpy>=1.21", "pandas>=2"]);
    expect(m.python[0]?.value).toBe(">=3.9");
    expect(reviews(m)).toEqual([
      "4: install_requires is computed at line 4 (an f-string with a computed field (a formatted field)); review it",
      "5: version comes from git tags (setuptools_scm use_scm_version); review it",
    ]);
  });

  it("stays fast and bounded on a setup.py built to blow up evaluation", () => {
    const lines = ["from setuptools import setup", "a = 'x'"];
    for (let i = 0; i < 60; i++) lines.push("a = a + a");
    lines.push("setup(name=a)");
    const started = performance.now();
    const m = read({ "setup.py": lines.join("\n") });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(m.name).toBeNull();
    expect(reviews(m)).toEqual([
      expect.stringMatching(/name is computed at line \d+ \(a value too large to follow\)/),
    ]);
  });

  it.each([
    ["deep brackets", `x = ${"(".repeat(5000)}1${")".repeat(5000)}\n`],
    ["deep unary", `x = ${"-".repeat(100000)}1\n`],
    ["recursive helper", "from setuptools import setup\ndef f(x):\n    return f(x)\nsetup(name=f('a'))\n"],
  ])("never crashes on hostile input: %s", (_label, text) => {
    const project = newProject({ "setup.py": text });
    try {
      const [m] = setupPyReader.read(project.source("setup.py"), project.ctx);
      expect(m?.name).toBeNull();
    } catch (error) {
      expect(error).toBeInstanceOf(DhtlError);
    }
  });

  it("reads old-style setup.py files (Python 2 print, string entry_points)", () => {
    const m = read({
      "setup.py": [
        "from distutils.core import setup as _setup",
        'print "building"',
        "try:\n    import x\nexcept ImportError, e:\n    pass",
        "_setup(name='old', version=ur'0.1', install_requires='a>=1\\nb',",
        "      entry_points='''",
        "      [console_scripts]",
        "      old-tool = old.main:cli",
        "      ''')",
      ].join("\n"),
    });
    expect(reqs(m.dependencies)).toEqual(["a>=1", "b"]);
    expect(m.version?.value).toBe("0.1");
    expect(m.scripts).toEqual({ "old-tool": "old.main:cli" });
  });

  it.each([
    ["from setuptools import setup\nsetup(name='x',\n      version='1'\n", 2, "'(' was never closed"],
    ["import os\nif True:\n    x = 1\n  y = 2\n", 4, "unindent does not match"],
    ["x = = 1\n", 1, "invalid syntax"],
    ["def f(:\n    pass\n", 1, "syntax error"],
    ["s = 'unterminated\n", 1, "unterminated string"],
  ])("rejects a syntax error with the file and line (%#)", async (text, line, message) => {
    const project = newProject({ "setup.py": text });
    let error: unknown;
    try {
      setupPyReader.read(project.source("setup.py"), project.ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DhtlError);
    expect(error).toMatchObject({ code: "badInput", file: "setup.py", line });
    expect((error as Error).message).toContain(message);
    // CPython agrees it is a syntax error, on the same line.
    const py = await run(
      "python3",
      [
        "-c",
        "import ast,sys\ntry:\n ast.parse(sys.stdin.read())\nexcept SyntaxError as e:\n print(e.lineno)",
      ],
      { input: text },
    );
    expect(Number(py.stdout.trim())).toBe(line);
  });
});

describe("python-literal-parser", () => {
  it("parses the modern syntax CPython 3.12 accepts", () => {
    const source = [
      "from __future__ import annotations",
      "import typing as t",
      "@decorator(arg=1)",
      "async def f[T](a: int, /, *args: str, b=lambda x: x + 1, **kw) -> list[T]:",
      "    async with a as (b, c):",
      "        pass",
      "    return [y async for y in z if y]",
      "match command.split():",
      "    case [action, *rest] if rest:",
      "        x = {**d, 'k': (v if True else None)}",
      "    case _:",
      "        pass",
      "type Alias = dict[str, int]",
      "print(f\"{value!r:>{width}} {'nested'} {x['k']}\")",
      "with (open('a') as fa, open('b') as fb):",
      "    data = fa.read()[1:-1:2]",
      "n = 0x_ff + 1_000 + 1e-3 + 2j",
      "x = yield_ = (yield)",
      "del x; global g",
      "class K(Base, metaclass=M): ...",
      "try:\n    pass\nexcept* ValueError as e:\n    raise\nfinally:\n    pass",
      "if (n := len(a)) > 10: pass",
    ].join("\n");
    expect(() => parsePython(source, "x.py")).not.toThrow();
  });
});
