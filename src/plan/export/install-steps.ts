/**
 * The commands that install a project's lock exactly, as dhtl's own setup does (src/run/install.ts): every
 * dependency group, the recorded extras, hashes required. Shared by the Dockerfile (dependencies in one
 * layer, the project in the next) and the CI workflow (one step). Argv arrays; the renderers quote them.
 */
import type { ExportInputs } from "./types.js";

export interface LockInstall {
  /** Installs every locked dependency; needs only the lock (and pyproject.toml for uv) in place. */
  dependencies: string[][];
  /** Installs the project itself once its source is there; empty when there is nothing to install. */
  project: string[][];
  /** The files `dependencies` reads, relative to the project root. */
  inputs: string[];
  /** Everything in one go, once the whole checkout is there (CI). */
  all: string[][];
}

/**
 * `venv` is where the environment goes; for uv projects the caller sets `UV_PROJECT_ENVIRONMENT` to it (uv
 * takes the interpreter from `UV_PYTHON`), for a requirements lock the commands name both.
 */
export function lockInstall(
  inputs: Pick<ExportInputs, "lock" | "extras" | "installProject">,
  venv: string,
  python: string,
): LockInstall {
  if (inputs.lock.kind === "uv") {
    const sync = [
      "uv",
      "sync",
      "--frozen",
      "--all-groups",
      // Every workspace member, as dhtl's own setup installs them.
      ...(inputs.lock.workspace ? ["--all-packages"] : []),
      ...inputs.extras.flatMap((e) => ["--extra", e]),
    ];
    // The groups uv does not read, from dhtl's lock beside uv.lock (after the sync, which is exact).
    const groups = inputs.lock.groups
      ? [
          [
            "uv",
            "pip",
            "install",
            "--require-hashes",
            "--no-deps",
            "--python",
            `${venv}/bin/python`,
            "-r",
            inputs.lock.groups,
          ],
        ]
      : [];
    const groupsInput = inputs.lock.groups ? [inputs.lock.groups] : [];
    // A workspace needs every member's pyproject.toml before uv can read its lock: no layer of its own.
    if (inputs.lock.workspace)
      return { dependencies: [], project: [sync, ...groups], inputs: [], all: [sync, ...groups] };
    return {
      // Local packages (the project, path dependencies) need their source: they come in the next layer.
      dependencies: [[...sync, "--no-install-local"], ...groups],
      // An exact sync would take the groups installed above away again.
      project: [groups.length > 0 ? [...sync, "--inexact"] : sync],
      inputs: ["pyproject.toml", "uv.lock", ...groupsInput],
      all: [sync, ...groups],
    };
  }
  const venvPython = `${venv}/bin/python`;
  const dependencies = [
    ["uv", "venv", "--python", python, venv],
    ["uv", "pip", "sync", "--require-hashes", "--python", venvPython, inputs.lock.file],
  ];
  const project = inputs.installProject
    ? [["uv", "pip", "install", "--no-deps", "--python", venvPython, "-e", "."]]
    : [];
  return { dependencies, project, inputs: [inputs.lock.file], all: [...dependencies, ...project] };
}
