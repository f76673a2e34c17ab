/**
 * `dhtl export devcontainer`: `.devcontainer/devcontainer.json` and the Dockerfile it builds. The image
 * brings what the environment needs from outside Python (the exact interpreter, the system packages,
 * git, uv and dhtl); the environment itself is built in the workspace by `dhtl regenerate` after the
 * container is created, exactly as on any other machine.
 */
import { aptInstall, env, IMAGE_PYTHON, run } from "./dockerfile.js";
import type { ExportFile, ExportInputs } from "./types.js";

/** The developer's account in the container; uid 1000 matches the first user of most Linux hosts. */
const USER = "dev";
const UID = 1000;

export function renderDevcontainerJson(inputs: ExportInputs): ExportFile {
  const config = {
    name: inputs.name,
    build: { dockerfile: "Dockerfile" },
    remoteUser: USER,
    containerEnv: { UV_LINK_MODE: "copy", UV_PYTHON_DOWNLOADS: "never" },
    // An argv array: no shell between the container and dhtl.
    postCreateCommand: ["dhtl", "regenerate"],
    customizations: {
      vscode: {
        extensions: ["ms-python.python"],
        settings: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a devcontainer variable, not JavaScript's.
          "python.defaultInterpreterPath": "${containerWorkspaceFolder}/.venv/bin/python",
        },
      },
    },
  };
  return { path: ".devcontainer/devcontainer.json", text: `${JSON.stringify(config, null, 2)}\n` };
}

export function renderDevcontainerDockerfile(inputs: ExportInputs): ExportFile {
  const { build, runtime, recorded } = inputs.packages;
  const lines = [
    "# syntax=docker/dockerfile:1",
    "# Written by `dhtl export devcontainer`; `dhtl export devcontainer --force` writes it again.",
    `# CPython ${inputs.python}, the system packages the lock needs, git, uv and dhtl; the environment itself is`,
    "# built in the workspace by `dhtl regenerate` (devcontainer.json's postCreateCommand).",
    `FROM ${inputs.baseImage}`,
    "# The dhtl to install: a version from PyPI, or a wheel file.",
    `ARG DHTL_SPEC=dhtl==${inputs.dhtlVersion}`,
    ...env([
      ["PIP_DISABLE_PIP_VERSION_CHECK", "1"],
      ["PIP_ROOT_USER_ACTION", "ignore"],
      ["UV_PYTHON", IMAGE_PYTHON],
      ["UV_PYTHON_DOWNLOADS", "never"],
      ["UV_TOOL_BIN_DIR", "/usr/local/bin"],
      ["UV_TOOL_DIR", "/opt/uv-tools"],
    ]),
    ...run([
      ...aptInstall(["git", ...build, ...runtime, ...recorded]),
      ["python", "-m", "pip", "install", "--no-cache-dir", `uv==${inputs.uvVersion}`],
      { shell: 'uv tool install --no-cache "$DHTL_SPEC"' },
      ["groupadd", "--gid", String(UID), USER],
      ["useradd", "--uid", String(UID), "--gid", USER, "--create-home", "--shell", "/bin/bash", USER],
    ]),
    `USER ${UID}:${UID}`,
  ];
  return { path: ".devcontainer/Dockerfile", text: `${lines.join("\n")}\n` };
}
