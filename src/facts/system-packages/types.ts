import type { SystemPackageManager } from "../system-deps/index.js";

export interface InstallOptions {
  /** True when dhtl runs as root; otherwise every command is prefixed with `sudo`. */
  root: boolean;
}

/** One system package manager, as dhtl drives it: what to ask, what to run. Argv arrays only. */
export interface SystemPackageAdapter {
  name: SystemPackageManager;
  /** Programs that must be on PATH for this manager to be usable (the first one identifies it). */
  programs: string[];
  /** The argv that lists which of `names` are installed, and how to read its output. */
  queryCommand(names: string[]): string[];
  /** From the query's stdout, the names that are installed. */
  installedFrom(stdout: string, names: string[]): Set<string>;
  /** The commands (in order) that install `names`, without sudo. */
  installCommands(names: string[]): string[][];
  /** Managers that refuse to run as root or under sudo (Homebrew). */
  neverSudo?: boolean;
}
