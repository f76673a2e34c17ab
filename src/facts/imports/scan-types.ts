import type { VersionMask } from "./python-versions.js";

/** One `import` / `from … import` found in Python source, as CPython's `ast` would see it. */
export interface ImportStatement {
  /** Dotted module path; "" for `from . import x`. */
  module: string;
  /** Names after `from … import` (`*` included); empty for plain `import`. */
  names: string[];
  /** Number of leading dots of a relative import; 0 when absolute. */
  level: number;
  /** 1-based line of the `import` / `from` keyword. */
  line: number;
  /** Inside a `try:` body whose handlers catch ImportError (or everything), or `with suppress(ImportError):`. */
  optional: boolean;
  /** Inside an `if TYPE_CHECKING:` body. */
  typeOnly: boolean;
  /**
   * The Python versions under which the statement can run, when a version guard restricts them
   * (`if sys.version_info >= (3, 11):` → 3.11 and later); absent when it runs everywhere.
   */
  versions?: VersionMask;
}

/** Everything one pass over a source file finds: imports, Python 2 syntax, `sys.path` changes, problems. */
export interface SourceScan {
  statements: ImportStatement[];
  /** The first Python-2-only statement (`print "x"`, `except E, e:`), or null. */
  python2: { line: number; evidence: string } | null;
  /** Directories the file adds to `sys.path` with literal paths. */
  sysPath: SysPathEntry[];
  /** Places where the code is broken and the scan resumed: each may hide imports. */
  problems: { line: number; message: string }[];
  /** A top-level `if __name__ == "__main__":`: the file runs as a script. */
  mainGuard: boolean;
}

/** What a scan gives as a file's Python 2 evidence (`SourceScan.python2`), by the statement found. */
export const PYTHON2_EVIDENCE = {
  print: "`print` statement",
  exec: "`exec` statement",
  exceptComma: "`except E, name:`",
} as const;

/**
 * A literal `sys.path.insert(0, …)` / `sys.path.append(…)` / `site.addsitedir(…)`: the path parts found
 * (`"..", "src"`), and how many levels above the file's own directory the expression climbs when it starts
 * from `__file__` (`dirname(dirname(__file__))` → 1); `fromFile` false means relative to the working directory.
 */
export interface SysPathEntry {
  line: number;
  fromFile: boolean;
  up: number;
  parts: string[];
}
