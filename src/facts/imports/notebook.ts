import { DhtlError } from "../../core/errors.js";

/** Cell magics whose body is still Python (`%%time` runs the cell); other cell magics hold shell, SQL, HTML … */
const PYTHON_CELL_MAGICS = new Set(["time", "timeit", "capture", "prun", "debug"]);

interface NotebookCell {
  cell_type?: unknown;
  source?: unknown;
  /** nbformat 3 kept code in `input`. */
  input?: unknown;
}

/** What a notebook's code says: its Python, and the files its cells write (`%%writefile helpers.py`). */
export interface NotebookCode {
  source: string;
  /** Paths as written in `%%writefile`/`%%file`, relative to the notebook's directory. */
  writes: string[];
  /** Extension modules the notebook builds in its directory (`!f2py -c -m name …`). */
  builtModules: string[];
}

/**
 * The Python code of a Jupyter notebook: code cells joined by newlines, markdown and raw cells ignored.
 * IPython-only lines (`%magic`, `!shell`, `%%cell` magics) are blanked rather than removed, so line
 * counts inside a cell stay stable. Throws DhtlError("badInput") when the file is not notebook JSON.
 */
export function notebookSource(jsonText: string, file: string): string {
  return notebookCode(jsonText, file).source;
}

/**
 * Like notebookSource, and magics that load a library become its import: `%matplotlib inline` imports
 * matplotlib, `%load_ext sql` imports sql, `%%cython` imports Cython; the body of `%%writefile x.py`
 * is kept as Python and the file it writes is reported, so `import x` is the notebook's own module.
 */
export function notebookCode(jsonText: string, file: string): NotebookCode {
  let notebook: unknown;
  try {
    notebook = JSON.parse(jsonText);
  } catch (error) {
    throw new DhtlError("badInput", `not valid notebook JSON: ${(error as Error).message}`, {
      file,
      hint: "open it in Jupyter and save it again, or add it to .gitignore",
    });
  }
  const writes: string[] = [];
  const cells = codeCells(notebook, file);
  const source = cells.map((cell) => pythonOfCell(cell, writes)).join("\n");
  return { source, writes, builtModules: builtModules(cells) };
}

function codeCells(notebook: unknown, file: string): string[] {
  if (typeof notebook !== "object" || notebook === null) {
    throw new DhtlError("badInput", "not a notebook: expected a JSON object", { file });
  }
  const record = notebook as { cells?: unknown; worksheets?: unknown };
  const cells: unknown[] = [];
  if (Array.isArray(record.cells)) cells.push(...record.cells);
  if (Array.isArray(record.worksheets)) {
    for (const sheet of record.worksheets) {
      const sheetCells = (sheet as { cells?: unknown } | null)?.cells;
      if (Array.isArray(sheetCells)) cells.push(...sheetCells);
    }
  }
  const sources: string[] = [];
  for (const cell of cells) {
    if (typeof cell !== "object" || cell === null) continue;
    const { cell_type, source, input } = cell as NotebookCell;
    if (cell_type !== "code") continue;
    const text = cellText(source ?? input);
    if (text !== null) sources.push(text);
  }
  return sources;
}

/** nbformat stores source as one string or as a list of lines (each keeping its `\n`). */
function cellText(source: unknown): string | null {
  if (typeof source === "string") return source;
  if (Array.isArray(source) && source.every((line) => typeof line === "string")) return source.join("");
  return null;
}

function pythonOfCell(cell: string, writes: string[]): string {
  const lines = cell.split(/\r\n?|\n/);
  const first = lines[0]?.trimStart() ?? "";
  if (first.startsWith("%%")) {
    const magic = /^%%(\w+)/.exec(first)?.[1] ?? "";
    const written = magic === "writefile" || magic === "file" ? writtenPath(first) : null;
    if (written !== null) {
      writes.push(written);
      // Only a Python file's body is Python.
      if (!written.endsWith(".py")) return lines.map(() => "").join("\n");
    } else if (magic === "cython") {
      return ["import Cython", ...lines.slice(1).map(() => "")].join("\n");
    } else if (!PYTHON_CELL_MAGICS.has(magic)) {
      return lines.map(() => "").join("\n");
    }
    lines[0] = "";
  }
  return lines.map((line) => (isIPythonLine(line) ? magicImport(line) : line)).join("\n");
}

/** `%%writefile -a helpers.py` → `helpers.py`; null when no path is given. */
function writtenPath(line: string): string | null {
  const words = line
    .split(/\s+/)
    .slice(1)
    .filter((word) => !word.startsWith("-"));
  const path = words[0]?.replace(/^['"]|['"]$/g, "");
  return path ? path : null;
}

/**
 * IPython's own extensions, loaded from IPython.extensions by their short name (cythonmagic, rmagic,
 * octavemagic and sympyprinting shipped with IPython before 2.0).
 */
const IPYTHON_EXTENSIONS = new Set([
  "autoreload",
  "storemagic",
  "cythonmagic",
  "rmagic",
  "octavemagic",
  "sympyprinting",
]);

/** `!f2py -c -m name src.f` and `!f2py -c name.pyf src.f` build the extension module `name` in place. */
function builtModules(cells: readonly string[]): string[] {
  const found = new Set<string>();
  for (const cell of cells) {
    for (const line of cell.split(/\r\n?|\n/)) {
      const command = /^\s*!\s*f2py\b(.*)$/.exec(line)?.[1];
      if (command === undefined || !/(^|\s)-c(\s|$)/.test(command)) continue;
      const named =
        /(?:^|\s)-m\s+([A-Za-z_]\w*)/.exec(command)?.[1] ??
        /(?:^|\s)([A-Za-z_]\w*)\.pyf(?:\s|$)/.exec(command)?.[1];
      if (named) found.add(named);
    }
  }
  return [...found].sort();
}

/** The import a line magic implies (an indented line stays indented), or "" for any other IPython line. */
function magicImport(line: string): string {
  const indent = /^\s*/.exec(line)?.[0] ?? "";
  const match = /^%(\w+)\s*(.*)$/.exec(line.trim());
  if (!match) return "";
  const [, magic, rest = ""] = match;
  if (magic === "matplotlib") return `${indent}import matplotlib`;
  if (magic === "pylab") return `${indent}import matplotlib, numpy`;
  if (magic === "load_ext" || magic === "reload_ext") {
    const extension = rest.split(/\s+/)[0] ?? "";
    if (!/^[A-Za-z_][\w.]*$/.test(extension)) return "";
    return `${indent}import ${IPYTHON_EXTENSIONS.has(extension) ? "IPython" : extension}`;
  }
  return "";
}

/** `%matplotlib inline`, `!pip install x`, `?obj`: lines no Python parser accepts. */
function isIPythonLine(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed.startsWith("%") || trimmed.startsWith("!") || trimmed.startsWith("?");
}
