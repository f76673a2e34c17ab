import type { CommandSpec, OptionSpec } from "./command.js";

/**
 * A command line read without commander. Loading commander costs ~10 ms of every run, which matters for
 * `validate-env --quick` in a prompt hook and for `regenerate`'s ratio to bare uv. Only plain command lines
 * are read here; anything else (help, an unknown or malformed option, a missing argument, combined short
 * flags) returns null and goes through commander, which gives its usual errors and help.
 * src/cli/fast-parse.test.ts checks the result equals what commander hands to the command's action.
 */
export interface ParsedCommandLine {
  spec: CommandSpec;
  args: string[];
  options: Record<string, unknown>;
}

/** Options main.ts adds to every command. */
export const COMMON_OPTIONS: OptionSpec[] = [
  { flags: "--debug", description: "show stack traces and tool output on errors" },
  { flags: "-q, --quiet", description: "print only warnings and errors" },
];

interface FlagShape {
  /** camelCase key in the options object. */
  key: string;
  /** Value this flag sets; null when it takes the next argument as its value. */
  sets: boolean | null;
}

export function parseCommandLine(specs: CommandSpec[], argv: string[]): ParsedCommandLine | null {
  const [name, ...rest] = argv;
  const spec = specs.find((candidate) => candidate.name === name);
  if (!spec) return null;
  const positional = positionalShape(spec.args);
  const flags = flagShapes([...spec.options, ...COMMON_OPTIONS]);
  if (!positional || !flags) return null;

  const options: Record<string, unknown> = { ...flags.defaults };
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (!token.startsWith("-")) {
      args.push(token);
      continue;
    }
    const eq = token.indexOf("=");
    const flagName = token.startsWith("--") && eq > 0 ? token.slice(0, eq) : token;
    const shape = flags.byName.get(flagName);
    if (!shape) return null;
    if (shape.sets === null) {
      const value = eq > 0 && token.startsWith("--") ? token.slice(eq + 1) : rest[++i];
      if (value === undefined || (value.startsWith("-") && flagName === token)) return null;
      options[shape.key] = value;
    } else {
      if (flagName !== token) return null;
      options[shape.key] = shape.sets;
    }
  }
  if (args.length < positional.required) return null;
  if (!positional.variadic && args.length > positional.max) return null;
  return { spec, args, options };
}

/** `[path]`, `<url> [dir]`, `[args...]` → counts; null for anything else. */
function positionalShape(
  syntax: string | undefined,
): { required: number; max: number; variadic: boolean } | null {
  const parts = syntax ? syntax.split(/\s+/).filter(Boolean) : [];
  let required = 0;
  let variadic = false;
  for (const [index, part] of parts.entries()) {
    const match = part.match(/^([<[])[\w-]+(\.\.\.)?([>\]])$/);
    if (!match || (match[1] === "<") !== (match[3] === ">")) return null;
    if (match[2]) {
      if (index !== parts.length - 1) return null;
      variadic = true;
    }
    if (match[1] === "<") required++;
  }
  return { required, max: parts.length, variadic };
}

/** Every accepted spelling of every flag; null when a flag has a shape this reader does not handle. */
function flagShapes(
  options: OptionSpec[],
): { byName: Map<string, FlagShape>; defaults: Record<string, unknown> } | null {
  const byName = new Map<string, FlagShape>();
  const defaults: Record<string, unknown> = {};
  for (const option of options) {
    const match = option.flags.match(/^(?:(-[a-zA-Z]), )?--([a-z][a-z0-9-]*)(?: <[\w-]+>)?$/);
    if (!match) return null;
    const [, short, long] = match;
    const takesValue = option.flags.includes("<");
    const negated = long!.startsWith("no-");
    if (negated && (takesValue || short)) return null;
    const key = camelCase(negated ? long!.slice(3) : long!);
    const shape: FlagShape = { key, sets: takesValue ? null : !negated };
    // Two flags for one key (`--x` and `--no-x`) make commander's defaults subtle: leave those to it.
    if ([...byName.values()].some((other) => other.key === key)) return null;
    byName.set(`--${long}`, shape);
    if (short) byName.set(short, shape);
    if (negated) defaults[key] = true;
    if (option.defaultValue !== undefined) defaults[key] = option.defaultValue;
  }
  return { byName, defaults };
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
