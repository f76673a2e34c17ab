#!/usr/bin/env bash
# `dhtl regenerate` from scratch (no .venv) against the bare uv commands doing the same job (`uv venv` +
# `uv sync --frozen --all-groups`), warm uv cache, median of RUNS runs each, alternating so drift hits both alike.
# Usage: bench/regenerate-vs-uv.sh [fixture-dir|medium|large] [runs]     (target: ratio <= 1.3)
# `medium` (the default) generates a uv project of ~30 packages (Flask, requests, pandas, SQLAlchemy, rich,
# pytest), `large` one of ~200 (Django, Celery, Jupyter, scikit-learn, FastAPI, boto3, dev tools), and
# locks it before timing; a directory is copied as it is (e.g. examples/hello-app).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
fixture="${1:-medium}"
runs="${2:-7}"
dhtl=(node "$here/bin/dhtl.js")
# Both sides run the same uv binary. A pyenv shim costs ~0.1-0.3 s per call (a chain of bash scripts): resolve
# it once here, so the ratio measures dhtl's own overhead rather than the shim's.
uv_bin="${UV_BIN:-$(command -v uv)}"
if head -c 200 "$uv_bin" 2>/dev/null | grep -q pyenv; then uv_bin="$(cd / && pyenv which uv)"; fi
export DHTL_UV="$uv_bin"
uv() { "$uv_bin" "$@"; }
[ -f "$here/dist/dhtl.cjs" ] || (cd "$here" && npm run build >/dev/null)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
generate() { # name, dependencies, dev dependencies (TOML array bodies)
  mkdir -p "$work/$1/src/$1_app"
  cat > "$work/$1/pyproject.toml" <<TOML
[project]
name = "$1-app"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = [$2]

[dependency-groups]
dev = [$3]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
TOML
  touch "$work/$1/src/$1_app/__init__.py"
  (cd "$work/$1" && uv lock -q)
  fixture="$work/$1"
}
case "$fixture" in
  medium)
    generate medium '"flask>=3", "requests>=2.31", "pandas>=2.1", "sqlalchemy>=2", "rich>=13", "pyyaml>=6"' \
      '"pytest>=8"' ;;
  large)
    generate large '"django>=5", "djangorestframework", "celery[redis]", "pandas>=2.1", "scikit-learn",
      "matplotlib", "jupyterlab", "sqlalchemy>=2", "requests", "boto3", "pydantic>=2", "fastapi",
      "uvicorn[standard]", "rich", "pyyaml"' '"pytest>=8", "pytest-cov", "mypy", "ruff", "pre-commit"' ;;
esac
cp -R "$fixture" "$work/dhtl"
cp -R "$fixture" "$work/bare"
rm -rf "$work"/*/.venv "$work"/*/.dhtl "$work"/*/.dhtconfig

# Warm-up: fills the uv cache and records .dhtconfig; the Python the bare run uses is the one dhtl chose.
"${dhtl[@]}" setup "$work/dhtl" --yes --quiet >/dev/null
python="$(readlink -f "$work/dhtl/.venv/bin/python")"
(cd "$work/bare" && uv venv -q --python "$python" .venv && uv sync -q --frozen --all-groups)

now() { date +%s.%N; }
# From scratch on both sides: the previous environment is deleted before the clock starts and the disk
# has settled, so each side is timed building a new environment with nothing else competing for the disk.
from_scratch() { # side: dhtl or bare
  if [ "$1" = dhtl ]; then rm -rf "$work/dhtl/.venv" "$work/dhtl/.dhtl/envs"; else rm -rf "$work/bare/.venv"; fi
  # The file system keeps working after sync returns (freeing thousands of inodes): let it go quiet.
  sync
  sleep 1
}
time_dhtl() {
  from_scratch dhtl
  local t0
  t0=$(now)
  "${dhtl[@]}" regenerate "$work/dhtl" --yes --quiet >/dev/null
  dhtl_times+=("$(echo "$(now) - $t0" | bc)")
}
time_bare() {
  from_scratch bare
  local t0
  t0=$(now)
  (cd "$work/bare" && uv venv -q --python "$python" .venv && uv sync -q --frozen --all-groups)
  bare_times+=("$(echo "$(now) - $t0" | bc)")
}
dhtl_times=()
bare_times=()
# This machine's disk slows down run after run; taking turns at going first (ABBA) spreads that evenly.
for i in $(seq "$runs"); do
  if ((i % 2)); then time_dhtl; time_bare; else time_bare; time_dhtl; fi
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
d=$(median "${dhtl_times[@]}")
b=$(median "${bare_times[@]}")
# Node's own start-up is a floor no JavaScript CLI goes under: shown so the ratio can be read against it.
node_times=()
for _ in $(seq "$runs"); do
  t0=$(now)
  node -e 0
  node_times+=("$(echo "$(now) - $t0" | bc)")
done
n=$(median "${node_times[@]}")
packages=$(find "$work/dhtl/.venv/" -maxdepth 4 -name '*.dist-info' | wc -l)
echo "fixture: $(basename "$fixture") ($packages packages), runs: $runs, warm cache, uv: $uv_bin"
echo "dhtl regenerate            median ${d}s  (${dhtl_times[*]})"
echo "uv venv + uv sync --frozen median ${b}s  (${bare_times[*]})"
echo "node -e 0                  median ${n}s"
echo "ratio: $(echo "scale=2; $d / $b" | bc)x (target <= 1.3x; Node start-up alone makes the floor $(echo "scale=2; ($n + $b) / $b" | bc)x)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
