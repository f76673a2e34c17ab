/**
 * `analyze`: every collector, each only when asked for. Machine and user probes spawn processes, so they
 * start first — before the first synchronous read of the project, not a microtask later — and overlap
 * with reading the project and its code.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sortDiagnostics } from "../core/diagnostics.js";
import { collectCodeAnalysis, collectProject, declaredNames, dedupeDiagnostics } from "../facts/collect.js";
import { collectMachineFacts } from "../facts/machine.js";
import { findProjectRoot } from "../facts/root.js";
import { subprojectModuleNames, withSubprojectModulesLocal } from "../facts/subprojects.js";
import { systemDependenciesFor } from "../facts/system-deps/index.js";
import type { Facts } from "../facts/types.js";
import { collectUserFacts } from "../facts/user.js";
import { lockWithWheels, previewPython } from "./interpreter.js";
import { eraOf, projectDateOnce } from "./resolution.js";

export interface AnalyzeOptions {
  path: string;
  /** Probe the machine (interpreters, tools). */
  machine: boolean;
  /** Read the user's configuration (git, pip, npm …), redacted. */
  user: boolean;
  /** Scan the code for imports. */
  imports: boolean;
}

export async function analyzeProject(options: AnalyzeOptions): Promise<Facts> {
  const root = findProjectRoot(options.path);
  const machinePromise = options.machine ? collectMachineFacts() : Promise.resolve(null);
  const userPromise = options.user ? collectUserFacts(root) : Promise.resolve(null);
  // One turn of the event loop lets the probes run up to the processes they start (rustup's cargo, git),
  // so those run on the other core while this thread reads the project, rather than after it.
  if (options.machine || options.user) await new Promise<void>((resolve) => setImmediate(resolve));
  const project = collectProject(root);
  // Setup ranks a dormant project's own era first (workflows/resolution.ts): git answers during the scan.
  const era = options.machine
    ? eraOf(project, {
        request: undefined,
        recorded: undefined,
        uvLockExists: existsSync(join(root, "uv.lock")),
        projectDate: projectDateOnce(project),
      })
    : Promise.resolve(null);
  const code = withSubprojectModulesLocal(
    await collectCodeAnalysis(project, { imports: options.imports }),
    subprojectModuleNames(root, project.subprojects),
  );
  const [system, user] = await Promise.all([machinePromise, userPromise]);
  // The machine's own managers, when it was probed and has any; else every manager dhtl knows.
  const managers = Object.keys(system?.systemPackageManagers ?? {});
  const systemDependencies =
    managers.length > 0
      ? [
          ...systemDependenciesFor(declaredNames(project.project), managers),
          ...project.systemDependencies.filter((d) => d.own && managers.includes(d.manager)),
        ]
      : project.systemDependencies;
  const python = system
    ? {
        ...project.python,
        interpreter: previewPython({
          facts: project,
          interpreters: system.interpreters,
          lock: lockWithWheels(root),
          recorded: null,
          era: await era,
        }),
      }
    : project.python;
  return {
    ...project,
    python,
    type: code.type,
    imports: code.imports,
    inferred: code.inferred,
    systemDependencies,
    system,
    user,
    diagnostics: sortDiagnostics(
      dedupeDiagnostics([...project.diagnostics, ...code.diagnostics, ...(user?.diagnostics ?? [])]),
    ),
  };
}
