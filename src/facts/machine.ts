/**
 * The machine dhtl runs on: platform, distribution, Python interpreters, package managers and developer
 * tools with their versions. Every probe runs in parallel with its own timeout; a missing or broken tool
 * is simply absent from the result, never an error.
 */
import { join } from "node:path";
import { dhtlCacheDir } from "../core/paths.js";
import { openProbeCache } from "../core/probe-cache.js";
import { findInterpreters, type PythonInterpreter } from "../python/discover.js";
import {
  type DistributionFacts,
  type PlatformFacts,
  platformFacts,
  readDistribution,
} from "./machine/platform.js";
import {
  DEV_TOOLS,
  findNvm,
  PYTHON_PACKAGE_MANAGERS,
  present,
  probeTool,
  SYSTEM_PACKAGE_MANAGERS,
  type ToolInfo,
  type ToolSpec,
  toolLocator,
} from "./machine/tools.js";

export { installedScriptVersion, nodePackageVersion } from "./machine/installed-version.js";
export { distributionFromOsRelease, parseOsRelease, platformFacts } from "./machine/platform.js";
export { versionIn, which } from "./machine/tools.js";
export type { DistributionFacts, PlatformFacts, ToolInfo };

export interface MachineFacts {
  platform: PlatformFacts;
  /** Linux distribution, or null on other systems. */
  distribution: DistributionFacts | null;
  interpreters: PythonInterpreter[];
  /** Installed tools by name (keys sorted); a tool that is missing or fails to run has no key. */
  pythonPackageManagers: Record<string, ToolInfo>;
  systemPackageManagers: Record<string, ToolInfo>;
  devTools: Record<string, ToolInfo>;
}

export interface CollectMachineOptions {
  /** Per-probe limit in milliseconds (default 3000). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Everything about this machine that a plan may depend on. */
export async function collectMachineFacts(options: CollectMachineOptions = {}): Promise<MachineFacts> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 3000;
  const locate = toolLocator(env);
  const cache = openProbeCache(join(dhtlCacheDir(env), "tools.json"));
  const probeAll = (specs: ToolSpec[]) =>
    Promise.all(specs.map((spec) => probeTool(spec, locate, env, timeoutMs, cache)));
  const [interpreters, pythonPackageManagers, systemPackageManagers, devTools] = await Promise.all([
    findInterpreters({ env, timeoutMs }),
    probeAll(PYTHON_PACKAGE_MANAGERS),
    probeAll(SYSTEM_PACKAGE_MANAGERS),
    probeAll(DEV_TOOLS),
  ]);
  cache.save();
  const nvm = findNvm(env);
  return {
    platform: platformFacts(),
    distribution: process.platform === "linux" ? readDistribution() : null,
    interpreters,
    pythonPackageManagers: present(pythonPackageManagers),
    systemPackageManagers: present(systemPackageManagers),
    devTools: present(nvm ? [...devTools, nvm] : devTools),
  };
}

/** The tool of that name in any category, or undefined when it is not installed. */
export function findTool(facts: MachineFacts, name: string): ToolInfo | undefined {
  return facts.pythonPackageManagers[name] ?? facts.systemPackageManagers[name] ?? facts.devTools[name];
}
