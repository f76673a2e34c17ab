import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodePythonSource, scanSource, scansAsWebAssembly } from "./scanner.js";

const repository = join(import.meta.dirname, "../../..");

/** Small sources taking each path of the scanner; each must give the JavaScript scanner's result. */
const CASES: Record<string, string> = {
  "imports in every context": [
    "import os, a.b as c",
    "from .. import (x,",
    "  y as z,)",
    "from m import *",
    "try:",
    "    import fast",
    "except (ImportError, OSError):",
    "    fast = None",
    "else:",
    "    import after",
    "finally:",
    "    pass",
    "",
  ].join("\n"),
  "guards and type checking": [
    "import sys",
    "if sys.version_info >= (3, 11):",
    "    import tomllib",
    "elif PY2:",
    "    import tomli",
    "else:",
    "    import toml",
    "if TYPE_CHECKING:",
    "    from x import Y",
    "if 'trio' in sys.modules:",
    "    import trio",
    "",
  ].join("\n"),
  "suppress, same-line bodies, semicolons": [
    "with suppress(ImportError):",
    "    import a",
    "try: import b",
    "except ImportError: import c",
    "x = 1; import d; from e import f",
    "if x: import g",
    "",
  ].join("\n"),
  "Python 2 and sys.path": [
    "print 'x'",
    "exec code in ns",
    "try:",
    "    pass",
    "except Error, e:",
    "    pass",
    "sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'src'))",
    "site.addsitedir('lib')",
    "import late",
    "",
  ].join("\n"),
  "strings, f-strings, lambdas and walruses": [
    `x = f"{a['k']!r:>{width}} {{literal}}"`,
    'y = """',
    "import not_real",
    '"""',
    "if (n := len(x)) > 1:",
    "    import walrus",
    "def f(a=lambda: 1) -> int:",
    "    import inner",
    'z = rb"\\"" # comment with import',
    "",
  ].join("\n"),
  "broken code": [
    "import a",
    "x = (1,",
    "def f():",
    "    import b",
    "y = '''never closed",
    "import c",
    "",
  ].join("\n"),
  "a main guard after the last import": [
    "import os",
    "",
    "def main():",
    "    pass",
    "",
    "if __name__ == '__main__':",
    "    main()",
    "",
  ].join("\n"),
  "tabs, form feeds, continuations": [
    "if x:",
    "\tif y:",
    "\t\timport a",
    "\fimport b",
    "from c \\",
    "  import d",
    "",
  ].join("\n"),
};

describe("scanning as the JavaScript scanner does, case by case", () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      const found = scanSource(text);
      expect(found).toEqual(scanSource(text, { engine: "js" }));
      // Each case finds something: the comparison is never between two empty results.
      expect(found.statements.length + found.problems.length).toBeGreaterThan(0);
    });
  }
});

/** Every `.py` file of the repository's fixtures and examples, and variants of them with damage inserted. */
function sources(): { name: string; text: string }[] {
  const found: { name: string; text: string }[] = [];
  for (const dir of ["test/fixtures", "examples"]) {
    for (const entry of readdirSync(join(repository, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".py")) continue;
      const path = join(entry.parentPath, entry.name);
      found.push({ name: path, text: decodePythonSource(readFileSync(path)) });
    }
  }
  return found;
}

const DAMAGE = [
  "'",
  '"""',
  "(",
  ")",
  "]",
  "{",
  "#",
  "\\",
  "\\\n",
  ":",
  ";",
  "\t",
  "\f",
  "\n",
  "f'{",
  "lambda:",
];

/** A deterministic pseudo-random sequence, so a failing variant is the same on every run. */
function randomSequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe("the WebAssembly import scanner", () => {
  it("is what scans here (so the comparisons below compare two scanners)", () => {
    expect(scansAsWebAssembly()).toBe(true);
  });

  it("finds exactly the same in every fixture and in damaged copies of them", () => {
    const random = randomSequence(11);
    let compared = 0;
    for (const { name, text } of sources()) {
      expect(scanSource(text), name).toEqual(scanSource(text, { engine: "js" }));
      compared++;
      for (let variant = 0; variant < 3; variant++) {
        let damaged = text;
        for (let edit = 0; edit < 4; edit++) {
          const at = Math.floor(random() * (damaged.length + 1));
          const piece = DAMAGE[Math.floor(random() * DAMAGE.length)] as string;
          damaged = damaged.slice(0, at) + piece + damaged.slice(at);
        }
        expect(scanSource(damaged), `${name}, variant ${variant}`).toEqual(
          scanSource(damaged, { engine: "js" }),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });

  it("uses a module generated from the current wasm/import-scanner.ts", () => {
    // Exits 1 when src/facts/imports/import-scanner-wasm.ts is not what the source compiles to.
    execFileSync(process.execPath, [join(repository, "scripts/build-import-scanner.mjs"), "--check"], {
      stdio: "pipe",
    });
  });
});
