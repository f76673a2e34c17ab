import type { CommandSpec } from "../command.js";
import { addCommand, removeCommand } from "./add.js";
import { allowCommand, denyCommand } from "./allow.js";
import { analyzeCommand } from "./analyze.js";
import { cloneCommand } from "./clone.js";
import { exportCommand } from "./export.js";
import { fixEnvCommand } from "./fix-env.js";
import { forkCommand } from "./fork.js";
import { hookCommand } from "./hook.js";
import { migrateCommand } from "./migrate.js";
import { migrateTestsCommand } from "./migrate-tests.js";
import { regenerateCommand } from "./regenerate.js";
import { setupCommand } from "./setup.js";
import { standardizeCommand } from "./standardize.js";
import { validateEnvCommand } from "./validate-env.js";

/** Every dhtl command, in the order `dhtl --help` lists them. Add one line per command. */
export const commands: CommandSpec[] = [
  setupCommand,
  regenerateCommand,
  fixEnvCommand,
  addCommand,
  removeCommand,
  analyzeCommand,
  validateEnvCommand,
  cloneCommand,
  forkCommand,
  hookCommand,
  allowCommand,
  denyCommand,
  standardizeCommand,
  migrateCommand,
  migrateTestsCommand,
  exportCommand,
];
