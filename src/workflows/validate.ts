/**
 * `validate-env` in full: the environment against the lock and the record (verify/validate.ts), and for a
 * dhtl-compiled lock whether the manifests still say what the lock was compiled from — which only the
 * planner's unified dependency list can tell (the same comparison regenerate makes before it rebuilds).
 */
import { resolve } from "node:path";
import { collectProject } from "../facts/collect.js";
import { chooseLockStrategy } from "../plan/lock-strategy.js";
import { renderRequirementsInput } from "../plan/requirements-in.js";
import { readDhtConfig } from "../record/dhtconfig.js";
import { mergeStale, RECORD_COMMAND, type StaleRecord } from "../verify/stale-record.js";
import { type ValidateOptions, type ValidationReport, validateEnvironment } from "../verify/validate.js";
import { sourceLockDigest } from "./regenerate.js";

export async function validateProject(path: string, options: ValidateOptions): Promise<ValidationReport> {
  const report = await validateEnvironment(path, options);
  if (options.quick) return report;
  const root = resolve(path);
  const manifests = compiledInputsChanged(root) ?? convertedSourceChanged(root);
  if (!manifests) return report;
  return { ...report, ok: false, stale: mergeStale(report.stale, manifests) };
}

/**
 * The project's own lock (poetry.lock, pdm.lock, Pipfile.lock) changed since dhtl's lock was converted from
 * it — `poetry add x` — the same comparison regenerate refuses to rebuild on.
 */
function convertedSourceChanged(root: string): StaleRecord | null {
  const config = readDhtConfig(root);
  const source = config?.lock?.source;
  if (!config?.lock || !source || !config.lock.inputDigest) return null;
  const now = sourceLockDigest(root, source, config.extras ?? []);
  if (now === null || now === config.lock.inputDigest) return null;
  return {
    reasons: [`${source} changed since ${config.lock.file} was converted from it`],
    files: [source],
    command: RECORD_COMMAND,
    relock: true,
  };
}

/** The manifests' unified dependency list differs from the one the compiled lock was made from. */
function compiledInputsChanged(root: string): StaleRecord | null {
  const config = readDhtConfig(root);
  const lockFile = config?.lock?.file;
  const recordedInput = config?.lock?.inputDigest;
  // A lock converted from the project's own (lock.source) records that lock's digest, not the manifests'.
  if (!config || !lockFile || !recordedInput || lockFile === "uv.lock" || config.lock?.source) return null;
  const facts = collectProject(root);
  const lock = chooseLockStrategy(facts.project, { uvLock: false, lockedFile: lockFile });
  if (lock.kind !== "compiled") return null;
  const input = renderRequirementsInput(facts.project, config.extras ?? [], config.inferred ?? []);
  if (input.digest === recordedInput) return null;
  const files = [...new Set(facts.project.manifests.map((manifest) => manifest.file))]
    .filter((file) => !file.startsWith(".dhtl/"))
    .sort();
  return {
    reasons: [`the manifests declare other dependencies than ${lockFile} was compiled from`],
    files,
    command: RECORD_COMMAND,
    relock: true,
  };
}
