import type { ComponentLanguage } from "../../facts/components.js";

/** What installing one component's dependencies needs to know. */
export interface ComponentInstall {
  root: string;
  /** Root-relative posix directory, "." for the root. */
  dir: string;
  packageManager: string | null;
  lockfile: string | null;
  /** Absolute bin/ of the project's environment (`<root>/.venv/bin`), first on PATH for the tools. */
  envBin: string;
}

export interface InstallOutcome {
  /** Short text for the progress line. */
  outcome: string;
  /** A problem that does not fail the setup (a missing toolchain), printed as a warning. */
  warning?: string;
}

/** One language's execution side: the same questions for Node, Rust and Go. */
export interface LanguageAdapter {
  language: ComponentLanguage;
  /** After its runtime wheel is installed: make the tools callable from the environment's bin/. */
  linkRuntime?(envPath: string): void;
  /** Installs (or checks) the component's dependencies; throws DhtlError only for a real failure. */
  installDependencies(component: ComponentInstall): Promise<InstallOutcome>;
}
