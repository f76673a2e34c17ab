#!/usr/bin/env bash
# `dhtl --version` start-up against a bare `node -e 0`: the bundle must add little to Node's own start.
# Usage: bash bench/startup.sh [runs]   (builds the bundle first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
npm run --silent build

# Median wall time in milliseconds of a command run $runs times.
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

node_ms=$(median_ms node -e 0)
dhtl_ms=$(median_ms node bin/dhtl.js --version)
help_ms=$(median_ms node bin/dhtl.js --help)
echo "node -e 0:            ${node_ms} ms"
echo "dhtl --version:       ${dhtl_ms} ms"
echo "dhtl --help:          ${help_ms} ms"
awk -v d="$dhtl_ms" -v n="$node_ms" 'BEGIN { printf "ratio dhtl --version / node -e 0: %.2fx (+%d ms)\n", d / n, d - n }'
