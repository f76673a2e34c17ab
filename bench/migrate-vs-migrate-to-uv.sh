#!/usr/bin/env bash
# Runs `dhtl migrate` and `migrate-to-uv` (https://pypi.org/project/migrate-to-uv/) on copies of the same
# fixture projects (test/fixtures/migrate/*) and prints, per fixture, a unified diff of the two resulting
# pyproject.toml files (theirs → ours) and the versions each uv.lock resolved.
#
# Usage: npm run build && bench/migrate-vs-migrate-to-uv.sh
#   DHTL_MIGRATE  command that runs dhtl's migrate (default: node bin/dhtl.js migrate)
#   M2U_VERSION   migrate-to-uv version to run (default: the newest on PyPI)
# Work happens under bench/.work/migrate/ (deleted and recreated on each run); the checkout is not touched.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK="$ROOT/bench/.work/migrate"
FIXTURES="$ROOT/test/fixtures/migrate"
DHTL_MIGRATE=${DHTL_MIGRATE:-"node $ROOT/bin/dhtl.js migrate"}
M2U="migrate-to-uv${M2U_VERSION:+==$M2U_VERSION}"
export UV_PYTHON_DOWNLOADS=never NO_COLOR=1

rm -rf "$WORK"
mkdir -p "$WORK"

# The pip fixture's git dependency lives in a local repository: the network reaches only PyPI.
REPO="$WORK/gitrepo"
mkdir -p "$REPO/tinygit"
printf '[project]\nname = "tinygit"\nversion = "0.1.0"\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' >"$REPO/pyproject.toml"
echo "VALUE = 1" >"$REPO/tinygit/__init__.py"
git -C "$REPO" init -q
git -C "$REPO" add -A
git -C "$REPO" -c user.email=b@example.org -c user.name=bench commit -qm init
git -C "$REPO" tag v0.1.0

echo "migrate-to-uv: $(uv tool run --from "$M2U" migrate-to-uv --version 2>/dev/null)"

locked_versions() {
  # name==version for every package uv.lock resolved from an index, sorted.
  [ -f "$1/uv.lock" ] || { echo "(no uv.lock)"; return; }
  python3 - "$1/uv.lock" <<'PY'
import sys, tomllib
lock = tomllib.load(open(sys.argv[1], "rb"))
print(" ".join(sorted(f"{p['name']}=={p['version']}" for p in lock.get("package", []) if "registry" in p.get("source", {}))))
PY
}

for fixture in poetry pipenv pip conda setuptools; do
  echo
  echo "=================================================================== $fixture"
  for side in ours theirs; do
    cp -r "$FIXTURES/$fixture" "$WORK/$fixture-$side"
    if [ -f "$WORK/$fixture-$side/requirements.txt" ]; then
      sed -i "s#{{GIT_REPO}}#$REPO#" "$WORK/$fixture-$side/requirements.txt"
    fi
  done

  start=$(date +%s%N)
  # shellcheck disable=SC2086
  if ! $DHTL_MIGRATE "$WORK/$fixture-ours" --yes >"$WORK/$fixture-ours.log" 2>&1; then
    echo "dhtl migrate failed:"; tail -5 "$WORK/$fixture-ours.log"
  fi
  ours_ms=$(( ($(date +%s%N) - start) / 1000000 ))

  start=$(date +%s%N)
  case $fixture in
    pip|poetry|pipenv)
      if ! uv tool run --from "$M2U" migrate-to-uv --skip-uv-checks "$WORK/$fixture-theirs" >"$WORK/$fixture-theirs.log" 2>&1; then
        echo "migrate-to-uv failed: $(grep -m1 -E '^error|Not a valid' "$WORK/$fixture-theirs.log" | sed 's/^ *//')"
        # Retry without its lock step, on a fresh copy, so its pyproject.toml can still be compared.
        rm -rf "$WORK/$fixture-theirs"
        cp -r "$FIXTURES/$fixture" "$WORK/$fixture-theirs"
        [ -f "$WORK/$fixture-theirs/requirements.txt" ] && sed -i "s#{{GIT_REPO}}#$REPO#" "$WORK/$fixture-theirs/requirements.txt"
        echo "migrate-to-uv retried with --skip-lock"
        uv tool run --from "$M2U" migrate-to-uv --skip-uv-checks --skip-lock "$WORK/$fixture-theirs" >>"$WORK/$fixture-theirs.log" 2>&1 || true
      fi ;;
    *) echo "migrate-to-uv does not support $fixture projects" >"$WORK/$fixture-theirs.log" ;;
  esac
  theirs_ms=$(( ($(date +%s%N) - start) / 1000000 ))

  echo "time: dhtl ${ours_ms} ms, migrate-to-uv ${theirs_ms} ms (wall clock; uv lock included where it ran)"
  echo "locked (dhtl):          $(locked_versions "$WORK/$fixture-ours")"
  echo "locked (migrate-to-uv): $(locked_versions "$WORK/$fixture-theirs")"
  if [ -f "$WORK/$fixture-theirs/pyproject.toml" ] && [ "$fixture" != conda ] && [ "$fixture" != setuptools ]; then
    diff -u --label "migrate-to-uv/pyproject.toml" --label "dhtl/pyproject.toml" \
      "$WORK/$fixture-theirs/pyproject.toml" "$WORK/$fixture-ours/pyproject.toml" || true
  else
    cat "$WORK/$fixture-theirs.log"
    echo "--- dhtl/pyproject.toml"
    cat "$WORK/$fixture-ours/pyproject.toml"
  fi
done
