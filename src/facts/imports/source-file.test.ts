import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../../test/support/temp-dirs.js";
import { inlineScriptDependencies, scanFile } from "./source-file.js";

afterAll(removeTempDirs);

function scanText(name: string, text: string) {
  const root = tempDir();
  writeFileSync(join(root, name), text);
  const scan = scanFile(root, name);
  if ("problem" in scan) throw new Error(scan.problem);
  return scan;
}

describe("inlineScriptDependencies (PEP 723)", () => {
  it("reads the dependencies of a `# /// script` block", () => {
    const text =
      '#!/usr/bin/env -S uv run\n# /// script\n# requires-python = ">=3.12"\n# dependencies = [\n#   "ruamel.yaml",\n#   "httpx>=0.27",\n# ]\n# ///\nimport httpx\n';
    expect(inlineScriptDependencies(text)).toEqual(["ruamel.yaml", "httpx>=0.27"]);
    expect(scanText("tool.py", text).scriptDependencies).toEqual(["ruamel.yaml", "httpx>=0.27"]);
  });

  it("ignores a block that is not closed or not TOML", () => {
    expect(inlineScriptDependencies("# /// script\n# dependencies = [\n")).toBeNull();
    expect(inlineScriptDependencies("# /// script\n# dependencies = [oops\n# ///\n")).toBeNull();
  });
});

describe("imports made by calling a function", () => {
  it("reads importorskip and import_module with a literal name as optional imports", () => {
    const scan = scanText(
      "test_x.py",
      'import pytest\nnumpy = pytest.importorskip("numpy")\nfrom importlib import import_module\nyaml = import_module("yaml.cyaml")\n',
    );
    expect(scan.statements.filter((s) => s.optional).map((s) => [s.module, s.line])).toEqual([
      ["numpy", 2],
      ["yaml.cyaml", 4],
    ]);
  });

  it("makes the string literals of a file that imports computed names possible imports", () => {
    const scan = scanText(
      "bench.py",
      'from importlib import import_module\n\n@bench("mistune")\ndef run(name):\n    return import_module(name)\nrun("markdown_it")\nLABEL = "not an identifier!"\n',
    );
    expect(scan.dynamicNames).toEqual(["markdown_it", "mistune"]);
  });

  it("looks for none of this in files that import neither importlib nor pytest", () => {
    const scan = scanText("plain.py", "import os\nx = __import__\n");
    expect(scan.dynamicNames).toBeUndefined();
  });
});

describe("scripts", () => {
  it("notes a file that runs as a script", () => {
    expect(scanText("main.py", 'import sys\n\nif __name__ == "__main__":\n    sys.exit(0)\n').script).toBe(
      true,
    );
    expect(scanText("lib.py", 'def f():\n    if __name__ == "__main__":\n        pass\n').script).toBe(false);
  });
});
