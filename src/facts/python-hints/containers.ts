/**
 * Python versions of the images a project runs in: Dockerfile `FROM python:X` (ARG defaults
 * substituted), devcontainer.json `image`, its build args and its Python feature.
 */

import type { PythonVersionSource } from "../manifests/types.js";
import { pythonImageVersion } from "./ci.js";
import { hintSource } from "./versions.js";

export function dockerfileHints(file: string, text: string): PythonVersionSource[] {
  const args = new Map<string, string>();
  const found: PythonVersionSource[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=("?)([^"\s]*)\2/i.exec(line);
    if (arg) args.set(arg[1]!, arg[3]!);
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (!from) continue;
    const image = from[1]!.replace(
      /\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}?/g,
      (_, name: string) => args.get(name) ?? "",
    );
    const version = pythonImageVersion(image);
    if (version)
      found.push(
        hintSource("Dockerfile FROM", file, index + 1, version, "runs", `the image is built FROM ${image}`),
      );
  }
  return found;
}

export function devcontainerHints(file: string, text: string): PythonVersionSource[] {
  const data = JSON.parse(stripJsonComments(text)) as unknown;
  if (typeof data !== "object" || data === null) return [];
  const found: PythonVersionSource[] = [];
  const lineOfText = (needle: string) => {
    const index = text.indexOf(needle);
    return index < 0 ? null : text.slice(0, index).split("\n").length;
  };
  const record = data as Record<string, unknown>;
  const image = typeof record.image === "string" ? record.image : null;
  const version = image ? pythonImageVersion(image) : null;
  if (image && version)
    found.push(
      hintSource(
        "devcontainer image",
        file,
        lineOfText(image),
        version,
        "runs",
        `the dev container runs ${image}`,
      ),
    );
  const build = record.build as Record<string, unknown> | undefined;
  const buildArgs = (build?.args ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(buildArgs)) {
    if (
      typeof value === "string" &&
      /^(VARIANT|PYTHON(_VERSION)?|PY_VERSION)$/i.test(name) &&
      /\d\.\d/.test(value)
    )
      found.push(
        hintSource(
          "devcontainer build arg",
          file,
          lineOfText(`"${name}"`),
          value.replace(/^\d+-/, "").replace(/-.*$/, ""),
          "runs",
          `the dev container is built with ${name}=${value}`,
        ),
      );
  }
  const features = (record.features ?? {}) as Record<string, unknown>;
  for (const [feature, options] of Object.entries(features)) {
    if (!/\/python(:|$)/.test(feature)) continue;
    const versionOption = (options as Record<string, unknown> | null)?.version;
    if (typeof versionOption === "string" && /\d\.\d/.test(versionOption))
      found.push(
        hintSource(
          "devcontainer feature",
          file,
          lineOfText(feature),
          versionOption,
          "runs",
          `the dev container installs Python ${versionOption} (${feature})`,
        ),
      );
  }
  return found;
}

/** JSONC → JSON: line and block comments and trailing commas removed, strings left alone. */
export function stripJsonComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (ch === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const comment = text.slice(i, end < 0 ? text.length : end + 2);
      out += comment.replace(/[^\n]/g, " ");
      i = end < 0 ? text.length : end + 1;
    } else out += ch;
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}
