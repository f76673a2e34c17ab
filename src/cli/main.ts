import type { CommandSpec } from "./command.js";
import type { CommandInvocation } from "./commander-program.js";

declare const __DHTL_VERSION__: string | undefined;
const version = typeof __DHTL_VERSION__ === "string" ? __DHTL_VERSION__ : "0.0.0-dev";

// Every module is initialised on demand, when the command at hand needs it (bin/dhtl.js answers `--version`).
async function runCommand(spec: CommandSpec, { args, options }: CommandInvocation): Promise<number> {
  const { createOutput } = await import("../core/output.js");
  const out = createOutput({ quiet: Boolean(options.quiet) });
  const [first, ...rest] = args;
  const sub =
    first !== undefined && spec.subcommands && Object.hasOwn(spec.subcommands, first)
      ? spec.subcommands[first]
      : undefined;
  if (sub) return (await sub()).run({ args: rest, options, out, debug: Boolean(options.debug) });
  return spec.run({ args, options, out, debug: Boolean(options.debug) });
}

async function report(error: unknown, argv: string[]): Promise<number> {
  const { reportError } = await import("./report-error.js");
  return reportError(error, argv.includes("--debug"));
}

export async function main(argv: string[]): Promise<number> {
  try {
    // A plain command line (the prompt hook's `validate-env --quick`, `regenerate --force`) needs no
    // commander (~10 ms to load); help, usage errors and anything unusual go through it.
    const { parseCommandLine } = await import("./fast-parse.js");
    // The prompt hook's command loads its own spec alone, not the other commands' modules.
    if (argv[0] === "validate-env") {
      const { validateEnvCommand } = await import("./commands/validate-env.js");
      const parsed = parseCommandLine([validateEnvCommand], argv);
      if (parsed) return await runCommand(parsed.spec, parsed);
    }
    const { commands } = await import("./commands/index.js");
    const parsed = parseCommandLine(commands, argv);
    if (parsed) return await runCommand(parsed.spec, parsed);
    const { runWithCommander } = await import("./commander-program.js");
    return await runWithCommander(commands, version, argv, runCommand);
  } catch (error) {
    return report(error, argv);
  }
}

const argv = process.argv.slice(2);
// `dhtl analyze | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.exitCode = await report(error, argv);
  },
);
