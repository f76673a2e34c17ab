/**
 * Requirements inferred from the code's imports (issue 10 #6): what a project of scripts or notebooks with
 * no manifest needs, and what a project's own code imports that no manifest declares (2019 code importing
 * `pkg_resources` on a Python whose virtual environments have no setuptools). Pure: the import scan and the
 * import → distribution mapping are facts (src/facts/imports, src/facts/mapping); which of them to install,
 * and how they are written and recorded, is decided here. Installed only with consent, recorded in
 * `.dhtconfig` (`inferred`), pinned with hashes in the lock like every other requirement.
 */
import { compareText } from "../core/compare.js";
import { isStdlibModule } from "../facts/imports/stdlib.js";
import type { InferredFacts, UndeclaredImport } from "../facts/types.js";
import { isValidDistributionName, normalizeName } from "../pep/names.js";
import type { InferredCandidate } from "../run/steps.js";

export type { InferredCandidate };

export interface InferenceInputs {
  inferred: InferredFacts;
  /**
   * Modules that are the project's own although the scan took them for third-party: the top-level packages
   * of nested projects (`app` in `backend/`), modules notebooks write (`%%file mymodule.py`). Never fetched
   * from PyPI under their name: that would be dependency confusion.
   */
  localNames: string[];
  /** True when no manifest declares anything: every importing file counts, tests and scripts included. */
  declaresNothing: boolean;
  /**
   * Root-relative directories of the projects below this one (workspace members, nested projects): their
   * files are judged by their own manifests and locks, never by this project's.
   */
  subprojectDirs?: string[];
  /** The project's notebooks (root-relative): a project of notebooks needs the kernel that runs them. */
  notebooks?: string[];
}

/** Distributions that bring a Jupyter kernel (and its IPython, which notebooks import without declaring). */
const KERNEL_PROVIDERS = new Set(["ipykernel", "jupyter", "jupyterlab", "notebook", "nbclassic"]);

/**
 * Folders and files that are not the project's runtime code: a declared project's tests, docs, examples
 * and build scripts import what its dev groups, docs requirements or build system provide (p2-model's
 * concern), not what its own code needs at run time.
 */
const NOT_RUNTIME_DIRS = new Set([
  "tests",
  "test",
  "testing",
  "docs",
  "doc",
  "examples",
  "example",
  "benchmarks",
  "bench",
  "scripts",
  "tools",
]);
const BUILD_FILES = new Set(["setup.py", "conftest.py", "noxfile.py", "fabfile.py", "dodo.py"]);

/**
 * What virtual environments used to hold without anyone declaring it: setuptools (and its `pkg_resources`)
 * came with every venv before Python 3.12, so code of that time imports it undeclared.
 */
const ONCE_IN_EVERY_VENV = new Set(["setuptools"]);

/**
 * Selects what to infer: imports of runtime code, one candidate per distribution, never local or
 * Python-2-only names. Guarded imports come back marked `optional`: reported when missing, never installed.
 * So does everything a project that declares its dependencies imports undeclared, but what venvs once held:
 * the import may be platform-only (`jnius` in platformdirs' Android module) and the same-named distribution
 * on the index may be another project's (module `jnius` comes from pyjnius) — the user decides, not dhtl.
 */
export function selectInferredCandidates(inputs: InferenceInputs): InferredCandidate[] {
  const local = new Set(inputs.localNames);
  const elsewhere = (file: string) => (inputs.subprojectDirs ?? []).some((dir) => file.startsWith(`${dir}/`));
  const byName = new Map<string, InferredCandidate>();
  const add = (entry: UndeclaredImport, optional: boolean) => {
    const top = entry.import.split(".")[0]!;
    if (local.has(top) || isPythonTwoOnlyStdlib(top)) return;
    const files = entry.files.filter(
      (file) => !elsewhere(file) && isRuntimeFile(file, inputs.declaresNothing),
    );
    const best = entry.candidates[0];
    if (files.length === 0 || !best || !isValidDistributionName(best)) return;
    const name = normalizeName(best);
    const candidate = byName.get(name) ?? {
      name,
      requirement: name,
      imports: [],
      providers: [],
      files: [],
      optional: true,
    };
    candidate.imports = sortedUnique([...candidate.imports, entry.import]);
    candidate.requirement = requirementFor(name, candidate.imports);
    candidate.providers = sortedUnique([...candidate.providers, ...entry.candidates.map(normalizeName)]);
    candidate.files = sortedUnique([...candidate.files, ...files]);
    // Required by one import is required: a guarded use elsewhere does not make it optional.
    candidate.optional =
      candidate.optional === true && (optional || (!inputs.declaresNothing && !ONCE_IN_EVERY_VENV.has(name)));
    byName.set(name, candidate);
  };
  for (const entry of inputs.inferred.undeclared) add(entry, false);
  for (const entry of inputs.inferred.undeclaredOptional) add(entry, true);
  // Imports only tests, scripts or setup.py make (analyze lists them apart) count when nothing is declared.
  if (inputs.declaresNothing) for (const entry of inputs.inferred.undeclaredTooling) add(entry, false);
  // Notebooks run in a kernel: a repository of notebooks that declares nothing gets one (IPython with it).
  const notebooks = inputs.notebooks ?? [];
  if (
    inputs.declaresNothing &&
    notebooks.length > 0 &&
    ![...byName.keys()].some((n) => KERNEL_PROVIDERS.has(n))
  )
    byName.set("ipykernel", {
      name: "ipykernel",
      requirement: "ipykernel",
      imports: ["IPython"],
      providers: ["ipykernel"],
      files: [...notebooks].sort(compareText).slice(0, 3),
      optional: false,
    });
  return [...byName.values()]
    .map(({ optional, ...rest }) => (optional ? { ...rest, optional } : rest))
    .sort((a, b) => compareText(a.name, b.name));
}

/** The candidates no distribution in the lock provides (`lockedNames` normalised): what must be added. */
export function uncoveredCandidates(
  candidates: InferredCandidate[],
  lockedNames: ReadonlySet<string>,
): InferredCandidate[] {
  return candidates.filter((candidate) => !candidate.providers.some((name) => lockedNames.has(name)));
}

/**
 * The recorded inferred requirements (`.dhtconfig` `inferred`) the code still needs, as this dhtl writes
 * them: still imported, still undeclared. What the user has since declared, or the code no longer imports,
 * is dropped.
 */
export function keptInferred(recorded: string[], candidates: InferredCandidate[]): string[] {
  const names = new Set(recorded.map((requirement) => normalizeName(requirementNameOf(requirement))));
  return sortedUnique(
    candidates.filter((c) => !c.optional && names.has(c.name)).map((candidate) => candidate.requirement),
  );
}

/** `setuptools<82` → `setuptools`. */
export function requirementNameOf(requirement: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement)?.[0] ?? requirement;
}

/** One line per candidate for the plan and the consent question: `numpy (import numpy: train.py)`. */
export function describeCandidate(candidate: InferredCandidate): string {
  const files =
    candidate.files.length > 2
      ? `${candidate.files.slice(0, 2).join(", ")} +${candidate.files.length - 2} more`
      : candidate.files.join(", ");
  return `${candidate.requirement} (import ${candidate.imports.join(", ")}: ${files})`;
}

/** The question asked on a terminal before inferred requirements are installed. */
export function inferredConsentQuestion(candidates: InferredCandidate[]): string {
  return [
    "The code imports modules no manifest declares; dhtl would install (and record in .dhtconfig as inferred):",
    ...candidates.map((candidate) => `  ${describeCandidate(candidate)}`),
    "Install them? [y/N] ",
  ].join("\n");
}

/** Header of the `.dhtl/requirements.in` section holding them. */
export const INFERRED_SECTION_HEADER =
  "# Inferred from the code's imports (dhtl setup, with consent); recorded in .dhtconfig `inferred`:";

/**
 * Modules a distribution stopped providing: the inferred requirement keeps a release that still has them
 * (setuptools 82.0.0 removed `pkg_resources`, which code of every era imports).
 */
const PROVIDED_BELOW: Record<string, { distribution: string; below: string }> = {
  pkg_resources: { distribution: "setuptools", below: "82" },
};

function requirementFor(name: string, imports: string[]): string {
  const bounds = imports
    .map((module) => PROVIDED_BELOW[module.split(".")[0]!])
    .filter((bound) => bound !== undefined && bound.distribution === name)
    .map((bound) => bound!.below);
  return bounds.length > 0 ? `${name}<${bounds.sort()[0]}` : name;
}

function isRuntimeFile(file: string, everyFile: boolean): boolean {
  const parts = file.split("/");
  const base = parts.at(-1)!;
  if (BUILD_FILES.has(base)) return false;
  if (everyFile) return true;
  if (/^test_.*\.py$|_test\.py$/.test(base)) return false;
  return !parts.slice(0, -1).some((part) => NOT_RUNTIME_DIRS.has(part));
}

/** `urllib2`, `StringIO`: Python 2's standard library, which no PyPI distribution provides for Python 3. */
function isPythonTwoOnlyStdlib(top: string): boolean {
  return isStdlibModule(top, "2.7") && !isStdlibModule(top);
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort(compareText);
}
