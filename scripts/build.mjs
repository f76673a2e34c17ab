// Bundles the CLI into one CommonJS file, dist/dhtl.cjs, which bin/dhtl.js starts through V8's code cache
// (a code cache needs a classic script: Node 20 offers none for ES modules without flags).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const dist = new URL("../dist", import.meta.url).pathname;
const outfile = `${dist}/dhtl.cjs`;

// The import scanner's WebAssembly part first: the bundle embeds it.
await import("./build-import-scanner.mjs");

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: ["src/cli/main.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "linked",
  // Identifiers keep their names for readable `--debug` stacks.
  minifyWhitespace: true,
  minifySyntax: true,
  define: { __DHTL_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
});

requireBuiltinsStatically(outfile);

// The import scanner's worker thread, on its own so a worker loads ~50 KB rather than the whole CLI.
await build({
  entryPoints: ["src/facts/imports/scan-worker.ts"],
  outfile: `${dist}/scan-worker.cjs`,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});

/**
 * esbuild keeps `import("node:fs")` as a dynamic import, which a vm.Script can only run through an
 * experimental loader hook. A built-in module is already loaded, so `require` gives the same object.
 */
function requireBuiltinsStatically(file) {
  const text = readFileSync(file, "utf8");
  const rewritten = text.replace(
    /\bimport\("(node:[a-z_/]+)"\)/g,
    'Promise.resolve().then(() => require("$1"))',
  );
  const left = rewritten.match(/\bimport\(\s*["'`][^"'`]*["'`]\s*\)/g);
  if (left) throw new Error(`dist/dhtl.cjs keeps dynamic imports: ${[...new Set(left)].join(", ")}`);
  writeFileSync(file, rewritten);
}
