/**
 * Every file that names a Python version the project runs on without stating what it needs: CI matrices
 * (GitHub Actions, Travis), tox and nox environments, Docker and devcontainer images, trove classifiers
 * and `.python-version-*` files. Each becomes a hint in `python.candidates` with its file, line and
 * reason; hints rank the installed interpreters a range allows (plan/interpreter-choice.ts), they never
 * pin one. Nothing of the project is run; a file that cannot be read is an info diagnostic, not an error.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { PythonVersionSource, ReadContext } from "../manifests/types.js";
import { githubActionsHints, travisHints } from "./ci.js";
import { classifierHints } from "./classifiers.js";
import { devcontainerHints, dockerfileHints } from "./containers.js";
import { noxHints, toxHints } from "./test-runners.js";
import { hintSource } from "./versions.js";

export interface PythonHints {
  hints: PythonVersionSource[];
  diagnostics: Diagnostic[];
}

type Reader = (file: string, text: string) => PythonVersionSource[];

/** The hint files of the project at `root`, read through `ctx` (confined to the project). */
export function collectPythonHints(root: string, ctx: ReadContext): PythonHints {
  const hints: PythonVersionSource[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [file, read] of hintFiles(root)) {
    let text: string;
    try {
      text = ctx.readFile(file, { file, line: null }).text;
    } catch {
      continue; // a link leaving the project, a binary or huge file: no hint from it
    }
    try {
      hints.push(...read(file, text));
    } catch (error) {
      const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
      diagnostics.push(diagnostic("info", file, `no Python version read from it: ${why}`, null));
    }
  }
  return { hints, diagnostics };
}

/** Which files to read and with which reader, in a stable order. */
function hintFiles(root: string): [string, Reader][] {
  const files: [string, Reader][] = [];
  const rootEntries = listFiles(root);
  for (const name of rootEntries) {
    if (name === ".travis.yml") files.push([name, travisHints]);
    else if (name === "tox.ini") files.push([name, (f, t) => toxHints(f, t)]);
    else if (name === "noxfile.py") files.push([name, noxHints]);
    else if (isDockerfileName(name)) files.push([name, dockerfileHints]);
    else if (name === ".devcontainer.json") files.push([name, devcontainerHints]);
    else if (name === "pyproject.toml" || name === "setup.py") files.push([name, classifierHints]);
    else if (name === "setup.cfg")
      files.push([name, (f, t) => [...classifierHints(f, t), ...safeToxInSetupCfg(f, t)]]);
    else if (/^\.python-version[-_.].+$/.test(name)) files.push([name, pythonVersionVariant]);
  }
  for (const name of listFiles(join(root, ".github", "workflows")))
    if (/\.ya?ml$/.test(name)) files.push([`.github/workflows/${name}`, githubActionsHints]);
  for (const dir of ["docker", ".docker", ".devcontainer"]) {
    for (const name of listFiles(join(root, dir))) {
      if (isDockerfileName(name)) files.push([`${dir}/${name}`, dockerfileHints]);
      else if (name === "devcontainer.json") files.push([`${dir}/${name}`, devcontainerHints]);
    }
  }
  for (const sub of listDirs(join(root, ".devcontainer"))) {
    for (const name of listFiles(join(root, ".devcontainer", sub))) {
      if (name === "devcontainer.json") files.push([`.devcontainer/${sub}/${name}`, devcontainerHints]);
      else if (isDockerfileName(name)) files.push([`.devcontainer/${sub}/${name}`, dockerfileHints]);
    }
  }
  return files;
}

/** setup.cfg's `[tox:tox]` envlist; a setup.cfg configparser rejects is the setup.cfg reader's to report. */
function safeToxInSetupCfg(file: string, text: string): PythonVersionSource[] {
  if (!text.includes("[tox:tox]")) return [];
  try {
    return toxHints(file, text, "tox:tox");
  } catch {
    return [];
  }
}

/** `.python-version-docs`: named like a pyenv pin, which neither pyenv nor uv reads. */
function pythonVersionVariant(file: string, text: string): PythonVersionSource[] {
  const first = text.replace(/#.*$/gm, "").trim().split(/\s+/)[0];
  if (!first) return [];
  return [
    hintSource(
      file,
      file,
      1,
      first,
      "other",
      `${file} is named like a pyenv pin, but pyenv and uv read only .python-version`,
    ),
  ];
}

function isDockerfileName(name: string): boolean {
  return /^(Dockerfile|Containerfile)([.-].+)?$/i.test(name) || /\.(Dockerfile|dockerfile)$/.test(name);
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}
