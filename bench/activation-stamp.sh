#!/usr/bin/env bash
# What entering a project costs in bash: sourcing `.venv/bin/activate.dht` when the last drift check's
# stamp is still fresh (dhtl is not run), when there is no stamp (dhtl validate-env --quick runs), and
# the venv's plain `activate` for scale. Also checks that drift made after the stamp is still reported.
# Usage: bash bench/activation-stamp.sh [runs]
set -euo pipefail
runs="${1:-20}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dhtl-bench-stamp.XXXXXX")"
trap 'rm -rf "$work"' EXIT
[ -f "$repo/dist/dhtl.cjs" ] || (cd "$repo" && npm run build >/dev/null)

project="$work/app"
mkdir -p "$project"
printf '[project]\nname = "stamp-app"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = ["six"]\n' \
  >"$project/pyproject.toml"
(cd "$project" && uv lock -q --python python3 && uv sync -q --frozen --python python3)
printf 'schema: 1\nlock:\n  digest: sha256:%s\n  file: uv.lock\n' "$(sha256sum "$project/uv.lock" | cut -d' ' -f1)" \
  >"$project/.dhtconfig"
npx --prefix "$repo" esbuild "$repo/bench/write-activation-hooks.ts" --bundle --platform=node --format=esm \
  --outfile="$work/write-hooks.mjs" --log-level=warning
node "$work/write-hooks.mjs" "$project" "$repo/bin/dhtl.js"

cd "$project"
node "$repo/bin/dhtl.js" validate-env --quick --quiet .
sleep 2.1 # the stamp is dated 2 s before its check began; let the files it lists be older than that
activate=(bash --noprofile --norc -c '. .venv/bin/activate.dht')
median_ms() { # hyperfine options… command: prints the median in ms
  hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$work/t.json" "$@" >/dev/null
  node -e 'console.log((require(process.argv[1]).results[0].median * 1000).toFixed(1))' "$work/t.json"
}
activate_command="bash --noprofile --norc -c '. .venv/bin/activate.dht'"
fresh=$(median_ms "$activate_command")
none=$(median_ms --prepare "rm -f .venv/.dhtl-quick-stamp" "$activate_command")
plain=$(median_ms "bash --noprofile --norc -c '. .venv/bin/activate'")
echo "activate.dht, fresh stamp (dhtl not run):   median ${fresh} ms"
echo "activate.dht, no stamp (validate-env runs): median ${none} ms"
echo "plain venv activate, for scale:             median ${plain} ms"

# Drift after the stamp: `uv pip install` adds a distribution; the next activation must report it.
node "$repo/bin/dhtl.js" validate-env --quick --quiet .
uv pip install -q --python .venv/bin/python iniconfig
echo "after uv pip install iniconfig: $("${activate[@]}" 2>&1 | head -1)"
