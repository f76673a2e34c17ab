/**
 * Makes the venv's own `activate` scripts name the environment by its stable path, `<project>/.venv`.
 *
 * uv's relocatable scripts compute `VIRTUAL_ENV` with `realpath`, which follows the `.venv` link to the
 * environment behind it (`.dhtl/envs/env-a`). A shell activated so keeps `.dhtl/envs/env-a/bin` on PATH,
 * and when regenerate, fix-env or a second setup swaps `.venv` to `env-b` and deletes `env-a`, `python`
 * silently falls back to whatever else is on PATH. Named by the link, PATH holds `<project>/.venv/bin`,
 * which reaches whichever environment is live: its `python` is a link to the interpreter (Python finds
 * `pyvenv.cfg` beside the path it was started from) and its scripts' shebangs find their `python` from
 * their own resolved path, so both keep working across swaps.
 *
 * The added lines switch to the link only when it resolves to this very environment, so a script sourced
 * straight from a build slot that is not live keeps naming that slot.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkedProjectPath } from "../../core/safe-path.js";

const MARK = "# dhtl: name the environment by its stable link";

/** bash/zsh/sh `activate`: the line after uv's `VIRTUAL_ENV=…realpath…`. */
const POSIX_LINES = [
  MARK,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not JavaScript's.
  '_dhtl_link="${VIRTUAL_ENV%/.dhtl/envs/*}/.venv"',
  'if [ "$_dhtl_link" != "$VIRTUAL_ENV/.venv" ] && [ "$_dhtl_link" -ef "$VIRTUAL_ENV" ]; then',
  '    VIRTUAL_ENV="$_dhtl_link"',
  "fi",
  "unset _dhtl_link",
];

const FISH_LINES = [
  MARK,
  "set -l _dhtl_link (string replace -r '/\\.dhtl/envs/[^/]*$' '' -- \"$VIRTUAL_ENV\")/.venv",
  'if test "$_dhtl_link" != "$VIRTUAL_ENV/.venv"; and test (realpath -- "$_dhtl_link" 2>/dev/null) = "$VIRTUAL_ENV"',
  '    set -gx VIRTUAL_ENV "$_dhtl_link"',
  "end",
];

const SCRIPTS: { file: string; anchor: RegExp; lines: string[] }[] = [
  { file: "activate", anchor: /^VIRTUAL_ENV=.*realpath.*$/m, lines: POSIX_LINES },
  { file: "activate.fish", anchor: /^set -gx VIRTUAL_ENV .*realpath.*$/m, lines: FISH_LINES },
];

/**
 * Rewrites `bin/activate` and `bin/activate.fish` of an environment that is not live yet (written like
 * the hooks beside them: the swap publishes them). Idempotent; a script without uv's relocatable line
 * (another uv version) is left as it is.
 */
export function useStableVenvPath(root: string, venv: string): void {
  for (const script of SCRIPTS) {
    const path = checkedProjectPath(root, join(venv, "bin", script.file));
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue;
    }
    if (text.includes(MARK)) continue;
    const match = script.anchor.exec(text);
    if (!match) continue;
    const end = match.index + match[0].length;
    writeFileSync(path, `${text.slice(0, end)}\n${script.lines.join("\n")}${text.slice(end)}`);
  }
}
