/**
 * Typed reading of the options commander (or the fast parser) hands over as a plain record: each command
 * turns them into its workflow's typed options at once, so nothing below the CLI sees the record.
 */
type Options = Record<string, unknown>;

/** A flag given on the command line (`--yes`). */
export function flag(options: Options, name: string): boolean {
  return options[name] === true;
}

/** A flag on by default that `--no-<name>` turns off. */
export function unlessNegated(options: Options, name: string): boolean {
  return options[name] !== false;
}

/** An option's value (`--extras a,b`), or undefined when not given. */
export function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}
