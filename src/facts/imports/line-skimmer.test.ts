import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineSkimmer } from "./line-skimmer.js";
import { decodePythonSource, scanSource } from "./scanner.js";

const repository = join(import.meta.dirname, "../../..");

/** The skimmer with `text` loaded; every test needs WebAssembly, which Node 20+ always has. */
function loaded(text: string) {
  const skimmer = lineSkimmer();
  if (skimmer === null) throw new Error("no line skimmer: WebAssembly unavailable or DHTL_SCAN_WASM=0");
  skimmer.load(text);
  return skimmer;
}

function skimFrom(text: string, start = 0, stopAt = Number.POSITIVE_INFINITY, tryFloor = -1) {
  const skimmer = loaded(text);
  const resume = skimmer.skim(start, stopAt, tryFloor);
  return { resume, rest: text.slice(resume), minIndent: skimmer.minIndent() };
}

describe("the line skimmer", () => {
  it("passes plain lines and skipped headers, and stops at the first line the scanner reads", () => {
    const text = "x = 1\n    y = (2,\n  3)\ndef f(a=lambda: 1):  # note\n  pass\nimport os\n";
    const { rest, minIndent } = skimFrom(text);
    expect(rest).toBe("import os\n");
    expect(minIndent).toBe(0);
  });

  it("reports the lowest indentation it passed, tabs counted to multiples of 8", () => {
    const { rest, minIndent } = skimFrom("        a = 1\n\t  b = 2\n            c = 3\ntry:\n");
    expect(rest).toBe("try:\n");
    expect(minIndent).toBe(8);
  });

  it("hands back what the scanner must read: clauses, Python 2 statements, `;`, f-strings, bodies on the header line", () => {
    for (const line of [
      "try:",
      "except ImportError:",
      "else:",
      "finally:",
      "elif x:",
      "from a import b",
      "print 'x'",
      "exec code",
      "sys.path.insert(0, 'a')",
      "site.addsitedir('a')",
      "monkeypatch.syspath_prepend('a')",
      "a = 1; import b",
      "x = f'{y}'",
      "def f(): import x",
      "if x: import y",
    ]) {
      expect(skimFrom(`${line}\nz = 2\n`).resume, line).toBe(0);
    }
  });

  it("passes an `if` or `with` that guards nothing, and hands back one that may", () => {
    expect(skimFrom("if x > 1:\n  y = 2\nwith open(p) as f:\n  pass\n").rest).toBe("");
    for (const header of [
      "if sys.version_info >= (3, 8):",
      "if TYPE_CHECKING:",
      "if PY2:",
      "if 'trio' in sys.modules:",
      'if __name__ == "__main__":',
      "with suppress(ImportError):",
    ]) {
      expect(skimFrom(`${header}\n  y = 2\n`).resume, header).toBe(0);
    }
  });

  it("hands back a line whose bracket may never close, and a string that runs to the end", () => {
    expect(skimFrom("x = (1,\ndef f():\n  pass\n").resume).toBe(0);
    expect(skimFrom("x = 1\ny = '''never closed\n").rest).toBe("y = '''never closed\n");
  });

  it("stops at `stopAt` once no try is open, and goes on while one is", () => {
    const text = "    a = 1\nb = 2\nc = 3\n";
    expect(skimFrom(text, 0, 5).rest).toBe("b = 2\nc = 3\n");
    // A try opened at indentation 2 stays open over `a = 1` and is closed by `b = 2`: the stop comes after.
    expect(skimFrom(text, 0, 5, 2).rest).toBe("c = 3\n");
  });
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

describe("scanning with and without the line skimmer", () => {
  it("finds exactly the same in every fixture and in damaged copies of them", () => {
    const random = randomSequence(11);
    let compared = 0;
    for (const { name, text } of sources()) {
      expect(scanSource(text), name).toEqual(scanSource(text, { skim: false }));
      compared++;
      for (let variant = 0; variant < 3; variant++) {
        let damaged = text;
        for (let edit = 0; edit < 4; edit++) {
          const at = Math.floor(random() * (damaged.length + 1));
          const piece = DAMAGE[Math.floor(random() * DAMAGE.length)] as string;
          damaged = damaged.slice(0, at) + piece + damaged.slice(at);
        }
        expect(scanSource(damaged), `${name}, variant ${variant}`).toEqual(
          scanSource(damaged, { skim: false }),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });

  it("uses a WebAssembly module generated from the current wasm/line-skimmer.ts", () => {
    // Exits 1 when src/facts/imports/line-skimmer-wasm.ts is not what the source compiles to.
    execFileSync(process.execPath, [join(repository, "scripts/build-line-skimmer.mjs"), "--check"], {
      stdio: "pipe",
    });
  });
});
