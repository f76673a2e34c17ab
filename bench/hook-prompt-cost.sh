#!/usr/bin/env bash
# Per-prompt cost of `dhtl hook <shell>` when the directory did not change, in bash, zsh and fish,
# against the same shell with no hook. Also shows the one-off cost of entering a project.
# Usage: bench/hook-prompt-cost.sh [prompts]     (DHTL="node path/to/dhtl.js" to use another build)
set -euo pipefail

prompts="${1:-20000}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
dhtl="${DHTL:-node $repo/bin/dhtl.js}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dhtl-bench-hook.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A project as setup leaves it: a venv with the activation scripts (the drift check is stubbed out so
# only the hook itself is timed).
project="$work/project"
mkdir -p "$project/src/pkg"
uv venv --quiet "$project/.venv"
printf '. "%s/.venv/bin/activate"\nexport DHT_PROJECT_ROOT="%s" DHT_VENV_PATH="$VIRTUAL_ENV" DHT_MANAGED=true\n' \
  "$project" "$project" >"$project/.venv/bin/activate.dht"
printf 'source "%s/.venv/bin/activate.fish"\nset -gx DHT_PROJECT_ROOT "%s"\nset -gx DHT_VENV_PATH $VIRTUAL_ENV\nset -gx DHT_MANAGED true\n' \
  "$project" "$project" >"$project/.venv/bin/activate.dht.fish"

for shell in bash zsh fish; do $dhtl hook "$shell" >"$work/hook.$shell"; done

# Seconds (floating point) for `prompts` prompts in each shell, with and without the hook loaded.
bash_prompts() { # $1: snippet file or empty
  bash --noprofile --norc -c '
    [ -n "$1" ] && . "$1"
    cd "$2/src/pkg"; eval "${PROMPT_COMMAND-}"
    start=$EPOCHREALTIME
    for ((i = 0; i < $3; i++)); do eval "${PROMPT_COMMAND-}"; done
    echo "$start $EPOCHREALTIME"' _ "$1" "$project" "$prompts" | awk '{ print $2 - $1 }'
}
zsh_prompts() {
  zsh -f -c '
    zmodload zsh/datetime
    [ -n "$1" ] && . "$1"
    cd "$2/src/pkg"
    start=$EPOCHREALTIME
    for ((i = 0; i < $3; i++)); do for f in $precmd_functions; do $f; done; done
    echo $(( EPOCHREALTIME - start ))' _ "$1" "$project" "$prompts"
}
fish_prompts() {
  fish --no-config -c '
    test -n "$argv[1]"; and source $argv[1]
    cd $argv[2]/src/pkg
    set start (date +%s%N)
    for i in (seq $argv[3]); emit fish_prompt; end
    math "($(date +%s%N) - $start) / 1000000000"' "$1" "$project" "$prompts"
}

printf '%-5s %14s %14s %14s\n' shell "no hook (µs)" "hook (µs)" "cost (µs)"
for shell in bash zsh fish; do
  base="$("${shell}_prompts" "")"
  hook="$("${shell}_prompts" "$work/hook.$shell")"
  awk -v s="$shell" -v b="$base" -v h="$hook" -v n="$prompts" \
    'BEGIN { printf "%-5s %14.2f %14.2f %14.2f\n", s, b * 1e6 / n, h * 1e6 / n, (h - b) * 1e6 / n }'
done

# Entering a project (walk up, source activate.dht) happens once per cd into it.
enter="$(bash --noprofile --norc -c '
  . "$1"; start=$EPOCHREALTIME
  for ((i = 0; i < 50; i++)); do cd /; eval "$PROMPT_COMMAND"; cd "$2/src/pkg"; eval "$PROMPT_COMMAND"; done
  echo "$start $EPOCHREALTIME"' _ "$work/hook.bash" "$project" | awk '{ print $2 - $1 }')"
awk -v t="$enter" 'BEGIN { printf "bash: enter + leave a project (stubbed drift check): %.2f ms\n", t * 1000 / 50 }'
