/**
 * What the project's CI installs of the project itself: extras named by `uv sync --all-extras` / `--extra X`
 * (and `uv run`), `pip install -e .[test]` (`uv pip install`, quoted or not), `poetry install --all-extras` /
 * `-E X`. Read as text from the commands of GitHub workflows, `.gitlab-ci.yml` and `.travis.yml`; nothing
 * else of a CI file is interpreted, and nothing in it is ever fatal.
 * Spec: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax
 */
import { type DevExtra, emptyManifest, type ManifestReader } from "../types.js";

/** Extra names as PEP 685 allows them (a `${{ matrix.extra }}` expression is not one). */
const EXTRA_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export const ciReader: ManifestReader = {
  name: "ci",
  spec: "https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax",
  claims: (relPath) =>
    /^\.github\/workflows\/[^/]+\.ya?ml$/i.test(relPath) ||
    relPath === ".gitlab-ci.yml" ||
    relPath === ".travis.yml",
  read(file) {
    const devExtras = ciExtras(file.text, file.path);
    if (devExtras.length === 0) return [];
    const manifest = emptyManifest("ci", file.path);
    manifest.devExtras = devExtras;
    return [manifest];
  },
};

/** Every extra of the project the commands in `text` install, with the command and its line. */
export function ciExtras(text: string, file: string): DevExtra[] {
  const found: DevExtra[] = [];
  for (const { command, line } of commands(text)) {
    const how = command.length > 120 ? `${command.slice(0, 117)}...` : command;
    for (const extra of extrasOf(command)) found.push({ extra, file, line, how });
  }
  return found;
}

/** The extras one shell command installs ("*" for all of them). */
export function extrasOf(command: string): string[] {
  // Words as a shell splits them, quotes removed (`-E "a b"` is one word).
  const words = [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  if (/\buv\s+(sync|run)\b/.test(command) || /\bpoetry\s+install\b/.test(command)) {
    const poetry = /\bpoetry\s+install\b/.test(command);
    const extras: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (word === "--all-extras") extras.push("*");
      const [flag, inline] = word.includes("=")
        ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)]
        : [word, null];
      const named = flag === "--extra" || (poetry && (flag === "-E" || flag === "--extras"));
      if (!named) continue;
      const value = inline ?? words[++i] ?? "";
      // `poetry install --extras "a b"`: several extras in one word.
      extras.push(...value.replace(/^["']|["']$/g, "").split(/[\s,]+/));
    }
    return extras.filter((extra) => extra === "*" || EXTRA_NAME.test(extra));
  }
  if (!/\bpip3?\s+install\b/.test(command)) return [];
  const extras: string[] = [];
  for (const match of command.matchAll(/(?:^|\s|=)["']?\.\/?\[([^\]]+)\]["']?(?=\s|$)/g)) {
    extras.push(...match[1]!.split(",").map((extra) => extra.trim()));
  }
  return extras.filter((extra) => EXTRA_NAME.test(extra));
}

/** Shell commands in a CI file: lines (continuations joined) split at `&&`, `||`, `;` and `|`. */
function commands(text: string): { command: string; line: number }[] {
  const out: { command: string; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let joined = lines[i]!;
    while (joined.endsWith("\\") && i + 1 < lines.length)
      joined = `${joined.slice(0, -1)} ${lines[++i]!.trim()}`;
    // `- run: uv sync`, `run: |` bodies and list items alike: the command is what follows the YAML syntax.
    const body = joined.replace(/^\s*(-\s+)?(run|script|command)?:?\s*/, "").replace(/^-\s+/, "");
    for (const part of body.split(/&&|\|\||;|\|/)) {
      const command = part
        .trim()
        .replace(/^["']|["']$/g, "")
        .replace(/\s+/g, " ");
      if (command) out.push({ command, line: start + 1 });
    }
  }
  return out;
}
