#!/usr/bin/env bash
# Real-repository bench for `dhtl migrate` beside migrate-to-uv (issue 14). See README.md beside this file.
# Usage: bench/real-repos/migrate/run.sh [ids or categories…] [--force] [--dhtl DIR] [--results DIR] [--report-only]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export PATH="$HOME/.cache/dhtl-ci/uv-0.13.9/bin:$PATH"
exec python3 "$here/bench_migrate.py" "$@"
