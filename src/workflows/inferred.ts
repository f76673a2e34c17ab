/**
 * Requirements inferred from the code's imports, through the stages: the scan and the mapping are facts,
 * the choice is planned in src/plan/inferred-requirements.ts, and when the build reaches the step (the lock
 * compiled once) `inferredDecider` asks for consent and says what to add. Without consent nothing changes:
 * setup stops (refused), because an environment missing what the code imports is not ready.
 */
import { DhtlError } from "../core/errors.js";
import type { Output } from "../core/output.js";
import { collectCodeAnalysis } from "../facts/collect.js";
import { notebookGeneratedModules } from "../facts/generated-modules.js";
import { hasPythonManifest, subprojectModuleNames } from "../facts/subprojects.js";
import type { ProjectFacts, ProjectModel } from "../facts/types.js";
import { normalizeName } from "../pep/names.js";
import {
  describeCandidate,
  type InferredCandidate,
  inferredConsentQuestion,
  keptInferred,
  requirementNameOf,
  selectInferredCandidates,
  uncoveredCandidates,
} from "../plan/inferred-requirements.js";
import { renderRequirementsInput } from "../plan/requirements-in.js";
import type { ExecuteContext } from "../run/execute.js";
import type { SystemPackagesConsent } from "./system-packages.js";

/** What setup plans with: every candidate (guarded ones marked) and the recorded ones still needed. */
export interface InferredPlanInputs {
  candidates: InferredCandidate[];
  kept: string[];
}

/**
 * Scans the code and selects what it imports that no manifest declares. Names local to the project though
 * the scan cannot see it (nested projects' packages, modules notebooks write) are never candidates.
 */
export async function inferredInputsFor(
  facts: Pick<ProjectFacts, "root" | "project" | "python" | "subprojects">,
  recorded: string[],
): Promise<InferredPlanInputs> {
  const code = await collectCodeAnalysis(facts, { imports: true });
  if (!code.inferred || !code.imports) return { candidates: [], kept: [] };
  const notebooks = [
    ...new Set(code.imports.uses.flatMap((use) => use.files).filter((file) => file.endsWith(".ipynb"))),
  ];
  const candidates = selectInferredCandidates({
    inferred: code.inferred,
    localNames: [
      ...subprojectModuleNames(facts.root, facts.subprojects),
      ...notebookGeneratedModules(facts.root, notebooks),
    ],
    declaresNothing: !hasPythonManifest(facts.project),
    subprojectDirs: facts.subprojects.map((subproject) => subproject.dir),
    notebooks,
  });
  return { candidates, kept: keptInferred(recorded, candidates) };
}

/**
 * The executor's `decideInferred`: what the lock does not provide is added with consent (`--yes`, or yes
 * on a terminal; asked once per run); refused, the build stops and nothing changes. For a lock that is the
 * user's (uv.lock, a hashed requirements file) the missing imports are reported with the command to
 * declare them. Guarded imports are only reported.
 */
export function inferredDecider(
  project: ProjectModel,
  extras: string[],
  ui: { out: Output; consent: SystemPackagesConsent },
  /** False (`--no-infer`): report what is missing, add nothing. */
  install = true,
): NonNullable<ExecuteContext["decideInferred"]> {
  let consented = false;
  return async (step, lockedNames, dropped) => {
    const uncovered = uncoveredCandidates(step.candidates, lockedNames);
    for (const candidate of uncovered.filter((c) => c.optional))
      ui.out.warn(
        `note: ${describeCandidate(candidate)} is imported only where an ImportError is caught: not installed`,
      );
    const required = uncovered.filter((c) => !c.optional);
    if (step.input === null || !install) {
      // The lock is the user's (uv.lock), or they said --no-infer: name what is missing and how to declare it.
      for (const candidate of required) {
        const how =
          step.input === null
            ? `\`uv add ${candidate.requirement}\``
            : "in a manifest, or run setup without --no-infer";
        ui.out.warn(
          `warning: not installed: the code imports what ${step.lockFile} does not provide: ${describeCandidate(candidate)}; declare it (${how})`,
        );
      }
      return { names: [], input: null, missing: required.map((candidate) => candidate.requirement) };
    }
    const kept = new Set(step.kept.map((requirement) => normalizeName(requirementNameOf(requirement))));
    const adding = required.filter((c) => !kept.has(c.name) && !dropped.includes(c.name));
    if (adding.length === 0 && dropped.length === 0) return { names: step.kept, input: null };
    if (adding.length > 0 && !consented) {
      const agreed =
        ui.consent.yes ||
        (ui.consent.ask !== null && (await ui.consent.ask(inferredConsentQuestion(adding))));
      if (!agreed) throw refused(adding);
      consented = true;
    }
    const names = [...new Set([...step.kept, ...adding.map((c) => c.requirement)])]
      .filter((requirement) => !dropped.includes(normalizeName(requirementNameOf(requirement))))
      .sort();
    const input = renderRequirementsInput(project, extras, names);
    return { names, input: { content: input.content, digest: input.digest } };
  };
}

function refused(adding: InferredCandidate[]): DhtlError {
  return new DhtlError(
    "refused",
    `the code imports what no manifest declares, not installed without consent: ${adding.map(describeCandidate).join("; ")}`,
    {
      hint: "run `dhtl setup --yes` to install them (locked with hashes, recorded in .dhtconfig as inferred), declare them in a manifest, or pass --no-infer to build without them",
    },
  );
}
