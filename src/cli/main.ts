import type { CommandSpec } from "./command.js";
import type { CommandInvocation } from "./commander-program.js";
import { commands } from "./commands/index.js";
import { parseCommandLine } from "./fast-parse.js";
import { createOutput } from "./output.js";
import { reportError } from "./report-error.js";

declare const __DHTL_VERSION__: string | undefined;
const version = typeof __DHTL_VERSION__ === "string" ? __DHTL_VERSION__ : "0.0.0-dev";

function runCommand(spec: CommandSpec, { args, options }: CommandInvocation): Promise<number> {
  const out = createOutput({ quiet: Boolean(options.quiet) });
  return spec.run({ args, options, out, debug: Boolean(options.debug) });
}

export async function main(argv: string[]): Promise<number> {
  try {
    // A plain command line (the prompt hook's `validate-env --quick`, `regenerate --force`) needs no
    // commander; help, usage errors and anything unusual go through it.
    if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    const parsed = parseCommandLine(commands, argv);
    if (parsed) return await runCommand(parsed.spec, parsed);
    const { runWithCommander } = await import("./commander-program.js");
    return await runWithCommander(commands, version, argv, runCommand);
  } catch (error) {
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
