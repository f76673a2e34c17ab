/**
 * The snippet `dhtl hook <shell>` prints for the user's rc file: entering a directory inside a dhtl
 * project sources its `.venv/bin/activate.dht` — only when the project is allowed (`dhtl allow`, or a setup
 * run on this machine) and the scripts it sources are unchanged since (allow.ts); otherwise it prints one
 * line saying how to allow it. Leaving deactivates. The per-prompt cost must be negligible, so zsh and fish
 * run the hook only when the directory changes (`chpwd`, `--on-variable PWD`) and bash, which has no such
 * event, returns after one string comparison when `$PWD` is unchanged; the allow check (a `cd -P` and two
 * `cmp`) runs only on entering a project.
 */
import { DhtlError } from "../../core/errors.js";
import { BASH_HOOK_FILE, FISH_HOOK_FILE } from "./activation.js";
import { ALLOWED_DIR } from "./allow.js";

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
const POSIX_FUNCTIONS = `# dhtl: activate an allowed dhtl project's environment when entering it, deactivate when leaving.
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
      if _dhtl_allowed "$_dhtl_dir" ${BASH_HOOK_FILE} activate; then
        _DHTL_ACTIVE=$_dhtl_dir
        . "$_dhtl_dir/.venv/bin/${BASH_HOOK_FILE}"
      elif [ "$_dhtl_dir" != "\${_DHTL_REFUSED-}" ]; then
        _DHTL_REFUSED=$_dhtl_dir
        printf 'dhtl: not activating %s (not allowed, or its activation script changed); to trust it: dhtl allow %s\\n' "$_dhtl_dir" "$_dhtl_dir" >&2
      fi
    fi
  else
    _dhtl_leave
    unset _DHTL_REFUSED
  fi
  return $_dhtl_status
}
# True when the project's physical path is on dhtl's allow list and the scripts named are the allowed ones.
_dhtl_allowed() {
  local _dhtl_real _dhtl_rec _dhtl_file
  # zsh would run its chpwd hooks (this one) in the subshell: they are cleared there first.
  _dhtl_real=$(chpwd_functions=(); CDPATH='' cd -P -- "$1" >/dev/null 2>&1 && pwd -P) || return 1
  _dhtl_rec="\${DHTL_HOME:-\${XDG_DATA_HOME:-$HOME/.local/share}/dhtl}/allow$_dhtl_real/${ALLOWED_DIR}"
  shift
  for _dhtl_file in "$@"; do
    [ -f "$_dhtl_rec/$_dhtl_file" ] && cmp -s -- "$_dhtl_rec/$_dhtl_file" "$_dhtl_real/.venv/bin/$_dhtl_file" || return 1
  done
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

const FISH_SNIPPET = `# dhtl: activate an allowed dhtl project's environment when entering it, deactivate when leaving.
function _dhtl_hook --on-variable PWD
    set -l dir $PWD
    while test -n "$dir"; and not test -f "$dir/.venv/bin/${FISH_HOOK_FILE}"
        set dir (string replace -r '/[^/]*$' '' -- $dir)
    end
    if test -n "$dir"
        test "$dir" = "$_dhtl_active"; and return
        _dhtl_leave
        if _dhtl_allowed $dir ${FISH_HOOK_FILE} activate.fish
            set -g _dhtl_active $dir
            source "$dir/.venv/bin/${FISH_HOOK_FILE}"
        else if test "$dir" != "$_dhtl_refused"
            set -g _dhtl_refused $dir
            printf 'dhtl: not activating %s (not allowed, or its activation script changed); to trust it: dhtl allow %s\\n' $dir $dir >&2
        end
    else
        _dhtl_leave
        set -e _dhtl_refused
    end
end
# True when the project's physical path is on dhtl's allow list and the scripts named are the allowed ones.
function _dhtl_allowed
    set -l real (builtin realpath -- $argv[1] 2>/dev/null); or return 1
    set -l data $DHTL_HOME
    if test -z "$data"
        if test -n "$XDG_DATA_HOME"
            set data $XDG_DATA_HOME/dhtl
        else
            set data $HOME/.local/share/dhtl
        end
    end
    set -l rec "$data/allow$real/${ALLOWED_DIR}"
    for file in $argv[2..-1]
        test -f "$rec/$file"; and cmp -s -- "$rec/$file" "$real/.venv/bin/$file"; or return 1
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
