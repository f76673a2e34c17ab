import type { Output } from "../core/output.js";

/** One option of a command, in commander's flag syntax (`--python <version>`). */
export interface OptionSpec {
  flags: string;
  description: string;
  defaultValue?: string | boolean;
}

export interface CommandContext {
  /** Positional arguments, in order. */
  args: string[];
  /** Parsed options by camelCase name (`dryRun`, `json`, `yes` …). */
  options: Record<string, unknown>;
  out: Output;
  debug: boolean;
}

/**
 * Every command has this shape. Keep the spec light: `run` imports the heavy modules it needs, so that
 * `dhtl --version` and `--help` never load them.
 */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional argument syntax for commander (`[path]`, `<url> [dir]`). */
  args?: string;
  options: OptionSpec[];
  /** Extra help text shown after the options (examples, exit codes). */
  help?: string;
  /**
   * Commands reached as `dhtl <name> <word> …` (`migrate tests`), loaded on demand; the CLI dispatches to
   * them with the rest of the arguments and the options as parsed.
   */
  subcommands?: Record<string, () => Promise<CommandSpec>>;
  run(ctx: CommandContext): Promise<number>;
}

export const jsonOption: OptionSpec = {
  flags: "--json",
  description: "print one JSON object instead of text",
};
export const dryRunOption: OptionSpec = {
  flags: "--dry-run",
  description: "print the plan and change nothing",
};
export const yesOption: OptionSpec = {
  flags: "-y, --yes",
  description:
    "say yes to every question: write the changes, install system packages (sudo only when not root)",
};
