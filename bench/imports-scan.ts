// Times dhtl's import collection alone (no manifests, no machine probes) on a tree.
// Bundled by bench/analyze-speed.sh with esbuild; usage: node imports-scan.mjs PATH
import { collectImports } from "../src/facts/imports/index.js";

const root = process.argv[2];
if (!root) {
  process.stderr.write("usage: imports-scan PATH\n");
  process.exit(2);
}
const { facts, diagnostics } = await collectImports(root, { pythonVersion: "3.12" });
process.stdout.write(
  `${facts.filesScanned} files, ${facts.uses.length} top-level names ` +
    `(${facts.stdlib.length} stdlib, ${facts.local.length} local, ${facts.thirdParty.length} third-party), ` +
    `${diagnostics.length} diagnostics\n`,
);
