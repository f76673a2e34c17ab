// Bundles the CLI into one ESM file so `dhtl --version` loads a single module.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/dhtl.js",
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
  splitting: false,
  logLevel: "warning",
});
