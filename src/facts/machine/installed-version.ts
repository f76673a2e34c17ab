/**
 * Versions of installed tools read from their package metadata instead of by running them: starting a
 * Python or Node program only to print its version costs ~100 ms of CPU each.
 */
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { readFileHead } from "../../core/fs.js";

/**
 * The version of a Python console script read from its environment, without running it: the shebang
 * names the interpreter, whose `lib/pythonX.Y/site-packages` holds exactly one `<dist>-<version>.dist-info`.
 * Null when anything is unusual (a `/bin/sh` trampoline, several versions): the caller then runs the tool.
 */
export function installedScriptVersion(scriptPath: string, distribution: string): string | null {
  const head = readFileHead(scriptPath, 512)?.toString("utf8");
  if (head === undefined) return null;
  const shebang = /^#!(\/\S*\/python[\d.]*)\s*\n/.exec(head);
  if (!shebang) return null;
  const prefix = dirname(dirname(shebang[1]!));
  const distPrefix = `${distribution.replace(/-/g, "_")}-`;
  const versions = new Set<string>();
  for (const lib of ["lib", "lib64"]) {
    for (const pythonDir of safeReaddir(join(prefix, lib))) {
      if (!pythonDir.startsWith("python")) continue;
      for (const entry of safeReaddir(join(prefix, lib, pythonDir, "site-packages"))) {
        if (entry.toLowerCase().startsWith(distPrefix) && entry.endsWith(".dist-info")) {
          versions.add(entry.slice(distPrefix.length, -".dist-info".length));
        }
      }
    }
  }
  const [version] = versions;
  return versions.size === 1 && version && /^\d/.test(version) ? version : null;
}

/**
 * The version of a Node tool from the `package.json` of the package its executable links into
 * (`/usr/bin/npm` → `/usr/lib/node_modules/npm/bin/npm-cli.js` → `npm/package.json`), without starting Node.
 */
export function nodePackageVersion(executable: string, packageName: string): string | null {
  let dir: string;
  try {
    dir = dirname(realpathSync(executable));
  } catch {
    return null;
  }
  for (let depth = 0; depth < 4; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === packageName && typeof manifest.version === "string") return manifest.version;
    } catch {}
    dir = dirname(dir);
  }
  return null;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
