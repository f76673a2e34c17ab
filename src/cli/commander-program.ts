import { Command, CommanderError } from "commander";
import { ExitCode } from "../core/errors.js";
import { redactOutput } from "../core/redact.js";
import type { CommandContext, CommandSpec } from "./command.js";
import { COMMON_OPTIONS } from "./fast-parse.js";

/** What commander hands a command's action: positionals and the options object. */
export type CommandInvocation = Pick<CommandContext, "args" | "options">;

/**
 * The full command line parser: help, errors for unknown options, every shape commander knows. main.ts
 * loads it only when fast-parse.ts does not read the command line on its own.
 */
export function buildProgram(
  specs: CommandSpec[],
  version: string,
  onCommand: (spec: CommandSpec, invocation: CommandInvocation) => Promise<void>,
): Command {
  const program = new Command("dhtl")
    .description("Reproducible Python development environments from any project checkout")
    .version(version, "-V, --version")
    .showHelpAfterError()
    .exitOverride()
    // Usage errors quote the command line, which may hold a token (`dhtl clone https://TOKEN@…`).
    .configureOutput({ writeErr: (text) => process.stderr.write(redactOutput(text)) })
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 drift or check failed, 2 bad input, 3 external tool failed, 4 refused, 5 cannot write, 70 internal error",
    );
  for (const spec of specs) register(program, spec, onCommand);
  return program;
}

function register(
  program: Command,
  spec: CommandSpec,
  onCommand: (spec: CommandSpec, invocation: CommandInvocation) => Promise<void>,
): void {
  const command = program
    .command(spec.args ? `${spec.name} ${spec.args}` : spec.name)
    .description(spec.summary);
  for (const option of [...spec.options, ...COMMON_OPTIONS])
    command.option(option.flags, option.description, option.defaultValue);
  if (spec.help) command.addHelpText("after", `\n${spec.help}`);
  command.action(async (...params: unknown[]) => {
    // commander passes positionals, then the options object, then the Command itself.
    const cmd = params[params.length - 1] as Command;
    const args = params
      .slice(0, -2)
      .flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]));
    await onCommand(spec, { args: args as string[], options: cmd.opts() });
  });
}

/** Parses with commander and runs the command; `--help`/`--version` and usage errors end here too. */
export async function runWithCommander(
  specs: CommandSpec[],
  version: string,
  argv: string[],
  run: (spec: CommandSpec, invocation: CommandInvocation) => Promise<number>,
): Promise<number> {
  const state = { exitCode: 0 };
  const program = buildProgram(specs, version, async (spec, invocation) => {
    state.exitCode = await run(spec, invocation);
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return error.exitCode === 0 ? 0 : ExitCode.badInput;
    }
    throw error;
  }
}
