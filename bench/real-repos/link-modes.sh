#!/usr/bin/env bash
# `dhtl setup --yes` with its default link mode (copy, or clone where reflinks work) and with
# DHTL_LINK_MODE=hardlink, beside the plain uv commands of repos.json, on fresh clones of each repository:
# setup time only (no tests), the uv cache warmed for both sides first (untimed). Prints seconds per
# repository and the geometric means of copy/uv, hardlink/uv and copy/hardlink — how much of dhtl's
# distance to uv is issue 9's copy mode.
# Usage: bench/real-repos/link-modes.sh [--dhtl DIR] id...   (ids of repos.json; mirrors from `fetch`)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dhtl="$(cd "$here/../.." && pwd)"
if [ "${1:-}" = "--dhtl" ]; then dhtl="$(cd "$2" && pwd)"; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [--dhtl DIR] id..." >&2; exit 2; }
mirrors="${REAL_REPOS_MIRRORS:-/work/.mirror}"
export PATH="${REAL_REPOS_UV_BIN:-$HOME/.cache/dhtl-ci/uv-0.13.9/bin}:$PATH" UV_PYTHON_DOWNLOADS=never
# The uv side sees every pyenv interpreter, as in run.sh; dhtl finds them itself.
uv_path="$PATH"
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin; do uv_path="$uv_path:$dir"; done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

seconds() { # command... → seconds (exit code after a slash when not 0)
  local start end code=0
  start=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || code=$?
  end=$(date +%s.%N)
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}' + ('' if sys.argv[3] == '0' else '/' + sys.argv[3]))" "$start" "$end" "$code"
}

results="$work/results.tsv"
for id in "$@"; do
  read -r repo commit uv_line < <(python3 - "$here/repos.json" "$id" <<'PY'
import json, sys
entry = next(r for r in json.load(open(sys.argv[1]))["repos"] if r["id"] == sys.argv[2])
print(entry["repo"].replace("/", "+"), entry["commit"], " && ".join(entry["uv"]))
PY
)
  # --no-checkout: a mirror may lack blobs of its default branch that the pinned commit does not need (drf).
  fresh() { rm -rf "$work/$1"; git clone -q --shared --no-checkout "$mirrors/$repo/repo" "$work/$1" && git -C "$work/$1" checkout -q "$commit"; }
  copy=-/clone hardlink=-/clone uv=-/clone
  fresh warm && (cd "$work/warm" && PATH="$uv_path" bash -c "$uv_line" >/dev/null 2>&1 || true)
  # dhtl may pick another interpreter or versions than plain uv: warm the cache for its choices too.
  fresh dwarm && (cd "$work/dwarm" && node "$dhtl/bin/dhtl.js" setup --yes >/dev/null 2>&1 || true)
  fresh copy && copy=$(cd "$work/copy" && DHTL_LINK_MODE=auto seconds node "$dhtl/bin/dhtl.js" setup --yes)
  fresh hardlink && hardlink=$(cd "$work/hardlink" && DHTL_LINK_MODE=hardlink seconds node "$dhtl/bin/dhtl.js" setup --yes)
  fresh uv && uv=$(cd "$work/uv" && PATH="$uv_path" seconds bash -c "$uv_line")
  printf '%-22s copy %8s  hardlink %8s  uv %8s\n' "$id" "$copy" "$hardlink" "$uv"
  printf '%s\t%s\t%s\t%s\n' "$id" "$copy" "$hardlink" "$uv" >>"$results"
done
python3 - "$results" <<'PY'
import math, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
ok = [tuple(float(x) for x in r[1:]) for r in rows if not any("/" in x for x in r[1:])]
geo = lambda xs: math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")
print(f"{len(ok)} of {len(rows)} where all three exited 0, geometric means: "
      f"copy/uv {geo([c / u for c, h, u in ok]):.2f}, hardlink/uv {geo([h / u for c, h, u in ok]):.2f}, "
      f"copy/hardlink {geo([c / h for c, h, u in ok]):.2f}")
PY
