import type { DhtConfig } from "./dhtconfig.js";

/** What the build was asked for, as far as the record cares (src/run/steps.ts's Plan is one). */
export interface BuildRequest {
  command: "setup" | "regenerate" | "fix-env";
  /** Exact Python version to record (setup only; the other commands keep the recorded one). */
  recordPython: string | null;
  /** `setup --python VERSION`: recorded as `python.requested` (setup only). */
  requestedPython?: string | null;
  /** The Python range a narrowed lock was resolved for (setup only). */
  lockPython?: string | null;
  extras: string[];
  /** setup: the time the lock was resolved as of, or null (the other commands keep the recorded one). */
  excludeNewer?: string | null;
}

export interface BuiltEnvironment {
  lockFile: string;
  lockDigest: string;
  /** Digest of the dhtl-owned lock's inputs (compiled and converted locks). */
  inputDigest: string | null;
  /** The project lock a converted lock was made from (null: not converted). */
  lockSource?: string | null;
  /** uv project: the dhtl-owned lock of the groups uv does not read (null: none). */
  groups?: { file: string; digest: string; inputDigest: string } | null;
  checksum: string;
  python: { version: string; implementation: string };
  /** Dev tools installed isolated (name → exact version); undefined: keep what is recorded. */
  tools?: Record<string, string>;
  /** Runtime versions this build pinned that the project files do not state exactly (null: forget it). */
  languages?: Record<string, string | null>;
  /** Requirements inferred from the imports that this build settled on; absent: keep the recorded ones. */
  inferred?: string[];
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
  if (built.tools) config.tools = { ...built.tools };
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
  const requested =
    plan.command === "setup" ? (plan.requestedPython ?? null) : (existing?.python?.requested ?? null);
  if (recordPython) {
    config.python = { version: recordPython, implementation: built.python.implementation.toLowerCase() };
    if (requested) config.python.requested = requested;
  }
  config.lock = { file: built.lockFile, digest: built.lockDigest };
  if (plan.extras.length > 0) config.extras = [...plan.extras];
  const inferred = built.inferred ?? existing?.inferred ?? [];
  if (inferred.length > 0) config.inferred = [...inferred];
  if (built.inputDigest) config.lock.inputDigest = built.inputDigest;
  const lockSource = plan.command === "setup" ? built.lockSource : existing?.lock?.source;
  if (lockSource) config.lock.source = lockSource;
  const lockPython = plan.command === "setup" ? plan.lockPython : existing?.lock?.python;
  if (lockPython) config.lock.python = lockPython;
  if (built.groups) config.lock.groups = { ...built.groups };
  const excludeNewer = plan.command === "setup" ? plan.excludeNewer : existing?.lock?.excludeNewer;
  if (excludeNewer) config.lock.excludeNewer = excludeNewer;
  const sameInputs =
    existing?.lock?.digest === built.lockDigest &&
    (existing?.lock?.groups?.digest ?? null) === (built.groups?.digest ?? null) &&
    (existing?.python?.version ?? null) === (config.python?.version ?? null) &&
    (existing?.extras ?? []).join(",") === plan.extras.join(",");
  const checksums: Record<string, string> = sameInputs ? { ...(existing?.environment?.checksums ?? {}) } : {};
  checksums[platform] = built.checksum;
  config.environment = { checksums };
  return config;
}
