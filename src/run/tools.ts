import { existsSync, realpathSync } from "node:fs";
import type { Output } from "../core/output.js";
import { findInterpreters, type PythonInterpreter, selectInterpreter } from "../python/discover.js";
import { environmentPython, readVenvPython } from "../python/venv-info.js";
import type { UvRunner } from "./install.js";
import type { InterpreterChoice, PythonRequest } from "./steps.js";
import { ensureUv, runUv } from "./uv.js";
import { currentEnvironment } from "./venv.js";

/** Finds uv (bootstrapping it when needed) and returns a runner bound to it. */
export async function uvRunner(out: Output): Promise<UvRunner> {
  const uv = await ensureUv({ out });
  return (args, options) => runUv(uv.path, args, { cwd: options.cwd, env: options.env });
}

export interface InterpreterSearch {
  interpreter: InterpreterChoice | null;
  /** Every version found, for the message when none fits. */
  installed: string[];
}

/**
 * The interpreter for a request, among everything discovery finds (pyenv builds off PATH included).
 * Without a request: the `python3` on PATH, else the newest CPython.
 */
export async function findInterpreterFor(
  request: PythonRequest | null,
  options: {
    /** Reuse the live environment's interpreter when it is exactly the requested version. */
    root?: string;
    discovered?: Promise<PythonInterpreter[]>;
    /** An exact version to prefer when it satisfies the request (the one `.dhtconfig` records). */
    prefer?: string;
  } = {},
): Promise<InterpreterSearch> {
  const { root } = options;
  const reused =
    root && request?.kind === "exact" ? interpreterOfCurrentEnvironment(root, request.value) : null;
  // Probing every interpreter costs most of a second; the live environment already names the exact one.
  if (reused) return { interpreter: reused, installed: [`${reused.implementation}-${reused.version}`] };
  const all = await (options.discovered ?? findInterpreters());
  const installed = [...new Set(all.map((found) => `${found.implementation}-${found.version}`))];
  const preferred = options.prefer ? all.filter((found) => found.version === options.prefer) : [];
  const chosen = request
    ? ((preferred.length > 0 ? selectInterpreter(preferred, request) : null) ??
      selectInterpreter(all, request))
    : (all.find((found) => found.onPath && found.implementation === "cpython") ??
      all.find((found) => found.implementation === "cpython") ??
      null);
  return {
    interpreter: chosen
      ? { path: chosen.path, version: chosen.version, implementation: chosen.implementation }
      : null,
    installed,
  };
}

/** Starts probing every interpreter now (read-only), to overlap with reading the project. */
export function startInterpreterDiscovery(): Promise<PythonInterpreter[]> {
  const pending = findInterpreters();
  pending.catch(() => {});
  return pending;
}

/** The base interpreter of the live `.venv` when it is exactly `version` (read from pyvenv.cfg, no spawn). */
export function interpreterOfCurrentEnvironment(root: string, version: string): InterpreterChoice | null {
  const current = currentEnvironment(root);
  if (current.kind === "none") return null;
  try {
    const python = readVenvPython(current.path);
    if (python.version !== version || python.implementation !== "cpython") return null;
    const base = realpathSync(environmentPython(current.path));
    if (!existsSync(base) || base.startsWith(realpathSync(current.path))) return null;
    return { path: base, version: python.version, implementation: python.implementation };
  } catch {
    return null;
  }
}
