#!/usr/bin/env bash
# Times `dhtl validate-env --quick` against `uv pip freeze` on the same ~100-package environment.
# Usage: bench/validate-quick.sh [runs]     (DHTL="node path/to/dhtl.js" to time another build)
set -euo pipefail

runs="${1:-30}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
dhtl="${DHTL:-node $repo/bin/dhtl.js}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dhtl-bench-validate.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The real uv binary: a pyenv shim would add ~50 ms to every uv run and flatter dhtl.
uv="$(command -v uv)"
if command -v pyenv >/dev/null && [[ "$uv" == */shims/* ]]; then uv="$(pyenv which uv)"; fi

cat >"$work/pyproject.toml" <<'TOML'
[project]
name = "bench-app"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
  "django", "flask", "requests", "httpx", "rich", "typer", "pydantic", "sqlalchemy", "alembic",
  "celery", "pytest", "pytest-cov", "hypothesis", "black", "mypy", "sphinx", "jsonschema",
  "boto3", "pyyaml", "python-dateutil", "arrow", "attrs", "cattrs", "marshmallow", "tenacity",
]
TOML
cd "$work"
"$uv" lock --quiet --python 3.11
"$uv" sync --quiet --frozen --python 3.11
digest="$(sha256sum uv.lock | cut -d' ' -f1)"
printf 'schema: 1\nlock:\n  digest: sha256:%s\n  file: uv.lock\n' "$digest" >.dhtconfig
packages="$(ls -d .venv/lib/python*/site-packages/*.dist-info | wc -l)"
echo "environment: $packages distributions, $("$uv" --version)"

# The first run computes the expected set with `uv export` and caches it in .venv.
$dhtl validate-env --quick "$work" >/dev/null
$dhtl validate-env "$work" >/dev/null

quick="$dhtl validate-env --quick $work"
full="$dhtl validate-env $work"
freeze="$uv pip freeze --python $work/.venv/bin/python"

if command -v hyperfine >/dev/null; then
  hyperfine --style basic -N --warmup 3 --runs "$runs" --export-json "$work/times.json" \
    -n "dhtl validate-env --quick" "$quick" -n "uv pip freeze" "$freeze" -n "dhtl validate-env (full)" "$full" \
    -n "node -e 0 (Node's own start-up, for scale)" "node -e 0"
  node -e '
    const r = require(process.argv[1]).results;
    const ms = (x) => (x.median * 1000).toFixed(1);
    const cpu = (x) => ((x.user + x.system) * 1000).toFixed(1);
    console.log(`median wall: quick ${ms(r[0])} ms, uv pip freeze ${ms(r[1])} ms, full ${ms(r[2])} ms`);
    console.log(`mean CPU (user+sys): quick ${cpu(r[0])} ms, uv pip freeze ${cpu(r[1])} ms, full ${cpu(r[2])} ms`);
    console.log(`ratio quick / freeze: wall ${(r[0].median / r[1].median).toFixed(2)}, CPU ${((r[0].user + r[0].system) / (r[1].user + r[1].system)).toFixed(2)}`);
  ' "$work/times.json"
else
  median() {
    local times=()
    for _ in $(seq "$runs"); do
      local start end
      start=$(date +%s%N)
      $1 >/dev/null
      end=$(date +%s%N)
      times+=($(((end - start) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
  }
  q=$(median "$quick")
  f=$(median "$freeze")
  echo "median: quick $((q / 1000)) ms, uv pip freeze $((f / 1000)) ms"
  awk -v q="$q" -v f="$f" 'BEGIN { printf "ratio quick / freeze: %.2f\n", q / f }'
fi
