#!/usr/bin/env node
"use strict";
// Starts dist/dhtl.cjs with its compiled code cached: parsing and compiling the 1 MB bundle on every run
// costs ~30 ms, more than `validate-env --quick` does itself. Node >= 22.1 keeps such a cache on its own
// (`module.enableCompileCache`); Node 20 has none, so there V8's code cache is kept by hand: one file per
// command (each holds the functions that command compiled), keyed by the bundle's identity and the Node
// version; V8 rejects one it cannot use. Both live in dhtl's cache directory; DHTL_NO_CODE_CACHE turns
// them off.
const {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require("node:fs");
const { createRequire, enableCompileCache } = require("node:module");
const { homedir } = require("node:os");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

// The version needs no bundle: the build takes it from the same package.json.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`${require("../package.json").version}\n`);
  process.exit(0);
}

const bundle = join(__dirname, "..", "dist", "dhtl.cjs");
if (typeof enableCompileCache === "function") startWithCompileCache();
else startWithCodeCache();

function startWithCompileCache() {
  try {
    statSync(bundle);
  } catch (error) {
    missingBundle(error);
  }
  const base = cacheBase();
  if (base) {
    try {
      enableCompileCache(join(base, "compile-cache"));
    } catch {}
  }
  require(bundle);
}

function missingBundle(error) {
  process.stderr.write(`error: cannot read ${bundle} (${error.code ?? error.message})\n`);
  process.stderr.write("hint: in a checkout of dhtl, run `npm run build` first\n");
  process.exit(70);
}

function startWithCodeCache() {
  let source;
  try {
    source = readFileSync(bundle, "utf8");
  } catch (error) {
    missingBundle(error);
  }
  const cacheFile = codeCacheFile();
  let cached;
  try {
    cached = cacheFile ? readFileSync(cacheFile) : undefined;
  } catch {}
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData: cached,
  });
  if (cacheFile && (!cached || script.cachedDataRejected)) process.once("exit", saveCodeCache);
  const module_ = { exports: {} };
  script.runInThisContext()(module_.exports, createRequire(bundle), module_, bundle, dirname(bundle));

  function saveCodeCache() {
    saveScriptCache(script, cacheFile);
  }
}

/** `$DHTL_HOME/cache`, else `$XDG_CACHE_HOME/dhtl`, else `~/.cache/dhtl`; null with DHTL_NO_CODE_CACHE. */
function cacheBase() {
  const env = process.env;
  if (env.DHTL_NO_CODE_CACHE) return null;
  return env.DHTL_HOME
    ? join(env.DHTL_HOME, "cache")
    : join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "dhtl");
}

function codeCacheFile() {
  try {
    const base = cacheBase();
    if (!base) return null;
    // V8 checks the source's length, not its content: the file's identity tells builds apart.
    const { size, mtimeMs, ino } = statSync(bundle);
    const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? "") ? process.argv[2] : "other";
    const key = `${process.version}-${process.arch}-${ino}-${size}-${Math.trunc(mtimeMs)}`;
    return join(base, "code-cache", key, `${command}.bin`);
  } catch {
    return null;
  }
}

// Best effort: a read-only home only means the next run compiles again. Written aside, then renamed,
// so parallel runs never read half a file.
function saveScriptCache(script, cacheFile) {
  try {
    const data = script.createCachedData();
    const dir = dirname(cacheFile);
    // A new build's first run: the caches of earlier builds are of no use any more.
    if (mkdirSync(dir, { recursive: true }) !== undefined) removeOtherBuilds(dir);
    const staged = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(staged, data);
    renameSync(staged, cacheFile);
  } catch {}
}

function removeOtherBuilds(keep) {
  const parent = dirname(keep);
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (path !== keep) rmSync(path, { recursive: true, force: true });
  }
}
