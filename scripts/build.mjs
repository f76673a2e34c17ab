// Bundles the CLI twice: dist/dhtl.js plus lazily loaded chunks (`dhtl --version` and the prompt hook's
// `validate-env --quick` load only a few small files), and dist/dhtl-full.js, one file for every other command.
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

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // Node 20 has no compile cache: every run parses the code it loads, so less text starts faster.
  // Identifiers keep their names for readable `--debug` stacks.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: requireBanner },
  logLevel: "warning",
};

// Two builds of one program. The split one (entry + small chunks) serves `--version` and the prompt hook's
// `validate-env --quick` with the least code; it hands every other command to the single file, which loads
// faster than the ~60 chunks those commands would pull in (src/cli/main.ts).
await build({
  ...common,
  entryPoints: { dhtl: "src/cli/main.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  define: { __DHTL_VERSION__: JSON.stringify(pkg.version), __DHTL_BUILD__: '"split"' },
  splitting: true,
});
await build({
  ...common,
  entryPoints: { "dhtl-full": "src/cli/main.ts" },
  outdir: "dist",
  define: { __DHTL_VERSION__: JSON.stringify(pkg.version), __DHTL_BUILD__: '"single"' },
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
