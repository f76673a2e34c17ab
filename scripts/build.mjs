// Bundles the CLI into dist/dhtl.js plus lazily loaded chunks: `dhtl --version` and the prompt hook's
// `validate-env --quick` load only the small entry, never the analysis or install code.
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const dist = new URL("../dist", import.meta.url).pathname;

// CommonJS dependencies call require(); ESM output needs a real one.
const requireBanner =
  "import { createRequire as __dhtlCreateRequire } from 'node:module'; const require = __dhtlCreateRequire(import.meta.url);";

// Old chunks would pile up: each build names its chunks by content hash.
rmSync(dist, { recursive: true, force: true });

await build({
  entryPoints: { dhtl: "src/cli/main.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // Node 20 has no compile cache: every run parses the chunks it loads, so less text starts faster
  // (~10% of `regenerate`'s own time). Identifiers keep their names for readable `--debug` stacks.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: requireBanner },
  define: { __DHTL_VERSION__: JSON.stringify(pkg.version) },
  splitting: true,
  logLevel: "warning",
});

dropUnusedRequireBanners(dist);

/**
 * Only the chunk holding esbuild's `__require` helper calls `require`; every other chunk would create a
 * require function for nothing. The banner line is blanked, not removed, so the source maps still line up.
 */
function dropUnusedRequireBanners(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, "utf8");
    if (!text.startsWith(requireBanner)) continue;
    const rest = text.slice(requireBanner.length);
    if (/(?<![\w$.])require\b/.test(rest)) continue;
    writeFileSync(path, rest);
  }
}
