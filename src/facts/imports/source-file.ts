import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDhtlError } from "../../core/errors.js";
import { decodePythonSource } from "./encoding.js";
import { notebookCode } from "./notebook.js";
import { type SourceScan, scanSource } from "./scanner.js";

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
  /** An `__init__.py` that declares a pkgutil or pkg_resources namespace package. */
  namespaceInit: boolean;
}

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
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { file, problem: `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  if (bytes.includes(0)) return { file, problem: "binary content (NUL bytes)" };
  try {
    const text = decodePythonSource(bytes);
    const notebook = file.endsWith(".ipynb") ? notebookCode(text, file) : null;
    const source = notebook ? notebook.source : text;
    const namespaceInit = file.endsWith("__init__.py") && NAMESPACE_INIT.test(source);
    return { file, ...scanSource(source), writes: notebook?.writes ?? [], namespaceInit };
  } catch (error) {
    if (isDhtlError(error)) return { file, problem: error.message };
    throw error;
  }
}
