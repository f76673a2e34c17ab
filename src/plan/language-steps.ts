import type { Component } from "../facts/components.js";
import { chooseRuntimeRequest, RUNTIMES, type RuntimeLanguage } from "../facts/languages/runtimes.js";
import type { Step } from "../run/steps.js";

/**
 * Planning for the Node, Rust and Go parts of a project. Node and Go toolchains go INTO the environment
 * from PyPI wheels pinned in dhtl-owned hashed locks; Rust uses the machine's cargo. Pure.
 */
export interface LanguagePlanInputs {
  components: Component[];
  /** Runtime locks that exist in the project now (root-relative), e.g. `.dhtl/node.lock`. */
  existingRuntimeLocks: string[];
  /** `.dhtconfig` `languages`: the exact versions recorded by an earlier setup. */
  recordedLanguages?: Record<string, string>;
}

/** Setup: lock each needed runtime (and drop the locks no component needs any more). */
export function runtimeLockSteps(inputs: LanguagePlanInputs, pythonVersion: string): Step[] {
  const steps: Step[] = [];
  for (const runtime of Object.values(RUNTIMES)) {
    const language = runtime.language;
    if (!inputs.components.some((c) => c.language === language)) {
      if (inputs.existingRuntimeLocks.includes(runtime.lockFile)) {
        steps.push({
          kind: "removeRuntimeLock",
          language,
          lockFile: runtime.lockFile,
          reason: `the project has no ${language} component any more`,
        });
      }
      continue;
    }
    const { version, conflicts } = chooseRuntimeRequest(inputs.components, language);
    const recorded = inputs.recordedLanguages?.[language];
    const request =
      version ?? (recorded ? { value: recorded, file: ".dhtconfig", kind: "exact" as const } : null);
    const { specifier, note } = runtime.specifierFor(request);
    const why = request ? `${request.value} from ${request.file}` : "no version requested: the newest";
    const extra = [note, ...conflicts.map((c) => `ignored: ${c}`)].filter(Boolean).join("; ");
    steps.push({
      kind: "lockRuntime",
      language,
      requirement: `${runtime.distribution}${specifier}`,
      lockFile: runtime.lockFile,
      pythonVersion,
      // Recorded only when the project files do not already name one exact version.
      record: version?.kind !== "exact",
      requestedIn: request?.file ?? null,
      reason: `${language} ${why}, pinned with hashes in ${runtime.lockFile}${extra ? ` (${extra})` : ""}`,
    });
  }
  return steps;
}

/**
 * The runtime locks to install after the main sync. Setup installs what it locks; regenerate and fix-env
 * install the locks that exist, exactly as they are.
 */
export function runtimeInstallSteps(lockFiles: string[]): Step[] {
  return Object.values(RUNTIMES)
    .filter((runtime) => lockFiles.includes(runtime.lockFile))
    .map((runtime) => ({
      kind: "installRuntime" as const,
      language: runtime.language as RuntimeLanguage,
      lockFile: runtime.lockFile,
      reason: `install ${runtime.distribution} from ${runtime.lockFile} into the environment (hashes required)`,
    }));
}

/** The locks a setup plan's lock steps leave in place. */
export function lockedRuntimeFiles(steps: Step[]): string[] {
  return steps.flatMap((step) => (step.kind === "lockRuntime" ? [step.lockFile] : []));
}

/** One step per component, once the environment is live: npm ci, go mod download, or the cargo check. */
export function componentSteps(components: Component[]): Step[] {
  return components.map((component) => ({
    kind: "installComponent" as const,
    language: component.language,
    dir: component.dir,
    packageManager: component.packageManager,
    lockfile: component.lockfile,
    reason: componentReason(component),
  }));
}

function componentReason(component: Component): string {
  const where = component.dir === "." ? "the project root" : `${component.dir}/`;
  if (component.language === "rust") return `${where} is a Rust component: it needs the machine's cargo`;
  if (component.language === "go") return `fetch the Go modules of ${where} with the environment's Go`;
  if (component.packageManager && component.packageManager !== "npm")
    return `${where} uses ${component.packageManager}: only npm installs are automated so far`;
  return component.lockfile
    ? `install exactly ${component.lockfile} with the environment's Node`
    : `install ${where}'s dependencies with the environment's Node (no lock file)`;
}
