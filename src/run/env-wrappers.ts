/**
 * Small scripts dhtl puts in an environment's `bin/`, so that an activated shell finds what dhtl provides:
 *
 * - one wrapper per command of each dev tool installed isolated with uv (run/dev-tools.ts): `ruff` in
 *   `.venv/bin` runs the pinned ruff from its tool environment;
 * - `pip` and `pip3`: the environment has no pip of its own (uv builds it), so these forward to `uv pip`
 *   for this environment, and say, for commands that change it, that the change is not in the lock and
 *   which manifest keeps it.
 *
 * Each script says on its second line that dhtl wrote it (the marker), so dhtl can tell its scripts from
 * files a package installed: those are never replaced, and a wrapper for a tool no longer recorded goes.
 */
import { chmodSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readFileHead } from "../core/fs.js";
import { checkedProjectPath, lexists, removeProjectPath, writeProjectFile } from "../core/safe-path.js";
import { shQuote } from "./hooks/quote.js";

const TOOL_MARKER = "# dhtl tool: ";
const PIP_MARKER = "# dhtl pip: ";
const PIP_COMMANDS = ["pip", "pip3"];

/** A tool whose commands get wrappers (run/dev-tools.ts's InstalledTool is one). */
export interface WrappedTool {
  name: string;
  version: string;
  /** The tool's UV_TOOL_DIR: its commands are in `<home>/bin`. */
  home: string;
  commands: string[];
}

/** A dhtl tool wrapper as read back from `bin/`. */
export interface ToolWrapper {
  command: string;
  name: string;
  version: string;
  /** The executable it runs. */
  target: string;
}

export interface WrapperWrite {
  /** `live`: the environment is `.venv` already, so each file is replaced atomically. */
  live: boolean;
}

function binOf(envPath: string): string {
  return join(envPath, "bin");
}

/**
 * Writes a wrapper for every command of every tool, except where a file that is not dhtl's own already
 * sits (the lock installs that command: it wins), and removes dhtl's tool wrappers for tools not given.
 * Returns the commands exposed.
 */
export function writeToolWrappers(
  root: string,
  envPath: string,
  tools: WrappedTool[],
  options: WrapperWrite,
): string[] {
  const bin = binOf(envPath);
  const existing = readToolWrappers(envPath);
  const exposed: string[] = [];
  const wanted = new Set<string>();
  for (const tool of tools) {
    for (const command of tool.commands) {
      const path = join(bin, command);
      wanted.add(command);
      if (lexists(path) && !existing.has(command)) continue;
      writeScript(root, path, toolWrapperScript(tool, command), options);
      exposed.push(command);
    }
  }
  for (const command of existing.keys()) {
    if (!wanted.has(command)) removeProjectPath(root, join(bin, command));
  }
  return exposed.sort();
}

/** Every dhtl tool wrapper in the environment's `bin/`, by command. */
export function readToolWrappers(envPath: string): Map<string, ToolWrapper> {
  const bin = binOf(envPath);
  const wrappers = new Map<string, ToolWrapper>();
  let entries: string[] = [];
  try {
    entries = readdirSync(bin);
  } catch {
    return wrappers;
  }
  for (const command of entries) {
    const head = readFileHead(join(bin, command), 1024)?.toString("utf8") ?? "";
    const marker = head.split("\n")[1] ?? "";
    if (!marker.startsWith(TOOL_MARKER)) continue;
    const [name, version] = marker.slice(TOOL_MARKER.length).split(" ");
    const target = /^tool='((?:[^']|'\\'')*)'$/m.exec(head)?.[1]?.replace(/'\\''/g, "'");
    if (name && version && target) wrappers.set(command, { command, name, version, target });
  }
  return wrappers;
}

export function toolWrapperScript(tool: WrappedTool, command: string): string {
  const target = join(tool.home, "bin", command);
  const missing = `dhtl: ${tool.name} ${tool.version} is not installed on this machine; run \`dhtl fix-env\``;
  return [
    "#!/bin/sh",
    `${TOOL_MARKER}${tool.name} ${tool.version} (installed isolated with uv tool; recorded in .dhtconfig tools:)`,
    `tool=${shQuote(target)}`,
    'if [ ! -x "$tool" ]; then',
    `  echo ${shQuote(missing)} >&2`,
    "  exit 127",
    "fi",
    'exec "$tool" "$@"',
    "",
  ].join("\n");
}

/** What the pip wrapper needs to know: uv, and where a requirement belongs to be kept. */
export interface PipWrapperInputs {
  /** Absolute path of the uv dhtl used (`uv` on PATH is the fallback when it is gone). */
  uvPath: string;
  /** Where a new runtime dependency belongs (`pyproject.toml [project] dependencies`), or null when unknown. */
  manifest: string | null;
  /** The lock file the environment is built from (`uv.lock`). */
  lockFile: string;
}

/**
 * Writes `bin/pip` and `bin/pip3` unless the environment has a real pip (the lock installs one): then that
 * pip stays, as the project chose.
 */
export function writePipWrappers(
  root: string,
  envPath: string,
  inputs: PipWrapperInputs,
  options: WrapperWrite,
): boolean {
  const bin = binOf(envPath);
  const paths = PIP_COMMANDS.map((command) => join(bin, command));
  if (paths.some((path) => lexists(path) && !isPipWrapper(path))) return false;
  for (const path of paths) writeScript(root, path, pipWrapperScript(inputs), options);
  return true;
}

function isPipWrapper(path: string): boolean {
  const head = readFileHead(path, 256)?.toString("utf8") ?? "";
  return (head.split("\n")[1] ?? "").startsWith(PIP_MARKER);
}

export function pipWrapperScript(inputs: PipWrapperInputs): string {
  const keep = inputs.manifest
    ? `add it to ${inputs.manifest} (\`dhtl add NAME\` edits it, locks and installs in one step)`
    : "add it to the project's manifest and run `dhtl setup`";
  const warning = [
    "dhtl: this changes .venv only, not the lock (%s): `dhtl fix-env` or `dhtl regenerate` undoes it.",
    `dhtl: to keep a package, ${keep}.`,
  ].join("\\n");
  return [
    "#!/bin/sh",
    `${PIP_MARKER}forwards to \`uv pip\` for this environment (it has no pip of its own)`,
    `uv=${shQuote(inputs.uvPath)}`,
    '[ -x "$uv" ] || uv=uv',
    "# The environment this script sits in, through any link to it (.venv → .dhtl/envs/…).",
    'VIRTUAL_ENV=$(cd "$(dirname "$0")/.." && pwd -P) || exit 1',
    "export VIRTUAL_ENV",
    "unset CONDA_PREFIX UV_SYSTEM_PYTHON PIP_REQUIRE_VIRTUALENV",
    // Copies, never hardlinks into uv's cache: the same rule dhtl builds environments by.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not JavaScript's.
    'export UV_LINK_MODE="${UV_LINK_MODE:-copy}"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not JavaScript's.
    'case "${1-}" in',
    "  install | uninstall | sync)",
    `    printf ${shQuote(`${warning}\\n`)} ${shQuote(inputs.lockFile)} >&2`,
    "    ;;",
    '  "" | -h | --help | help)',
    "    echo 'pip here is `uv pip` for this environment (dhtl); python -m pip is not installed.' >&2",
    "    ;;",
    "esac",
    'exec "$uv" pip "$@"',
    "",
  ].join("\n");
}

function writeScript(root: string, path: string, text: string, options: WrapperWrite): void {
  if (options.live) {
    writeProjectFile(root, path, text, 0o755);
    return;
  }
  // An environment that is not live yet: the swap publishes it whole (as the activation scripts).
  const checked = checkedProjectPath(root, path);
  writeFileSync(checked, text, { mode: 0o755 });
  chmodSync(checked, 0o755);
}
