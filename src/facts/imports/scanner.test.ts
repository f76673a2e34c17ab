import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DhtlError } from "../../core/errors.js";
import { maskToMarker } from "./python-versions.js";
import { decodePythonSource, scanImports, scanSource } from "./scanner.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/imports");
const syntaxDir = join(fixtures, "syntax");
const python313 = join(homedir(), ".pyenv/versions/3.13.0/bin/python3.13");

function scanFixture(name: string) {
  return scanImports(decodePythonSource(readFileSync(join(syntaxDir, name))));
}

function modules(source: string): string[] {
  return scanImports(source).map((s) => (s.level ? `${".".repeat(s.level)}${s.module}` : s.module));
}

describe("scanImports", () => {
  it("splits `import a.b as c, d` into one statement per module", () => {
    expect(scanImports("import a.b as c, d\n")).toEqual([
      { module: "a.b", names: [], level: 0, line: 1, optional: false, typeOnly: false },
      { module: "d", names: [], level: 0, line: 1, optional: false, typeOnly: false },
    ]);
  });

  it("reads relative from-imports with their level and names", () => {
    const [rel, dot] = scanImports("from ..x import y, z\nfrom . import (w,\n  v as u,)\n");
    expect(rel).toMatchObject({ module: "x", level: 2, names: ["y", "z"], line: 1 });
    expect(dot).toMatchObject({ module: "", level: 1, names: ["w", "v"], line: 2 });
  });

  it("ignores `import` in strings, comments and docstrings", () => {
    const source = '"""\nimport a\n"""\n# import b\nx = "import c"; y = f"{\'import d\'}"\nimport e\n';
    expect(modules(source)).toEqual(["e"]);
  });

  it("follows backslash continuations, brackets and semicolons", () => {
    expect(modules("x = (1,\n 2); import a\ny = 1 + \\\n  2; import b\nimport c \\\n  , d\n")).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
  });

  it("is not confused by match/case bodies, soft keywords and PEP 695 type parameters", () => {
    const source = [
      "match command:",
      "    case {'import': x} if x:",
      "        import a",
      "    case _: import b",
      "match = 1; import c",
      "type X[T = int] = list[T]",
      "class Box[T: (int, str) = int]: import d",
      "def f[T](x: T) -> T: from e import f; return x",
      "",
    ].join("\n");
    expect(modules(source)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("skips nested f-strings that reuse their quotes (3.12)", () => {
    expect(modules('s = f"{f"{f"{x!r:>{w}}"}"}" ; import a\nt = f"""{\n x # c\n}""" ; import b\n')).toEqual([
      "a",
      "b",
    ]);
  });

  it("marks imports guarded by try/except ImportError or suppress(ImportError) as optional, only those", () => {
    const byModule = new Map(scanFixture("guards.py").map((s) => [s.module, s]));
    const optional = [...byModule.values()].filter((s) => s.optional).map((s) => s.module);
    expect(optional.sort()).toEqual([
      "bare_guarded",
      "broad",
      "inside_function",
      "lxml",
      // the else of a try that catches ImportError runs only when the guarded import worked
      "requests",
      "sniffio_when_trio_loaded",
      "suppressed_optional",
      "ujson",
      "yaml",
    ]);
    expect(byModule.get("json")?.optional).toBe(false);
    expect(byModule.get("numpy")?.optional).toBe(false);
    expect(byModule.get("required_after")?.optional).toBe(false);
  });

  it("marks imports under `if TYPE_CHECKING:` as type-only, and not their else branch", () => {
    const typeOnly = scanFixture("guards.py")
      .filter((s) => s.typeOnly)
      .map((s) => s.module);
    expect(typeOnly.sort()).toEqual(["mypy_extensions", "pandas", "typing_only_nested"]);
  });

  it("reads PEP 263 declarations, BOMs and CRLF files", () => {
    expect(scanFixture("latin1.py").map((s) => [s.module, s.line])).toEqual([["locale", 3]]);
    expect(decodePythonSource(readFileSync(join(syntaxDir, "latin1.py")))).toContain("café «");
    expect(decodePythonSource(readFileSync(join(syntaxDir, "iso885915.py")))).toContain("€");
    expect(scanFixture("bom.py").map((s) => s.module)).toEqual(["bom_module"]);
    expect(scanFixture("crlf.py").map((s) => [s.module, s.line])).toEqual([
      ["crlf_one", 1],
      ["crlf_two", 3],
    ]);
  });

  it("rejects undecodable bytes and unknown encodings with a DhtlError", () => {
    expect(() => decodePythonSource(Buffer.from([0x69, 0x6d, 0xff, 0x0a]))).toThrow(DhtlError);
    expect(() => decodePythonSource(Buffer.from("# coding: no-such-codec\nimport a\n"))).toThrow(
      /unknown encoding/,
    );
  });

  it("tolerates broken code without throwing", () => {
    expect(modules("x = (\n1,\n2\n")).toEqual([]);
    expect(modules("s = 'unterminated\nimport a\nfrom\nimport")).toEqual(["a"]);
  });
});

describe("scanSource: broken code is resumed and reported, never silently skipped", () => {
  it("finds imports after an unclosed bracket and names the line of the bracket", () => {
    const scan = scanSource("import requests\ndef broken(:\nimport numpy\n");
    expect(scan.statements.map((s) => s.module)).toEqual(["requests", "numpy"]);
    expect(scan.problems).toEqual([{ line: 2, message: expect.stringContaining("bracket never closed") }]);
  });

  it("resumes at an indented def or a from-import too, and not inside a valid multi-line call", () => {
    const source =
      "class A:\n    x = f(1,\n    def g(self): pass\nfrom os import (path,\ny = [\nimport_me,\nfrom_x]\nimport z\n";
    const scan = scanSource(source);
    expect(scan.statements.map((s) => s.module)).toEqual(["os", "z"]);
    expect(scan.problems.map((p) => p.line)).toEqual([2, 4]);
  });

  it("reports an unterminated triple-quoted string", () => {
    const scan = scanSource('import a\ns = """never closed\nimport b\n');
    expect(scan.statements.map((s) => s.module)).toEqual(["a"]);
    expect(scan.problems).toEqual([{ line: 2, message: expect.stringContaining("unterminated") }]);
  });
});

describe("scanSource: Python 2 files", () => {
  it.each([
    ['print "hello"\n', 1, "`print` statement"],
    ["import os\nprint >>sys.stderr, 'x'\n", 2, "`print` statement"],
    ["try:\n    pass\nexcept (IOError, OSError), e:\n    pass\n", 3, "`except E, name:`"],
    ["exec code in namespace\n", 1, "`exec` statement"],
  ])("recognises %j", (source, line, evidence) => {
    expect(scanSource(source).python2).toEqual({ line, evidence });
  });

  it.each([
    "print('x')\n",
    "print = logger.info\n",
    "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
    "exec(code)\n",
  ])("leaves Python 3 code alone: %j", (source) => {
    expect(scanSource(source).python2).toBeNull();
  });
});

describe("scanSource: what follows the last import", () => {
  // The scan stops after the last `import` unless the rest may hold something else it reports.
  const body = "def f():\n    return 1\n".repeat(50);

  it("still settles a try whose handlers come after the last import", () => {
    const scan = scanSource(`try:\n    import a\nexcept ImportError:\n    a = None\n${body}`);
    expect(scan.statements).toEqual([expect.objectContaining({ module: "a", optional: true })]);
  });

  it("finds a main guard at the end, but not one inside a docstring", () => {
    expect(scanSource(`import a\n${body}if __name__ == "__main__":\n    f()\n`).mainGuard).toBe(true);
    const quoted = `import a\n${body}USAGE = """\nif __name__ == "__main__":\n    f()\n"""\n`;
    expect(scanSource(quoted).mainGuard).toBe(false);
  });

  it.each([
    [`import a\n${body}print "x"\n`, "python2"],
    [`import a\n${body}try:\n    pass\nexcept E, e:\n    pass\n`, "python2"],
    [`import sys\n${body}sys.path.insert(0, "lib")\n`, "sysPath"],
    [`import a\n${body}s = """never closed\n`, "problems"],
  ])("reads the rest when it may hold more: %#", (source, field) => {
    const scan = scanSource(source);
    if (field === "python2") expect(scan.python2).not.toBeNull();
    if (field === "sysPath") expect(scan.sysPath).toHaveLength(1);
    if (field === "problems") expect(scan.problems).toHaveLength(1);
  });
});

describe("scanSource: version guards", () => {
  function guards(source: string): Record<string, string | null> {
    return Object.fromEntries(
      scanSource(source).statements.map((s) => [
        s.module,
        s.versions === undefined ? null : maskToMarker(s.versions),
      ]),
    );
  }

  it("limits each branch of an if/elif/else chain to its versions", () => {
    const source = [
      "import sys",
      "if sys.version_info >= (3, 11):",
      "    import tomllib",
      "else:",
      "    import tomli as tomllib",
      "if sys.version_info[:2] < (3, 8):",
      "    import importlib_metadata",
      "elif sys.version_info < (3, 10):",
      "    import importlib_resources",
      "if six.PY2:",
      "    import urllib2",
      "if sys.version_info[0] == 2 and something:",
      "    import cPickle",
      "if is_linux():",
      "    import fcntl",
      "import after",
      "",
    ].join("\n");
    expect(guards(source)).toEqual({
      sys: null,
      tomllib: 'python_version >= "3.11"',
      tomli: 'python_version < "3.11"',
      importlib_metadata: 'python_version < "3.8"',
      importlib_resources: 'python_version >= "3.8" and python_version < "3.10"',
      urllib2: 'python_version < "3"',
      cPickle: 'python_version < "3"',
      fcntl: null,
      after: null,
    });
  });

  it("nests guards inside try bodies and functions", () => {
    const source =
      "def f():\n    if not PY3:\n        try:\n            import cStringIO\n        except ImportError:\n            pass\n";
    const [statement] = scanSource(source).statements;
    expect(statement?.optional).toBe(true);
    expect(maskToMarker(statement?.versions ?? 0)).toBe('python_version < "3"');
  });
});

describe("scanSource: sys.path insertions", () => {
  it("reads literal directories and how far above the file they climb", () => {
    const source = [
      "import os, sys",
      "sys.path.insert(0, os.path.abspath('..'))",
      "sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), 'src'))",
      "sys.path.append(str(Path(__file__).resolve().parents[1] / 'lib'))",
      "site.addsitedir('vendor')",
      "def fixture(monkeypatch):",
      "    monkeypatch.syspath_prepend(os.path.join(os.path.dirname(__file__), 'apps'))",
      "",
    ].join("\n");
    expect(scanSource(source).sysPath).toEqual([
      { line: 2, fromFile: false, up: 0, parts: [".."] },
      { line: 3, fromFile: true, up: 1, parts: ["src"] },
      { line: 4, fromFile: true, up: 1, parts: ["lib"] },
      { line: 5, fromFile: false, up: 0, parts: ["vendor"] },
      { line: 7, fromFile: true, up: 0, parts: ["apps"] },
    ]);
  });
});

describe.skipIf(!existsSync(python313))("scanImports against CPython 3.13 ast on tricky fixtures", () => {
  it("agrees on every fixture file", () => {
    const output = execFileSync(python313, [join(fixtures, "ast_imports.py"), syntaxDir], {
      encoding: "utf8",
    });
    const results = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { file: string; imports?: unknown[]; error?: string });
    expect(results.map((r) => r.file)).toContain("modern.py");
    for (const result of results) {
      expect(result.error, result.file).toBeUndefined();
      const actual = scanFixture(result.file).map((s) => [
        s.module,
        s.level,
        s.names,
        s.line,
        s.optional,
        s.typeOnly,
      ]);
      const key = (entry: unknown) => JSON.stringify(entry);
      expect(actual.map(key).sort(), result.file).toEqual((result.imports ?? []).map(key).sort());
    }
  });
});
