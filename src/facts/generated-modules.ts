/**
 * Modules a project's notebooks write or build themselves: `%%file mymodule.py` / `%%writefile` cells (any
 * extension: `dprod.f` and `functions.c` become importable too) and `f2py -m name` builds. Code that imports
 * them imports the project's own output, never a distribution to fetch from PyPI under that name.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../core/compare.js";

/** Notebooks larger than this (mostly embedded images) are not searched. */
const MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024;

/** `%%file path` / `%%writefile -a path` at the start of a cell line, as it appears inside notebook JSON. */
const FILE_MAGIC = /"%%(?:file|writefile)(?:\s+-a)?\s+([^"\\\s]+)/g;
/** `f2py … -m name` in a shell line or cell (`!f2py -c -m hellofortran hellofortran.f`). */
const F2PY_MODULE = /f2py[^"\n]*?\s-m\s+([A-Za-z_][A-Za-z0-9_]*)/g;

/** Top-level module names the given notebooks (root-relative paths) create, sorted. */
export function notebookGeneratedModules(root: string, notebooks: string[]): string[] {
  const names = new Set<string>();
  for (const notebook of notebooks) {
    const text = readNotebook(join(root, notebook));
    for (const match of text.matchAll(FILE_MAGIC)) {
      const stem = match[1]!.split("/").pop()!.split(".")[0]!;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(stem)) names.add(stem);
    }
    for (const match of text.matchAll(F2PY_MODULE)) names.add(match[1]!);
  }
  return [...names].sort(compareText);
}

function readNotebook(path: string): string {
  try {
    if (statSync(path).size > MAX_NOTEBOOK_BYTES) return "";
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
