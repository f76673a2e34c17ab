/**
 * The snippet `dhtl hook <shell>` prints for the user's rc file: entering a directory inside a dhtl
 * project sources its `.venv/bin/activate.dht`; leaving it deactivates. The per-prompt cost must be
 * negligible, so zsh and fish run the hook only when the directory changes (`chpwd`, `--on-variable PWD`)
 * and bash, which has no such event, returns after one string comparison when `$PWD` is unchanged.
 */
import { DhtlError } from "../../core/errors.js";
import { BASH_HOOK_FILE, FISH_HOOK_FILE } from "./activation.js";

export const HOOK_SHELLS = ["bash", "zsh", "fish"] as const;
export type HookShell = (typeof HOOK_SHELLS)[number];

export function isHookShell(value: string): value is HookShell {
  return (HOOK_SHELLS as readonly string[]).includes(value);
}

export function cdHookSnippet(shell: string): string {
  if (!isHookShell(shell)) {
    throw new DhtlError("badInput", `unsupported shell '${shell}'`, {
      hint: `use one of: ${HOOK_SHELLS.join(", ")}`,
    });
  }
  if (shell === "fish") return FISH_SNIPPET;
  return shell === "zsh" ? `${POSIX_FUNCTIONS}${ZSH_REGISTRATION}` : `${POSIX_FUNCTIONS}${BASH_REGISTRATION}`;
}

/** Shared by bash and zsh; `$?` is kept so prompts that show the last exit status still see it. */
const POSIX_FUNCTIONS = `# dhtl: activate a dhtl project's environment when entering it, deactivate when leaving.
_dhtl_hook() {
  local _dhtl_status=$?
  [ "$PWD" = "\${_DHTL_PWD-}" ] && return $_dhtl_status
  _DHTL_PWD=$PWD
  local _dhtl_dir=$PWD
  while [ -n "$_dhtl_dir" ] && [ ! -f "$_dhtl_dir/.venv/bin/${BASH_HOOK_FILE}" ]; do
    _dhtl_dir=\${_dhtl_dir%/*}
  done
  if [ -n "$_dhtl_dir" ]; then
    if [ "$_dhtl_dir" != "\${_DHTL_ACTIVE-}" ]; then
      _dhtl_leave
      _DHTL_ACTIVE=$_dhtl_dir
      . "$_dhtl_dir/.venv/bin/${BASH_HOOK_FILE}"
    fi
  else
    _dhtl_leave
  fi
  return $_dhtl_status
}
_dhtl_leave() {
  unset _DHTL_ACTIVE
  [ "\${DHT_MANAGED-}" = true ] || return 0
  if [ -n "\${VIRTUAL_ENV-}" ] && [ "$VIRTUAL_ENV" = "\${DHT_VENV_PATH-}" ] && command -v deactivate >/dev/null 2>&1; then
    deactivate
  fi
  unset DHT_PROJECT_ROOT DHT_VENV_PATH DHT_MANAGED
}
`;

const BASH_REGISTRATION = `case ";\${PROMPT_COMMAND[*]-};" in
  *_dhtl_hook*) ;;
  *)
    if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
      PROMPT_COMMAND=(_dhtl_hook "\${PROMPT_COMMAND[@]}")
    else
      PROMPT_COMMAND="_dhtl_hook\${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
    fi
    ;;
esac
_dhtl_hook
`;

const ZSH_REGISTRATION = `autoload -Uz add-zsh-hook
add-zsh-hook chpwd _dhtl_hook
_dhtl_hook
`;

const FISH_SNIPPET = `# dhtl: activate a dhtl project's environment when entering it, deactivate when leaving.
function _dhtl_hook --on-variable PWD
    set -l dir $PWD
    while test -n "$dir"; and not test -f "$dir/.venv/bin/${FISH_HOOK_FILE}"
        set dir (string replace -r '/[^/]*$' '' -- $dir)
    end
    if test -n "$dir"
        test "$dir" = "$_dhtl_active"; and return
        _dhtl_leave
        set -g _dhtl_active $dir
        source "$dir/.venv/bin/${FISH_HOOK_FILE}"
    else
        _dhtl_leave
    end
end
function _dhtl_leave
    set -e _dhtl_active
    test "$DHT_MANAGED" = true; or return 0
    if test -n "$VIRTUAL_ENV"; and test "$VIRTUAL_ENV" = "$DHT_VENV_PATH"; and functions -q deactivate
        deactivate
    end
    set -e DHT_PROJECT_ROOT
    set -e DHT_VENV_PATH
    set -e DHT_MANAGED
end
_dhtl_hook
`;
