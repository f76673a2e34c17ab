#!/usr/bin/env bash
# `dhtl export docker|devcontainer|ci` on real repositories (issue 13), judged by the real validators:
# hadolint for both Dockerfiles, actionlint (with shellcheck) for the workflow, the devcontainer spec's JSON
# schema for devcontainer.json. Each repository is cloned from its mirror (the session's `fetch` puts it in
# /work/.mirror) at the commit bench/real-repos/repos.json pins, set up with `dhtl setup --yes`, exported.
#
#   npm run build                         # the validators come from .ci/run (into ~/.cache/dhtl-ci)
#   bench/export-real.sh                  # flask (uv), marko (PDM), heroku-2020 (requirements, Django)
#   bench/export-real.sh schedule six     # any ids of repos.json
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ids=("$@")
((${#ids[@]})) || ids=(flask marko heroku-2020)
validators="${XDG_CACHE_HOME:-$HOME/.cache}/dhtl-ci/validators/bin"
export PATH="${XDG_CACHE_HOME:-$HOME/.cache}/dhtl-ci/uv-0.13.9/bin:$validators:$PATH"
work="$(mktemp -d "${TMPDIR:-/tmp}/dhtl-export-real-XXXXXX")"
trap 'rm -rf "$work"' EXIT

printf '| repo | flavour | setup | docker (hadolint) | devcontainer (hadolint, schema) | ci (actionlint) |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for id in "${ids[@]}"; do
  read -r repo commit category < <(python3 - "$here/bench/real-repos/repos.json" "$id" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for entry in data["repos"] if isinstance(data, dict) else data:
    if entry["id"] == sys.argv[2]:
        print(entry["repo"], entry["commit"], entry["category"])
PY
  )
  dir="$work/$id"
  git clone -q --shared "/work/.mirror/${repo/\//+}/repo" "$dir"
  git -C "$dir" checkout -q "$commit"
  verdict() { if "$@" >"$work/$id.out" 2>&1; then echo ok; else echo "FAIL: $(tail -1 "$work/$id.out")"; fi; }
  setup=$(verdict node "$here/bin/dhtl.js" setup --yes "$dir")
  # --force: a throwaway clone; a project's own devcontainer or workflow is replaced to be judged.
  for target in docker devcontainer ci; do node "$here/bin/dhtl.js" export "$target" --force "$dir" >/dev/null 2>&1; done
  docker=$(verdict hadolint "$dir/Dockerfile")
  devcontainer_docker=$(verdict hadolint "$dir/.devcontainer/Dockerfile")
  schema=$(verdict node --input-type=module -e "
    import { readFileSync } from 'node:fs';
    import { Ajv2019 } from '$here/node_modules/ajv/dist/2019.js';
    const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync('$here/test/support/schemas/devContainer.base.schema.json', 'utf8')));
    if (!validate(JSON.parse(readFileSync('$dir/.devcontainer/devcontainer.json', 'utf8')))) {
      console.error(ajv.errorsText(validate.errors)); process.exit(1);
    }")
  ci=$(verdict actionlint "$dir/.github/workflows/dhtl.yml")
  printf '| %s | %s | %s | %s | %s, %s | %s |\n' "$id" "$category" "$setup" "$docker" "$devcontainer_docker" "$schema" "$ci"
done
