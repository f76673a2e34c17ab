/**
 * `dhtl export docker`: a multi-stage Dockerfile and its `.dockerignore`. The build stage installs uv from
 * PyPI (the version dhtl pins: one registry the project already uses, reachable through the same mirrors
 * as its packages) and the lock exactly, dependencies in a layer of their own so a source change does not
 * reinstall them; the final stage gets the environment, the runtime packages and an unprivileged user.
 */
import { formatCommand } from "../../facts/system-packages/index.js";
import { lockInstall } from "./install-steps.js";
import type { ExportFile, ExportInputs, ImagePackages } from "./types.js";

/** Where the project and its environment live in the image; the same path in both stages (venvs are not relocatable). */
export const APP_DIR = "/app";
const VENV = `${APP_DIR}/.venv`;
/** The official images' interpreter. */
export const IMAGE_PYTHON = "/usr/local/bin/python3";
/** A fixed, unprivileged uid that no Debian system account uses. */
const APP_UID = 10001;

export function renderDockerfile(inputs: ExportInputs): ExportFile {
  const install = lockInstall(inputs, VENV, IMAGE_PYTHON);
  const lines = [
    "# syntax=docker/dockerfile:1",
    `# Written by \`dhtl export docker\` from .dhtconfig and ${inputs.lock.file}; \`dhtl export docker --force\` writes it again.`,
    `# The image holds the environment dhtl builds: CPython ${inputs.python}, ${inputs.lock.file} installed exactly (every`,
    `# dependency group${inputs.extras.length > 0 ? `, extras ${inputs.extras.join(", ")}` : ""}${inputs.installProject || inputs.lock.kind === "uv" ? ", the project itself" : ""}), run by an unprivileged user.`,
    "",
    `FROM ${inputs.baseImage} AS build`,
    ...env([
      ["PIP_DISABLE_PIP_VERSION_CHECK", "1"],
      ["PIP_ROOT_USER_ACTION", "ignore"],
      ["UV_COMPILE_BYTECODE", "1"],
      ["UV_LINK_MODE", "copy"],
      ["UV_PROJECT_ENVIRONMENT", VENV],
      ["UV_PYTHON", IMAGE_PYTHON],
      ["UV_PYTHON_DOWNLOADS", "never"],
    ]),
    ...packageComments(inputs.packages),
    ...run([
      ...aptInstall([...inputs.packages.build, ...inputs.packages.runtime, ...inputs.packages.recorded]),
      ["python", "-m", "pip", "install", "--no-cache-dir", `uv==${inputs.uvVersion}`],
    ]),
    `WORKDIR ${APP_DIR}`,
    ...(install.dependencies.length > 0
      ? [
          "# Dependencies before the source: this layer is rebuilt only when the lock changes.",
          ...copySources(install.inputs),
          ...run(install.dependencies),
        ]
      : ["# A uv workspace: its members' pyproject.toml files come with the source, then the lock."]),
    "COPY . .",
    ...(install.project.length > 0 ? run(install.project) : []),
    "",
    `FROM ${inputs.baseImage}`,
    ...run([
      ...aptInstall([...inputs.packages.runtime, ...inputs.packages.recorded]),
      ["groupadd", "--gid", String(APP_UID), "app"],
      [
        "useradd",
        "--uid",
        String(APP_UID),
        "--gid",
        "app",
        "--no-create-home",
        "--home-dir",
        APP_DIR,
        "--shell",
        "/usr/sbin/nologin",
        "app",
      ],
    ]),
    "# Owned by root: the app user can run the code, not change it.",
    `COPY --from=build ${APP_DIR} ${APP_DIR}`,
    ...env([
      ["PATH", `${VENV}/bin:$PATH`],
      ["PYTHONDONTWRITEBYTECODE", "1"],
      ["PYTHONUNBUFFERED", "1"],
      ["VIRTUAL_ENV", VENV],
    ]),
    `WORKDIR ${APP_DIR}`,
    // Numeric, so the host and Kubernetes' runAsNonRoot can tell it is not root.
    `USER ${APP_UID}:${APP_UID}`,
    `CMD ${JSON.stringify([inputs.command ?? "python"])}`,
  ];
  return { path: "Dockerfile", text: `${lines.join("\n")}\n` };
}

export function renderDockerignore(): ExportFile {
  const lines = [
    "# Written by `dhtl export docker`: what never belongs in an image's build context.",
    ".git",
    ".venv",
    ".dhtl/envs",
    ".dhtl/journal.json",
    "**/__pycache__",
    "**/*.py[cod]",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    ".nox",
    "# Secrets stay out; the templates that name the variables may go in.",
    ".env",
    ".env.*",
    "!.env.example",
    "!.env.template",
  ];
  return { path: ".dockerignore", text: `${lines.join("\n")}\n` };
}

/** A command for a RUN line: an argv (quoted when written), or shell text written as it is. */
export type RunCommand = string[] | { shell: string };

/** `apt-get` commands for `names` (already validated as Debian names), or none. */
export function aptInstall(names: string[]): RunCommand[] {
  const unique = [...new Set(names)].sort();
  if (unique.length === 0) return [];
  return [
    ["apt-get", "update"],
    ["apt-get", "install", "-y", "--no-install-recommends", ...unique],
    // The glob must stay unquoted.
    { shell: "rm -rf /var/lib/apt/lists/*" },
  ];
}

/**
 * One RUN of commands joined by `&&`. Debian packages are not version-pinned (DL3008): the image tag fixes
 * the Debian release, and a pin would break with the next security update of that release.
 */
export function run(commands: RunCommand[]): string[] {
  if (commands.length === 0) return [];
  const apt = commands.some((command) => Array.isArray(command) && command[0] === "apt-get");
  const words = commands.map((command) => (Array.isArray(command) ? formatCommand(command) : command.shell));
  return [...(apt ? ["# hadolint ignore=DL3008"] : []), `RUN ${words.join(" \\\n && ")}`];
}

/** An ENV instruction, one variable a line, sorted by the caller. */
export function env(pairs: [string, string][]): string[] {
  const parts = pairs.map(
    ([key, value]) => `${key}=${/^[A-Za-z0-9_./:-]+$/.test(value) ? value : JSON.stringify(value)}`,
  );
  return [`ENV ${parts.join(" \\\n    ")}`];
}

function packageComments(packages: ImagePackages): string[] {
  const lines = packages.reasons.map((reason) => `#   ${reason}`);
  if (packages.recorded.length > 0) lines.push(`#   .dhtconfig: ${packages.recorded.join(", ")}`);
  return lines.length > 0 ? ["# System packages (runtime ones go to the final stage too):", ...lines] : [];
}

/** `COPY a b ./` for root files, and `COPY .dhtl/x.lock .dhtl/x.lock` for each file in a folder. */
function copySources(files: string[]): string[] {
  const root = files.filter((file) => !file.includes("/"));
  const nested = files.filter((file) => file.includes("/"));
  return [
    ...(root.length > 0 ? [`COPY ${root.join(" ")} ./`] : []),
    ...nested.map((file) => `COPY ${file} ${file}`),
  ];
}
