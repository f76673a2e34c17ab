import type { DhtConfig } from "./dhtconfig.js";

/** What the build was asked for, as far as the record cares (src/run/steps.ts's Plan is one). */
export interface BuildRequest {
  command: "setup" | "regenerate" | "fix-env";
  /** Exact Python version to record (setup only; the other commands keep the recorded one). */
  recordPython: string | null;
  extras: string[];
}

export interface BuiltEnvironment {
  lockFile: string;
  lockDigest: string;
  /** Digest of the dhtl-owned lock's inputs (compiled lock only). */
  inputDigest: string | null;
  checksum: string;
  python: { version: string; implementation: string };
  /** Runtime versions this build pinned that the project files do not state exactly (null: forget it). */
  languages?: Record<string, string | null>;
}

/**
 * The `.dhtconfig` to write after a build: other sections (system packages, tools) are kept; checksums
 * of other platforms survive only while the lock and Python they were computed for are unchanged.
 */
export function nextDhtConfig(
  existing: DhtConfig | null,
  plan: BuildRequest,
  built: BuiltEnvironment,
  platform: string,
): DhtConfig {
  const config: DhtConfig = { schema: 1 };
  if (existing?.systemPackages) config.systemPackages = existing.systemPackages;
  if (existing?.tools) config.tools = existing.tools;
  if (existing?.languages) config.languages = existing.languages;
  if (built.languages && Object.keys(built.languages).length) {
    const languages = { ...(config.languages ?? {}) };
    for (const [language, version] of Object.entries(built.languages)) {
      if (version === null) delete languages[language];
      else languages[language] = version;
    }
    config.languages = languages;
  }
  const recordPython = plan.command === "setup" ? plan.recordPython : (existing?.python?.version ?? null);
  if (recordPython) {
    config.python = { version: recordPython, implementation: built.python.implementation.toLowerCase() };
  }
  config.lock = { file: built.lockFile, digest: built.lockDigest };
  if (plan.extras.length > 0) config.extras = [...plan.extras];
  if (built.inputDigest) config.lock.inputDigest = built.inputDigest;
  const sameInputs =
    existing?.lock?.digest === built.lockDigest &&
    (existing?.python?.version ?? null) === (config.python?.version ?? null) &&
    (existing?.extras ?? []).join(",") === plan.extras.join(",");
  const checksums: Record<string, string> = sameInputs ? { ...(existing?.environment?.checksums ?? {}) } : {};
  checksums[platform] = built.checksum;
  config.environment = { checksums };
  return config;
}
