/**
 * What setup decides about the project's own lock and the interpreter before it plans: the lock read from
 * the checkout, the lock whose wheel names answer the interpreter question, the requirements uv is asked
 * about otherwise, the conversion for the chosen interpreter, and the failures that lead to a retry.
 */
import { DhtlError } from "../core/errors.js";
import { projectReadContext } from "../facts/project-files.js";
import type { ProjectFacts } from "../facts/types.js";
import { parsePipfileLock } from "../formats/pipfile-lock.js";
import { parseLockedRequirements } from "../formats/requirements.js";
import { normalizeName } from "../pep/names.js";
import { minorOf } from "../plan/interpreter-choice.js";
import { chooseLockStrategy, userHashedFile } from "../plan/lock-strategy.js";
import {
  convertProjectLock,
  type ProjectLockOutcome,
  type ProjectLockText,
  projectLockFileOf,
} from "../plan/project-lock.js";
import { renderRequirementsInput } from "../plan/requirements-in.js";
import type { PythonPlan } from "../plan/setup-plan.js";
import { markerEnvironment } from "../python/marker-env.js";
import type { DhtConfig } from "../record/dhtconfig.js";
import type { UvRunner } from "../run/install.js";
import { type HashedPin, pinWithHashes } from "../run/seed-pin.js";
import type { Plan } from "../run/steps.js";

/** The project's own lock (poetry.lock, pdm.lock, Pipfile.lock), read inside the project. */
export function readProjectLock(root: string, facts: ProjectFacts): ProjectLockText | null {
  // A user's fully hashed requirements file is already the lock; it wins as before.
  if (userHashedFile(facts.project)) return null;
  const file = projectLockFileOf(facts.project.sources.map((source) => source.file));
  if (!file) return null;
  return { file, text: projectReadContext(root).readFile(file, { file, line: null }).text };
}

/** The lock whose wheel file names answer the interpreter question without uv. */
export function wheelLock(
  root: string,
  uvLockExists: boolean,
  projectLock: ProjectLockText | null,
): { file: "uv.lock" | "poetry.lock" | "pdm.lock"; text: string } | null {
  if (uvLockExists)
    return {
      file: "uv.lock",
      text: projectReadContext(root).readFile("uv.lock", { file: "uv.lock", line: null }).text,
    };
  if (projectLock && projectLock.file !== "Pipfile.lock")
    return { file: projectLock.file, text: projectLock.text };
  return null;
}

/** What uv is asked about when no lock names its wheels: Pipfile.lock's pins, else the declared requirements. */
export function probeRequirements(
  facts: ProjectFacts,
  projectLock: ProjectLockText | null,
  extras: string[],
  uvLockExists: boolean,
): { text: string; noDeps: boolean } | null {
  if (uvLockExists) return null;
  if (projectLock?.file === "Pipfile.lock") {
    const pins = Object.values(parsePipfileLock(projectLock.text, projectLock.file).categories)
      .flat()
      .filter((entry) => entry.version !== null && entry.vcs === null)
      .map((entry) => `${entry.name}==${entry.version}${entry.markers ? ` ; ${entry.markers}` : ""}`);
    return { text: `${[...new Set(pins)].join("\n")}\n`, noDeps: true };
  }
  const hashed = userHashedFile(facts.project);
  if (hashed) {
    const text = projectReadContext(facts.root).readFile(hashed, { file: hashed, line: null }).text;
    const pins = parseLockedRequirements(text, hashed).flatMap((pin) =>
      pin.version ? [`${pin.name}==${pin.version}${pin.marker ? ` ; ${pin.marker}` : ""}`] : [],
    );
    return { text: `${pins.join("\n")}\n`, noDeps: true };
  }
  // The declared set, without local directories and constraint files (they live in the project, not in the scratch dir).
  const input = renderRequirementsInput(facts.project, extras).content;
  const text = input
    .split("\n")
    .filter((line) => !/^(-e\s+)?\.\.?\//.test(line) && !/^-c\s/.test(line))
    .join("\n");
  return text.split("\n").some((line) => line.trim() !== "" && !line.startsWith("#"))
    ? { text, noDeps: false }
    : null;
}

/**
 * What pipenv put into every environment without locking it: its virtualenv seeded setuptools, so a
 * Pipfile.lock never pins it and the code of its era (and of its dependencies: Jinja2 2.x's PackageLoader)
 * imports `pkg_resources` unchecked — on Pythons before 3.12, where virtualenv still seeded it. Pinned with hashes as of the Pipfile.lock's last commit (deterministic
 * for the same checkout); nothing when the lock pins it, uv cannot answer (said), or no interpreter is known yet.
 */
export async function pipenvSeed(
  lock: ProjectLockText,
  /** The Pipfile.lock's last commit date (null outside git: the newest setuptools for the Python). */
  lockDate: () => Promise<string | null>,
  python: PythonPlan,
  uv: () => Promise<UvRunner>,
  warn: (message: string) => void,
): Promise<HashedPin[]> {
  if (lock.file !== "Pipfile.lock" || python.kind !== "use") return [];
  // virtualenv stopped seeding setuptools for Python 3.12, so pipenv's environments there lack it too.
  const [major, minor] = python.decision.interpreter.version.split(".").map(Number);
  if (major !== 3 || (minor ?? 0) >= 12) return [];
  const pinned = Object.values(parsePipfileLock(lock.text, lock.file).categories)
    .flat()
    .some((entry) => normalizeName(entry.name) === "setuptools");
  if (pinned) return [];
  const pin = await pinWithHashes(await uv(), "setuptools", python.decision.interpreter, await lockDate());
  if ("failed" in pin) {
    warn(`warning: setuptools (pipenv's environments always had it) is not added: ${pin.failed}`);
    return [];
  }
  return [pin];
}

/** The project lock converted for the chosen interpreter (its markers decide which declared requirements apply). */
export function convertLock(
  facts: ProjectFacts,
  lock: ProjectLockText,
  extras: string[],
  python: PythonPlan,
  seeded: HashedPin[] = [],
): ProjectLockOutcome {
  const version =
    python.kind === "use"
      ? python.decision.interpreter.version
      : (python.fallback?.interpreter.version ?? python.version);
  const env = markerEnvironment({
    implementation: "cpython",
    version: version.split(".").length < 3 ? `${version}.0` : version,
  });
  return convertProjectLock(facts.project, lock, { extras, env, seeded });
}

export function warningsOf(plan: PythonPlan): string[] {
  return plan.kind === "use" ? plan.decision.warnings : plan.warnings;
}

/** A uv project whose record says the universal lock failed: lock for the recorded range again. */
export function recordedNarrowLock(
  facts: ProjectFacts,
  config: DhtConfig | null,
  uvLockExists: boolean,
  converted: ProjectLockOutcome | null,
): string | null {
  if (uvLockExists || converted?.kind === "convert" || !config?.lock?.python) return null;
  const strategy = chooseLockStrategy(facts.project, { uvLock: false });
  return strategy.kind === "uv" ? config.lock.python : null;
}

/**
 * `>=3.13` when `error` is uv's "the resolution failed for other Python versions" for a plan that locked
 * universally (uv.lock); null for any other failure.
 */
export function narrowedRange(error: unknown, plan: Plan, python: PythonPlan): string | null {
  if (!(error instanceof DhtlError) || plan.lockPython || plan.lock.kind !== "uv" || plan.lock.exists)
    return null;
  if (
    !/resolution failed for other Python versions|limiting your project's supported Python versions/.test(
      error.message,
    )
  )
    return null;
  const version =
    python.kind === "use" ? python.decision.interpreter.version : python.fallback?.interpreter.version;
  return version ? `>=${minorOf(version)}` : null;
}

/** `codecov==2.0.15` when uv found no such version on the index while installing a converted lock. */
export function vanishedPin(error: unknown): string | null {
  if (!(error instanceof DhtlError)) return null;
  const match = /there is no version of ([A-Za-z0-9._-]+==[^\s,]+)/.exec(error.message);
  return match ? match[1]! : null;
}
