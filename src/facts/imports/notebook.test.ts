import { describe, expect, it } from "vitest";
import { DhtlError } from "../../core/errors.js";
import { notebookCode, notebookSource } from "./notebook.js";
import { scanImports } from "./scanner.js";

function notebook(cells: { cell_type: string; source: string | string[] }[]): string {
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
}

describe("notebookSource", () => {
  it("keeps code cells, drops markdown, blanks shell lines, turns library magics into imports", () => {
    const text = notebook([
      { cell_type: "markdown", source: ["# Title\n", "import not_code\n"] },
      { cell_type: "code", source: ["%matplotlib inline\n", "import pandas as pd\n", "!pip install 'x'\n"] },
      { cell_type: "code", source: "%%bash\nimport fake_in_shell\n" },
      { cell_type: "code", source: "%%time\nfrom sklearn import svm\n" },
      { cell_type: "raw", source: "import raw_cell" },
      { cell_type: "code", source: ["  %load_ext autoreload\n", "x = 1\n", "?x\n", "import numpy"] },
    ]);
    const source = notebookSource(text, "nb.ipynb");
    expect(scanImports(source).map((s) => s.module)).toEqual([
      "matplotlib",
      "pandas",
      "sklearn",
      "IPython",
      "numpy",
    ]);
    // Blanked rather than removed: each cell keeps its line count.
    expect(source.split("\n").slice(0, 4)).toEqual(["import matplotlib", "import pandas as pd", "", ""]);
  });

  it("reads nbformat 3 worksheets", () => {
    const text = JSON.stringify({
      worksheets: [{ cells: [{ cell_type: "code", input: ["import scipy\n"] }] }],
    });
    expect(scanImports(notebookSource(text, "old.ipynb")).map((s) => s.module)).toEqual(["scipy"]);
  });

  it("throws a badInput DhtlError naming the file for malformed JSON", () => {
    try {
      notebookSource('{"cells": [', "broken.ipynb");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DhtlError);
      expect((error as DhtlError).code).toBe("badInput");
      expect((error as DhtlError).file).toBe("broken.ipynb");
    }
  });
});

describe("notebookCode: magics that load libraries or write modules", () => {
  it("imports what %matplotlib, %pylab, %load_ext and %%cython load", () => {
    const text = notebook([
      { cell_type: "code", source: ["%load_ext sql\n", "%reload_ext dotenv\n", "%load_ext rpy2.ipython\n"] },
      { cell_type: "code", source: "%pylab inline\n" },
      { cell_type: "code", source: "%%cython\ncdef int x = 1\n" },
      { cell_type: "code", source: "%load_ext $bad\n" },
    ]);
    const { source } = notebookCode(text, "nb.ipynb");
    expect(scanImports(source).map((s) => s.module)).toEqual([
      "sql",
      "dotenv",
      "rpy2.ipython",
      "matplotlib",
      "numpy",
      "Cython",
    ]);
  });

  it("keeps the Python body of %%writefile and reports the file it writes", () => {
    const text = notebook([
      { cell_type: "code", source: "%%writefile helpers.py\nimport requests\ndef f(): pass\n" },
      { cell_type: "code", source: "%%file -a data/notes.txt\nimport not_python\n" },
      { cell_type: "code", source: "import helpers\n" },
    ]);
    const { source, writes } = notebookCode(text, "nb.ipynb");
    expect(writes).toEqual(["helpers.py", "data/notes.txt"]);
    expect(scanImports(source).map((s) => s.module)).toEqual(["requests", "helpers"]);
  });
});

describe("notebookCode: modules a notebook builds itself", () => {
  it("reports f2py builds and old IPython extensions", () => {
    const text = notebook([
      { cell_type: "code", source: "%%file dprod.f\n      subroutine dprod(x, y, n)\n" },
      {
        cell_type: "code",
        source: "!f2py -c -m hellofortran hellofortran.f\n!f2py -c dprod.pyf dprod.f\n!f2py -h sig.pyf x.f\n",
      },
      { cell_type: "code", source: "%load_ext cythonmagic\nimport dprod\n" },
    ]);
    const code = notebookCode(text, "nb.ipynb");
    expect(code.builtModules).toEqual(["dprod", "hellofortran"]);
    expect(scanImports(code.source).map((s) => s.module)).toEqual(["IPython", "dprod"]);
  });
});
