#!/usr/bin/env bash
# The environment checksum of 300 distributions (what the checksum test once timed, here without a limit
# that fails on a busy machine). Usage: bench/checksum-speed.sh [runs]
set -euo pipefail
runs="${1:-7}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dhtl-bench-checksum.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$repo"
npx esbuild bench/checksum-speed.ts --bundle --platform=node --format=esm --log-level=warning \
  --outfile="$work/bench.mjs"
mkdir -p "$work/venv"
node "$work/bench.mjs" "$work/venv" "$runs"
