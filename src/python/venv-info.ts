import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { sitePackagesDirs } from "./dist-info.js";

export interface VenvPython {
  /** Lower-case implementation name as markers spell it (`cpython`, `pypy`). */
  implementation: string;
  /** Exact `major.minor.patch` (plus pre-release tag when there is one). */
  version: string;
}

/**
 * The interpreter of a virtual environment, read from `pyvenv.cfg` — no process spawn, so it stays fast
 * enough for a shell prompt hook. uv and virtualenv write `version_info` and `implementation`; the
 * stdlib `venv` writes only `version` (it only exists for CPython there, hence the default).
 */
export function readVenvPython(venv: string): VenvPython {
  const cfgPath = join(venv, "pyvenv.cfg");
  if (!existsSync(cfgPath)) {
    throw new DhtlError("badInput", `${venv} is not a virtual environment (no pyvenv.cfg)`, {
      hint: "run `dhtl setup` to create it, or `dhtl regenerate` to rebuild it",
    });
  }
  const values = new Map<string, string>();
  for (const line of readFileSync(cfgPath, "utf8").split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq > 0) values.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const raw = values.get("version_info") ?? values.get("version") ?? "";
  const version = normalizeVersionInfo(raw);
  if (!version) {
    throw new DhtlError("badInput", `pyvenv.cfg has no Python version (found ${JSON.stringify(raw)})`, {
      file: cfgPath,
      hint: "rebuild the environment with `dhtl regenerate`",
    });
  }
  const implementation = (values.get("implementation") ?? "CPython").toLowerCase();
  return { implementation, version };
}

/** `3.11.7.final.0` (virtualenv) → `3.11.7`; `3.13.0.candidate.1` → `3.13.0rc1`. */
export function normalizeVersionInfo(raw: string): string | null {
  const match = raw.match(/^(\d+\.\d+\.\d+)(?:\.(alpha|beta|candidate|final)\.(\d+)|((?:a|b|rc)\d+))?/);
  if (!match) return null;
  const [, base, level, serial, tag] = match;
  if (tag) return `${base}${tag}`;
  if (!level || level === "final") return base!;
  const short = level === "alpha" ? "a" : level === "beta" ? "b" : "rc";
  return `${base}${short}${serial}`;
}

/** The interpreter inside an environment. */
export function environmentPython(envPath: string): string {
  return process.platform === "win32"
    ? join(envPath, "Scripts", "python.exe")
    : join(envPath, "bin", "python");
}

/** site-packages directories with symlinked duplicates (`lib64` → `lib`) folded into one. */
export function uniqueSitePackages(venv: string): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const dir of sitePackagesDirs(venv)) {
    const real = realpathSync(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    result.push(dir);
  }
  return result;
}
