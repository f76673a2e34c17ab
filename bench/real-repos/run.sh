#!/usr/bin/env bash
# Real-repository bench for `dhtl setup` (issue 10). See README.md beside this file.
# Usage: bench/real-repos/run.sh [ids or categories…] [--force] [--no-uv] [--tier current|legacy]
#        [--dhtl DIR] [--results DIR] [--timeout SECONDS] [--report-only]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export PATH="$HOME/.cache/dhtl-ci/uv-0.13.9/bin:$PATH"
exec python3 "$here/bench.py" "$@"
