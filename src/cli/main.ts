import { Command, CommanderError } from "commander";
import { ExitCode } from "../core/errors.js";
import type { CommandSpec } from "./command.js";
import { commands } from "./commands/index.js";
import { createOutput } from "./output.js";
import { reportError } from "./report-error.js";

declare const __DHTL_VERSION__: string | undefined;
const version = typeof __DHTL_VERSION__ === "string" ? __DHTL_VERSION__ : "0.0.0-dev";

function register(program: Command, spec: CommandSpec, state: { exitCode: number }): void {
  const command = program
    .command(spec.args ? `${spec.name} ${spec.args}` : spec.name)
    .description(spec.summary);
  for (const option of spec.options) command.option(option.flags, option.description, option.defaultValue);
  command.option("--debug", "show stack traces and tool output on errors");
  command.option("-q, --quiet", "print only warnings and errors");
  if (spec.help) command.addHelpText("after", `\n${spec.help}`);
  command.action(async (...params: unknown[]) => {
    // commander passes positionals, then the options object, then the Command itself.
    const cmd = params[params.length - 1] as Command;
    const options = cmd.opts();
    const args = params
      .slice(0, -2)
      .flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]));
    const out = createOutput({ quiet: Boolean(options.quiet) });
    state.exitCode = await spec.run({ args: args as string[], options, out, debug: Boolean(options.debug) });
  });
}

export async function main(argv: string[]): Promise<number> {
  const state = { exitCode: 0 };
  const program = new Command("dhtl")
    .description("Reproducible Python development environments from any project checkout")
    .version(version, "-V, --version")
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 drift or check failed, 2 bad input, 3 external tool failed, 4 refused, 70 internal error",
    );
  for (const spec of commands) register(program, spec, state);
  try {
    await program.parseAsync(argv, { from: "user" });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return error.exitCode === 0 ? 0 : ExitCode.badInput;
    }
    return reportError(error, argv.includes("--debug"));
  }
}

// `dhtl analyze | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error, process.argv.includes("--debug"));
  },
);
