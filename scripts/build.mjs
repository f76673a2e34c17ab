// Bundles the CLI into dist/dhtl.js plus lazily loaded chunks: `dhtl --version` and the prompt hook's
// `validate-env --quick` load only the small entry, never the analysis or install code.
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// Old chunks would pile up: each build names its chunks by content hash.
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { dhtl: "src/cli/main.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // CommonJS dependencies call require(); ESM output needs a real one.
  banner: {
    js: "import { createRequire as __dhtlCreateRequire } from 'node:module'; const require = __dhtlCreateRequire(import.meta.url);",
  },
  define: { __DHTL_VERSION__: JSON.stringify(pkg.version) },
  splitting: true,
  logLevel: "warning",
});
