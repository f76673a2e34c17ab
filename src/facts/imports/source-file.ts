import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { isDhtlError } from "../../core/errors.js";
import { tryParseToml } from "../../formats/toml.js";
import { decodePythonSource } from "./encoding.js";
import { notebookCode } from "./notebook.js";
import { detach, type ImportStatement, type SourceScan, scanSource } from "./scanner.js";

/** Generated code can be big, but a multi-megabyte "source" file is data; scanning it tells nothing. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/** Notebooks carry their outputs (images, tables), so they may be larger. */
const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

/** What one file's code says, or the reason it could not be read. */
export type FileScan = ScannedFile | { file: string; problem: string };

export interface ScannedFile extends SourceScan {
  file: string;
  /** Files a notebook's cells write (`%%writefile x.py`), relative to the notebook's directory. */
  writes: string[];
  /** Extension modules a notebook builds in its directory (`!f2py -c -m name`). */
  builtModules: string[];
  /** An `__init__.py` that declares a pkgutil or pkg_resources namespace package. */
  namespaceInit: boolean;
  /** Runs as a script (`if __name__ == "__main__":`): its own directory is on its sys.path. */
  script: boolean;
  /** The dependencies a PEP 723 `# /// script` block declares: the file is a script with its own needs. */
  scriptDependencies?: string[];
  /**
   * Top-level names a file may import by a name computed at run time (`import_module(name)`): the
   * identifier-like string literals of that file. They make a declaration used, never undeclared.
   */
  dynamicNames?: string[];
}

/** Modules whose functions import by name: importlib.import_module, pytest.importorskip. */
const IMPORTS_BY_NAME = new Set(["importlib", "pytest"]);

/** `__path__ = extend_path(__path__, __name__)` or `declare_namespace(__name__)`. */
const NAMESPACE_INIT = /\bextend_path\s*\(|\bdeclare_namespace\s*\(/;

/** Reads, decodes and scans one `.py` or `.ipynb` file; unreadable, binary or undecodable files become a `problem`. */
export function scanFile(root: string, file: string): FileScan {
  let bytes: Buffer;
  try {
    // Synchronous reads: promise-based file handles cost several times more CPU per small file.
    // The size is checked before reading, so a stray multi-gigabyte file is never loaded.
    const fd = openSync(join(root, file), "r");
    try {
      const { size } = fstatSync(fd);
      const limit = file.endsWith(".ipynb") ? MAX_NOTEBOOK_BYTES : MAX_SOURCE_BYTES;
      if (size > limit) return { file, problem: `too large (${size} bytes)` };
      bytes = readSize(fd, size);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { file, problem: `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  return scanBytes(file, bytes);
}

/** The first `size` bytes of an open file (all of it, as fstat saw it): readFileSync would fstat it again. */
function readSize(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const read = readSync(fd, buffer, filled, size - filled, null);
    if (read === 0) break;
    filled += read;
  }
  return filled < size ? buffer.subarray(0, filled) : buffer;
}

/** Decodes and scans the content of `file` (a `.py` or `.ipynb` file's bytes). */
export function scanBytes(file: string, bytes: Buffer): FileScan {
  if (bytes.includes(0)) return { file, problem: "binary content (NUL bytes)" };
  try {
    const text = decodePythonSource(bytes);
    const notebook = file.endsWith(".ipynb") ? notebookCode(text, file) : null;
    const source = notebook ? notebook.source : text;
    const namespaceInit = file.endsWith("__init__.py") && NAMESPACE_INIT.test(source);
    // Searched without the `# `: `#` starts every comment, so a search led by it stops far more often.
    const scriptDependencies = source.includes("/// script") ? inlineScriptDependencies(source) : null;
    const scan = scanSource(source);
    const script = scan.mainGuard;
    // import_module and importorskip come with an import of importlib or pytest: only such files are searched.
    const dynamic = scan.statements.some((s) => IMPORTS_BY_NAME.has(topLevelOf(s.module)))
      ? dynamicImports(source)
      : null;
    if (dynamic) scan.statements.push(...dynamic.statements);
    return {
      file,
      ...scan,
      ...(dynamic?.names.length ? { dynamicNames: dynamic.names } : {}),
      writes: notebook?.writes ?? [],
      builtModules: notebook?.builtModules ?? [],
      namespaceInit,
      script,
      ...(scriptDependencies ? { scriptDependencies } : {}),
    };
  } catch (error) {
    if (isDhtlError(error)) return { file, problem: error.message };
    throw error;
  }
}

/** `a` of `a.b.c`, without splitting the name into an array (this is asked of every statement). */
function topLevelOf(module: string): string {
  const dot = module.indexOf(".");
  return dot < 0 ? module : module.slice(0, dot);
}

/**
 * The `dependencies` of a PEP 723 inline metadata block (`# /// script` … `# ///`), or null when the
 * block is absent or not valid TOML. https://peps.python.org/pep-0723/
 */
export function inlineScriptDependencies(source: string): string[] | null {
  const block = /^# \/\/\/ script\s*$((?:\n#(?: .*)?$)*?)\n# \/\/\/\s*$/m.exec(source);
  if (!block) return null;
  const toml = (block[1] as string)
    .split("\n")
    .slice(1)
    .map((line) => line.replace(/^# ?/, ""))
    .join("\n");
  const doc = tryParseToml(toml).doc;
  const dependencies = doc?.dependencies;
  return Array.isArray(dependencies) ? dependencies.filter((d): d is string => typeof d === "string") : null;
}

/**
 * Imports made by calling a function: `pytest.importorskip("numpy")`, `importlib.import_module("x.y")`,
 * `__import__("x")` with a literal name (in files importing importlib or pytest) become optional import statements; a call with a computed name
 * makes the file's identifier-like string literals possible imports (`import_module(package_name)` fed
 * from `@benchmark("mistune")`).
 */
function dynamicImports(source: string): { statements: ImportStatement[]; names: string[] } {
  const statements: ImportStatement[] = [];
  const call =
    /\b(?:importorskip|import_module|__import__)\(\s*(?:(?:modname|name)\s*=\s*)?(['"])([A-Za-z_][\w.]*)\1/g;
  for (const match of source.matchAll(call)) {
    statements.push({
      module: detach(match[2] as string),
      names: [],
      level: 0,
      line: lineAt(source, match.index ?? 0),
      optional: true,
      typeOnly: false,
    });
  }
  const names = new Set<string>();
  if (/\b(?:import_module|__import__)\(\s*[A-Za-z_]/.test(source)) {
    for (const match of source.matchAll(/(['"])([A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)*\1/g))
      names.add(detach(match[2] as string));
  }
  return { statements, names: [...names].sort() };
}

function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let at = source.indexOf("\n"); at >= 0 && at < offset; at = source.indexOf("\n", at + 1)) line++;
  return line;
}
