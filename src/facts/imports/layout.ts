/** Where the project's own modules are, from the paths of its Python files. */
export class ModuleLayout {
  /** Directory ("" for the root) → module names it holds: `x.py` files and directories with Python files. */
  private readonly modulesByDirectory = new Map<string, Set<string>>();

  constructor(pythonFiles: readonly string[]) {
    for (const file of pythonFiles) {
      const parts = file.split("/");
      const stem = (parts[parts.length - 1] as string).replace(/\.py$/, "");
      this.add(parts.slice(0, -1).join("/"), stem);
      // Every ancestor directory holds a (possibly namespace) package leading to this file.
      for (let depth = 1; depth < parts.length; depth++) {
        this.add(parts.slice(0, depth - 1).join("/"), parts[depth - 1] as string);
      }
    }
  }

  private add(directory: string, name: string): void {
    let names = this.modulesByDirectory.get(directory);
    if (!names) {
      names = new Set();
      this.modulesByDirectory.set(directory, names);
    }
    names.add(name);
  }

  /** Top-level modules of the project: at the root and under `src/`. */
  projectModules(): string[] {
    const names = new Set([
      ...(this.modulesByDirectory.get("") ?? []),
      ...(this.modulesByDirectory.get("src") ?? []),
    ]);
    names.delete("src");
    names.delete("__init__");
    return [...names];
  }

  isSibling(file: string, name: string): boolean {
    const slash = file.lastIndexOf("/");
    const directory = slash < 0 ? "" : file.slice(0, slash);
    const stem = file.slice(slash + 1).replace(/\.py$/, "");
    return stem !== name && (this.modulesByDirectory.get(directory)?.has(name) ?? false);
  }
}
