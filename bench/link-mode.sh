#!/usr/bin/env bash
# What each uv link mode costs for a medium project (~30 packages: Flask, requests, pandas, SQLAlchemy,
# rich, PyYAML, pytest), warm uv cache: `uv venv` + `uv sync --frozen --all-groups --link-mode MODE`, median
# of RUNS runs each, modes taking turns so drift hits all alike. Prints the ratio copy/hardlink (dhtl's
# choice against uv's Linux default) and whether `clone` really reflinked here (else uv fell back).
# Also times the full RECORD re-hash dhtl runs on every new environment before swapping it in.
# Usage: bench/link-mode.sh [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-7}"
uv_bin="${UV_BIN:-$(command -v uv)}"
if head -c 200 "$uv_bin" 2>/dev/null | grep -q pyenv; then uv_bin="$(cd / && pyenv which uv)"; fi
uv() { "$uv_bin" "$@"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/medium/src/medium_app"
cat > "$work/medium/pyproject.toml" <<'TOML'
[project]
name = "medium-app"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["flask>=3", "requests>=2.31", "pandas>=2.1", "sqlalchemy>=2", "rich>=13", "pyyaml>=6"]

[dependency-groups]
dev = ["pytest>=8"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
TOML
touch "$work/medium/src/medium_app/__init__.py"
cd "$work/medium"
uv lock -q
python="$(uv python find 3.11 2>/dev/null || command -v python3)"

now() { date +%s.%N; }
build() { # mode → seconds
  rm -rf "$work/env"
  sync
  sleep 0.5
  local t0
  t0=$(now)
  uv venv -q --python "$python" "$work/env"
  UV_PROJECT_ENVIRONMENT="$work/env" uv sync -q --frozen --all-groups --link-mode "$1"
  echo "$(now) - $t0" | bc
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

build copy >/dev/null # warm the cache
modes=(hardlink copy clone)
declare -A times
for ((i = 0; i < runs; i++)); do
  for mode in "${modes[@]}"; do times[$mode]+="$(build "$mode") "; done
done
shared() { # how many installed files share their inode with another path (the cache)
  find "$work/env/lib" -type f -links +1 | wc -l
}
build clone >/dev/null
clone_shared=$(shared)
files=$(find "$work/env/lib" -type f | wc -l)
build hardlink >/dev/null
hardlink_shared=$(shared)

# The check dhtl runs before every swap: every RECORD entry re-hashed, as a full `dhtl validate-env` does.
node "$here/bin/dhtl.js" setup "$work/medium" --yes --quiet >/dev/null
t0=$(now)
node "$here/bin/dhtl.js" validate-env "$work/medium" >/dev/null
full=$(echo "$(now) - $t0" | bc)
t0=$(now)
node "$here/bin/dhtl.js" validate-env --quick "$work/medium" >/dev/null
quick=$(echo "$(now) - $t0" | bc)

for mode in "${modes[@]}"; do
  m=$(echo "${times[$mode]}" | tr ' ' '\n' | grep . | median)
  printf '%-9s median %.3f s   (%s)\n' "$mode" "$m" "${times[$mode]}"
  declare "med_$mode=$m"
done
echo "files installed: $files; sharing an inode with uv's cache: hardlink $hardlink_shared, clone $clone_shared"
printf 'ratio copy/hardlink = %.2f   clone/hardlink = %.2f\n' \
  "$(echo "$med_copy / $med_hardlink" | bc -l)" "$(echo "$med_clone / $med_hardlink" | bc -l)"
printf 'validate-env full (re-hashes every file) %.3f s, --quick %.3f s\n' "$full" "$quick"
