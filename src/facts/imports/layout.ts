/**
 * Where the project's own modules are, and which directories Python 3 would import them from.
 *
 * A top-level name is local only when it resolves from an import root that applies to the importing file,
 * the way Python 3 finds it, never because a same-named file exists somewhere:
 * - everywhere: the project root, `src/`, nested projects (workspace members) and their `src/`, and roots
 *   the configuration names (pytest `pythonpath`, `package_dir`, literal `sys.path` insertions);
 * - below it: a directory of scripts (`.py` files outside any package: the script's directory is
 *   `sys.path[0]`, and pytest inserts the first directory above a test that is not a package), and the
 *   directory of a notebook (its kernel's working directory);
 * - for a Python 2 file: its own package (implicit relative imports); for a file with an
 *   `if __name__ == "__main__":` block, run as a script even inside a package: its own directory.
 * Inside a namespace package (PEP 420 directory without `__init__.py`, or a pkgutil/pkg_resources style
 * `__init__.py`) only the portions present locally are local: `acme.widgets` may be local while
 * `acme.core` comes from a distribution.
 */

type EntryKind = "module" | "package" | "namespace";

/** What one import statement resolves to: local, or the external names it needs (`acme.core`). */
export type Resolution = { local: true } | { local: false; units: string[] };

export interface LayoutOptions {
  /** Directories whose `__init__.py` declares a pkgutil/pkg_resources namespace. */
  namespaceInits?: Iterable<string>;
  /** Directories that are import roots for every file (nested projects, configuration, `sys.path`). */
  globalRoots?: Iterable<string>;
  /** Directories that are import roots for the files below them (notebook directories). */
  scopedRoots?: Iterable<string>;
  /** Modules created by the project at run time (`%%writefile foo.py`), by the directory they land in. */
  writtenModules?: Iterable<string>;
  /**
   * Dotted module paths the project imports absolutely (`config.settings.celery`): a directory without
   * `__init__.py` that they reach from a global root is a namespace package, not a directory of scripts.
   */
  importedModules?: Iterable<string>;
}

export class ModuleLayout {
  /** Directory ("" for the root) → name → what it is there. */
  private readonly entries = new Map<string, Map<string, EntryKind>>();
  private readonly packageDirs = new Set<string>();
  private readonly files: Set<string>;
  private readonly namespaceInits: Set<string>;
  private readonly globalRoots: string[];
  private readonly scopedRoots = new Set<string>();
  private readonly rootsByFile = new Map<string, string[]>();
  /** One array per distinct list of roots, so lookups can be remembered per list rather than per file. */
  private readonly internedRoots = new Map<string, string[]>();
  private readonly located = new Map<string[], Map<string, string[]>>();
  /** Name → the first path (sorted) where a module or package of that name sits, at any depth. */
  private readonly anywhere = new Map<string, string>();

  constructor(pythonFiles: readonly string[], options: LayoutOptions = {}) {
    this.namespaceInits = new Set(options.namespaceInits ?? []);
    this.files = new Set(pythonFiles);
    const directories = new Set<string>();
    for (const file of [...pythonFiles, ...(options.writtenModules ?? [])]) {
      const parts = file.split("/");
      const directory = parts.slice(0, -1).join("/");
      const stem = (parts[parts.length - 1] as string).replace(/\.py$/, "");
      if (stem === "__init__") this.packageDirs.add(directory);
      else this.add(directory, stem, "module");
      directories.add(directory);
      // Every ancestor directory holds a (possibly namespace) package leading to this file.
      for (let depth = 1; depth < parts.length; depth++) {
        this.add(parts.slice(0, depth - 1).join("/"), parts[depth - 1] as string, "namespace");
      }
    }
    this.globalRoots = [...new Set(["", "src", ...(options.globalRoots ?? [])])];
    const importedPaths = new Set<string>();
    for (const module of options.importedModules ?? []) {
      const parts = module.split(".");
      for (let length = 1; length <= parts.length; length++)
        importedPaths.add(parts.slice(0, length).join("/"));
    }
    const importedAsPackage = (directory: string) =>
      this.globalRoots.some((root) =>
        root === ""
          ? importedPaths.has(directory)
          : directory.startsWith(`${root}/`) && importedPaths.has(directory.slice(root.length + 1)),
      );
    for (const directory of directories) {
      if (!this.packageDirs.has(directory) && !(directory !== "" && importedAsPackage(directory)))
        this.scopedRoots.add(directory);
    }
    for (const [directory, names] of [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const name of names.keys()) {
        // Only what Python could import somewhere: a module file or a regular package, not a folder.
        const kind = this.kindOf(directory, name);
        const path = directory === "" ? name : `${directory}/${name}`;
        if (kind === "module" && !this.anywhere.has(name)) this.anywhere.set(name, `${path}.py`);
        if (kind === "package" && !this.anywhere.has(name)) this.anywhere.set(name, `${path}/`);
      }
    }
    for (const directory of options.scopedRoots ?? []) this.scopedRoots.add(directory);
  }

  private add(directory: string, name: string, kind: EntryKind): void {
    let names = this.entries.get(directory);
    if (!names) {
      names = new Map();
      this.entries.set(directory, names);
    }
    // A module file beats a namespace portion of the same name; packages are settled in kindOf.
    if (names.get(name) !== "module") names.set(name, kind);
  }

  /** What `name` is inside `directory`: a regular package beats a module, which beats a namespace portion. */
  private kindOf(directory: string, name: string): EntryKind | null {
    const kind = this.entries.get(directory)?.get(name);
    if (kind === undefined) return null;
    const path = directory === "" ? name : `${directory}/${name}`;
    if (this.packageDirs.has(path) && !this.namespaceInits.has(path)) return "package";
    if (kind === "module") return "module";
    return "namespace";
  }

  /** The import roots that apply to `file`, most general first; its own directory too when it runs as a script. */
  private rootsFor(file: string, ownDirectory: boolean): string[] {
    const key = ownDirectory ? `own:${file}` : file;
    const cached = this.rootsByFile.get(key);
    if (cached) return cached;
    const roots = [...this.globalRoots];
    const parts = file.split("/");
    for (let depth = 0; depth < parts.length; depth++) {
      const directory = parts.slice(0, depth).join("/");
      if (this.scopedRoots.has(directory) && !roots.includes(directory)) roots.push(directory);
    }
    const own = parts.slice(0, -1).join("/");
    if (ownDirectory && !roots.includes(own)) roots.push(own);
    const id = roots.join("\0");
    const interned = this.internedRoots.get(id) ?? roots;
    this.internedRoots.set(id, interned);
    this.rootsByFile.set(key, interned);
    return interned;
  }

  /**
   * Resolves `import module` (or `from module import names`) in `file`. Names imported from a namespace
   * package that is only partly local are resolved one level deeper, each on its own. `ownDirectory`: the
   * file's directory is on its path (a Python 2 file's implicit relative imports, a script run directly).
   */
  resolve(file: string, module: string, names: readonly string[] = [], ownDirectory = false): Resolution {
    const parts = module.split(".");
    let directories = this.rootsFor(file, ownDirectory);
    for (let index = 0; index < parts.length; index++) {
      const found = this.lookup(directories, parts[index] as string);
      if (found === "regular") return { local: true };
      if (found.length === 0) return { local: false, units: [parts.slice(0, index + 1).join(".")] };
      directories = found;
    }
    // The whole module is a local namespace package: each imported name decides for itself.
    const units: string[] = [];
    for (const name of names) {
      if (name === "*") continue;
      if (this.lookup(directories, name) === "regular") continue;
      if (this.lookup(directories, name).length === 0) units.push(`${module}.${name}`);
    }
    return units.length > 0 ? { local: false, units } : { local: true };
  }

  /** "regular" when some directory holds `name` as a package or module, else the namespace portions found. */
  private lookup(directories: readonly string[], name: string): "regular" | string[] {
    const portions: string[] = [];
    for (const directory of directories) {
      const kind = this.kindOf(directory, name);
      if (kind === "package" || kind === "module") return "regular";
      if (kind === "namespace") portions.push(directory === "" ? name : `${directory}/${name}`);
    }
    return portions;
  }

  /** The file of the module at `path` (`pkg/mod` → `pkg/mod.py` or `pkg/mod/__init__.py`), as a list of at most one. */
  fileAt(path: string): string[] {
    if (this.files.has(`${path}.py`)) return [`${path}.py`];
    if (this.files.has(`${path}/__init__.py`)) return [`${path}/__init__.py`];
    return [];
  }

  /** The project file an absolute import of `module` in `file` loads, as a list of at most one. */
  locate(file: string, module: string, ownDirectory = false): string[] {
    const roots = this.rootsFor(file, ownDirectory);
    let known = this.located.get(roots);
    if (!known) {
      known = new Map();
      this.located.set(roots, known);
    }
    const remembered = known.get(module);
    if (remembered) return remembered;
    const path = module.replace(/\./g, "/");
    let found: string[] = [];
    for (const root of roots) {
      found = this.fileAt(root === "" ? path : `${root}/${path}`);
      if (found.length > 0) break;
    }
    known.set(module, found);
    return found;
  }

  /** Where a module or package named `name` sits in the project, at any depth; null when nowhere. */
  findAnywhere(name: string): string | null {
    return this.anywhere.get(name) ?? null;
  }
}
