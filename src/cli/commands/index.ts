import type { CommandSpec } from "../command.js";

/** Every dhtl command, in the order `dhtl --help` lists them. Add one line per command. */
export const commands: CommandSpec[] = [];
