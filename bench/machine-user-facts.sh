#!/usr/bin/env bash
# Times machine + user fact collection, and interpreter discovery beside `uv python list`, which finds
# fewer interpreters (no pyenv builds off PATH) on the same machine.
# Usage: bench/machine-user-facts.sh [runs]
set -euo pipefail

runs="${1:-10}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dhtl-bench-machine.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "$repo"
npx esbuild bench/machine-user-facts.ts --bundle --platform=node --format=esm --log-level=warning \
  --banner:js="import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" \
  --outfile="$work/bench.mjs"
node "$work/bench.mjs" "$runs"

# The real uv binary: a pyenv shim would add its own start-up to every run.
uv="$(command -v uv)"
if command -v pyenv >/dev/null && [[ "$uv" == */shims/* ]]; then uv="$(pyenv which uv)"; fi
start=$(date +%s%N)
for ((i = 0; i < runs; i++)); do "$uv" python list --only-installed --output-format json >/dev/null 2>&1; done
end=$(date +%s%N)
count="$("$uv" python list --only-installed --output-format json 2>/dev/null |
  node -e 'const l=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(new Set(l.map(x=>x.version)).size)')"
awk -v t=$((end - start)) -v n="$runs" -v c="$count" \
  'BEGIN { printf "uv python list --only-installed     mean %5.0f ms  (%d distinct versions)\n", t / n / 1e6, c }'
