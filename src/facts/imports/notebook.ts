import { DhtlError } from "../../core/errors.js";

/** Cell magics whose body is still Python (`%%time` runs the cell); other cell magics hold shell, SQL, HTML … */
const PYTHON_CELL_MAGICS = new Set(["time", "timeit", "capture", "prun", "debug"]);

interface NotebookCell {
  cell_type?: unknown;
  source?: unknown;
  /** nbformat 3 kept code in `input`. */
  input?: unknown;
}

/**
 * The Python code of a Jupyter notebook: code cells joined by newlines, markdown and raw cells ignored.
 * IPython-only lines (`%magic`, `!shell`, `%%cell` magics) are blanked rather than removed, so line
 * counts inside a cell stay stable. Throws DhtlError("badInput") when the file is not notebook JSON.
 */
export function notebookSource(jsonText: string, file: string): string {
  let notebook: unknown;
  try {
    notebook = JSON.parse(jsonText);
  } catch (error) {
    throw new DhtlError("badInput", `not valid notebook JSON: ${(error as Error).message}`, {
      file,
      hint: "open it in Jupyter and save it again, or add it to .gitignore",
    });
  }
  return codeCells(notebook, file).map(pythonOfCell).join("\n");
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

function pythonOfCell(cell: string): string {
  const lines = cell.split(/\r\n?|\n/);
  const first = lines[0]?.trimStart() ?? "";
  if (first.startsWith("%%")) {
    const magic = /^%%(\w+)/.exec(first)?.[1] ?? "";
    if (!PYTHON_CELL_MAGICS.has(magic)) return lines.map(() => "").join("\n");
    lines[0] = "";
  }
  return lines.map((line) => (isIPythonLine(line) ? "" : line)).join("\n");
}

/** `%matplotlib inline`, `!pip install x`, `?obj`: lines no Python parser accepts. */
function isIPythonLine(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed.startsWith("%") || trimmed.startsWith("!") || trimmed.startsWith("?");
}
