#!/usr/bin/env bash
# Clone-to-ready for a medium real project (Flask + requests + pandas + SQLAlchemy …, ~30 packages):
# `git clone`, then dhtl until `dhtl validate-env` passes. Measured with a cold uv cache (a fresh
# UV_CACHE_DIR) and a warm one, for a project dhtl has never seen (`setup`: resolve, lock, install) and for
# one that commits its .dhtconfig and lock (`regenerate`: install only). The plan's target: under 2 minutes.
# Usage: bench/clone-to-ready.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dhtl=(node "$here/bin/dhtl.js")
[ -f "$here/dist/dhtl.cjs" ] || (cd "$here" && npm run build >/dev/null)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
origin="$work/origin"
mkdir -p "$origin/app"
cat > "$origin/requirements.txt" <<'REQ'
flask>=3.0
requests>=2.31
pandas>=2.1
sqlalchemy>=2.0
pyyaml>=6
rich>=13
python-dotenv>=1
REQ
printf -- '-r requirements.txt\npytest>=8\n' > "$origin/requirements-dev.txt"
printf '3.11\n' > "$origin/.python-version"
printf 'from flask import Flask\nimport pandas, requests, sqlalchemy, yaml\napp = Flask(__name__)\n' > "$origin/app/__init__.py"
printf '.venv\n.dhtl/envs/\n.dhtl/lock\n' > "$origin/.gitignore"
git -C "$origin" init -q && git -C "$origin" add -A && git -C "$origin" -c user.name=b -c user.email=b@b commit -qm init

now() { date +%s.%N; }
# clone_to_ready <label> <dhtl command> <cache dir>
clone_to_ready() {
  local dir="$work/clone-$RANDOM"
  local t0 t1
  t0=$(now)
  git clone -q "$origin" "$dir"
  UV_CACHE_DIR="$3" "${dhtl[@]}" "$2" "$dir" --yes --quiet >/dev/null
  "${dhtl[@]}" validate-env "$dir" --quiet
  t1=$(now)
  local packages
  packages=$(find "$dir/.venv/" -maxdepth 4 -name '*.dist-info' | wc -l)
  printf '%-34s %6.1fs  (%s packages)\n' "$1" "$(echo "$t1 - $t0" | bc)" "$packages"
  last="$dir"
}

cold1="$work/cache-cold-1"
clone_to_ready "setup, cold cache" setup "$cold1"
clone_to_ready "setup, warm cache" setup "$cold1"
# Commit what setup recorded, as a project using dhtl would.
cp "$last/.dhtconfig" "$origin/" && mkdir -p "$origin/.dhtl" && cp "$last/.dhtl/requirements.lock" "$last/.dhtl/requirements.in" "$last/.dhtl/.gitignore" "$origin/.dhtl/"
git -C "$origin" add -A && git -C "$origin" -c user.name=b -c user.email=b@b commit -qm "dhtl records"
clone_to_ready "regenerate (records), cold cache" regenerate "$work/cache-cold-2"
clone_to_ready "regenerate (records), warm cache" regenerate "$work/cache-cold-2"
