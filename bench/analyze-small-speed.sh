#!/usr/bin/env bash
# `dhtl analyze --json` on a small project, machine probes included, against deptry on the same tree.
# Target (issue 11): dhtl no slower than deptry. The two take turns (ABAB…) after one untimed run each
# (dhtl's probe cache and code cache, deptry's bytecode cache warm), and the median of N runs is compared.
# Usage: bench/analyze-small-speed.sh [TREE] [runs]
#   TREE defaults to examples/hello-app; any checkout works (bench/real-repos mirrors: git archive one).
#   KEEP_WORK=1 keeps bench/.work (deptry's venv) for the next run.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
tree="$(cd "${1:-$repo/examples/hello-app}" && pwd)"
runs="${2:-9}"
work="$repo/bench/.work"
venv="$work/venv"
python312="${PYTHON312:-$HOME/.pyenv/versions/3.12.1/bin/python3.12}"
if [[ "${KEEP_WORK:-0}" != 1 ]]; then trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
if [[ ! -x "$venv/bin/deptry" ]]; then
  uv venv --quiet --python "$python312" "$venv"
  # Copies, not hard links into uv's cache: nothing done in bench/.work can reach the cache.
  VIRTUAL_ENV="$venv" uv pip install --quiet --link-mode copy deptry
fi
[[ -f "$repo/dist/dhtl.cjs" ]] || { echo "run npm run build first" >&2; exit 2; }

files="$(find "$tree" -name '*.py' -not -path '*/.venv/*' | wc -l)"
echo "tree: $tree ($files .py files); $("$venv/bin/deptry" --version); node $(node --version)"

ms() { local start end; start="$(date +%s%N)"; "$@" >/dev/null 2>&1 || true; end="$(date +%s%N)"; echo $(((end - start) / 1000000)); }
dhtl_full() { (cd "$tree" && node "$repo/bin/dhtl.js" analyze . --json); }
dhtl_project() { (cd "$tree" && node "$repo/bin/dhtl.js" analyze . --json --no-machine --no-user); }
deptry_run() { (cd "$tree" && "$venv/bin/deptry" .); }

ms dhtl_full >/dev/null
ms deptry_run >/dev/null
full=() project=() deptry=()
for ((i = 0; i < runs; i++)); do
  full+=("$(ms dhtl_full)")
  deptry+=("$(ms deptry_run)")
  project+=("$(ms dhtl_project)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_full="$(median "${full[@]}")" m_project="$(median "${project[@]}")" m_deptry="$(median "${deptry[@]}")"
echo "median of $runs runs on $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg):"
awk -v a="$m_full" -v b="$m_project" -v d="$m_deptry" 'BEGIN {
  printf "  %-44s %6d ms  %.2fx deptry\n", "dhtl analyze --json (machine probes included)", a, a / d
  printf "  %-44s %6d ms  %.2fx deptry\n", "dhtl analyze --json --no-machine --no-user", b, b / d
  printf "  %-44s %6d ms\n", "deptry .", d
  if (a <= d) print "target met: dhtl analyze, probes included, is no slower than deptry"
  else { print "target MISSED: dhtl analyze, probes included, is slower than deptry"; exit 1 }
}'
