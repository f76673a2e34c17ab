import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { notebookGeneratedModules } from "./generated-modules.js";

const root = mkdtempSync(join(tmpdir(), "dhtl-generated-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function notebook(name: string, cells: string[][]): string {
  const json = {
    cells: cells.map((source) => ({ cell_type: "code", metadata: {}, outputs: [], source })),
    nbformat: 4,
    nbformat_minor: 4,
  };
  writeFileSync(join(root, name), JSON.stringify(json, null, 1));
  return name;
}

describe("notebookGeneratedModules", () => {
  it("scientific-python-lectures: %%file cells of any extension and f2py -m builds are the project's modules", () => {
    const lecture = notebook("Lecture-6A-Fortran-and-C.ipynb", [
      ["%%file dprod.f\n", "      SUBROUTINE DPROD(X, Y, N)\n"],
      ["!f2py -c -m hellofortran hellofortran.f"],
      ["%%writefile -a functions.py\n", "def f(): pass\n"],
      ["%%file cy_dcumsum.pyx\n", "cimport numpy\n"],
      ["import dprod, functions"],
    ]);
    const intro = notebook("Lecture-1.ipynb", [
      ["%%file mymodule.py\n", "def hello(): pass\n"],
      ["import numpy"],
    ]);
    expect(notebookGeneratedModules(root, [lecture, intro, "missing.ipynb"])).toEqual([
      "cy_dcumsum",
      "dprod",
      "functions",
      "hellofortran",
      "mymodule",
    ]);
  });
});
