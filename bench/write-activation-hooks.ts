// Writes a project's activation scripts (as `dhtl setup` does) for bench/activation-stamp.sh.
// Usage: node write-activation-hooks.mjs <project> <dhtl.js>
import { writeActivationHooks } from "../src/run/hooks/activation.js";

const [project, dhtlScript] = process.argv.slice(2);
if (!project || !dhtlScript) throw new Error("usage: write-activation-hooks <project> <dhtl.js>");
writeActivationHooks(project, `${project}/.venv`, { dhtlCommand: [process.execPath, dhtlScript] });
