/**
 * Helpers for `dhtl migrate` tests: run the command in-process, run real uv, and read what a built wheel
 * publishes (METADATA and entry points) so an original and a migrated build can be compared.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { migrateCommand } from "../../src/cli/commands/migrate.js";
import type { Output } from "../../src/core/output.js";
import { readInstalledDistributions, sitePackagesDirs } from "../../src/python/dist-info.js";
import { tempDir } from "./temp-dirs.js";

export interface MigrateRun {
  code: number;
  text: string;
  json: Record<string, unknown> | null;
}

export async function runMigrate(
  dir: string,
  options: Record<string, unknown>,
  quiet = true,
): Promise<MigrateRun> {
  const lines: string[] = [];
  const out: Output = {
    color: false,
    quiet,
    line: (text = "") => lines.push(text),
    warn: (text) => lines.push(text),
    step: () => () => {},
  };
  const code = await migrateCommand.run({ args: [dir], options, out, debug: false });
  const text = lines.join("\n");
  return {
    code,
    text,
    json: options.json && code === 0 ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

/** Runs uv; throws with its stderr when it fails. */
export function uvIn(uv: string, dir: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(uv, args, { cwd: dir, encoding: "utf8", env, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`uv ${args.join(" ")} failed in ${dir}:\n${r.stderr}`);
  return r.stdout;
}

/** Name → version of every distribution in `<dir>/.venv`. */
export function installedVersions(dir: string): Map<string, string> {
  const site = sitePackagesDirs(join(dir, ".venv"))[0];
  if (!site) throw new Error("no site-packages in .venv");
  return new Map(readInstalledDistributions(site).map((d) => [d.normalized, d.version]));
}

/** What a wheel publishes, normalised for comparison. */
export interface WheelMetadata {
  name: string;
  version: string;
  requiresPython: string | null;
  requiresDist: string[];
  entryPoints: string[];
}

const READ_WHEEL = `
import email.parser, json, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
meta = email.parser.Parser().parsestr(z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode())
ep = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
points, section = [], None
for line in (z.read(ep).decode().splitlines() if ep else []):
    line = line.strip()
    if line.startswith("["): section = line.strip("[]")
    elif line: points.append(section + ":" + re.sub(r"\\s+", "", line))
# Old setuptools writes PEP 345's "name (<1.1)"; the same requirement is "name<1.1" today.
norm = lambda r: re.sub(r"^([^(;]+)\\(([^)]*)\\)", r"\\1\\2", re.sub(r"\\s+", "", r).replace("'", '"'))
print(json.dumps({
    "name": re.sub(r"[-_.]+", "-", meta["Name"]).lower(),
    "version": meta["Version"],
    "requiresPython": (meta.get("Requires-Python") or "").replace(" ", "") or None,
    "requiresDist": sorted(norm(r) for r in meta.get_all("Requires-Dist") or []),
    "entryPoints": sorted(points),
    "files": sorted(names),
}))
`;

/** `uv build --wheel` of the project at `dir`, and its METADATA; the wheel's file list in `files`. */
export function buildWheelMetadata(uv: string, dir: string): WheelMetadata & { files: string[] } {
  const out = tempDir("dhtl-wheel-");
  uvIn(uv, dir, ["build", "--wheel", "--out-dir", out]);
  const wheel = readdirSync(out).find((f) => f.endsWith(".whl"));
  if (!wheel) throw new Error(`uv build made no wheel in ${out}`);
  const r = spawnSync("python3", ["-c", READ_WHEEL, join(out, wheel)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`reading ${wheel}: ${r.stderr}`);
  return JSON.parse(r.stdout) as WheelMetadata & { files: string[] };
}

/** The fields the migration must keep: name, version, requires-dist, entry points, requires-python. */
export function published(meta: WheelMetadata): WheelMetadata {
  const { name, version, requiresPython, requiresDist, entryPoints } = meta;
  return { name, version, requiresPython, requiresDist, entryPoints };
}
