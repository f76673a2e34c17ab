/**
 * Opening a project for a command that builds or repairs its environment: the root is found once, and
 * unless the run only reads (`--dry-run`) it works inside the project session (the project lock held,
 * what an interrupted run left repaired first).
 */
import type { Diagnostic } from "../core/diagnostics.js";
import { DhtlError } from "../core/errors.js";
import { collectProject } from "../facts/collect.js";
import { findProjectRoot } from "../facts/root.js";
import type { ProjectFacts } from "../facts/types.js";
import { type DhtConfig, readDhtConfig } from "../record/dhtconfig.js";
import { withProjectSession } from "../run/session.js";

/** Runs `work` on the project root at (or above) `path`; in the project session unless `dryRun`. */
export async function inProject<T>(
  path: string,
  dryRun: boolean,
  work: (root: string) => Promise<T>,
): Promise<T> {
  const root = findProjectRoot(path);
  return dryRun ? work(root) : withProjectSession(root, () => work(root));
}

export interface RecordedProject {
  /** The project's own facts: manifests, Python version, components (no code, machine or user). */
  facts: ProjectFacts;
  recorded: DhtConfig;
}

/** What a command says when there is no `.dhtconfig` to work from. */
export interface MissingRecord {
  /** Ends `nothing recorded to …` (`regenerate from`). */
  purpose: string;
  hint: string;
}

/** The project at `path` and its `.dhtconfig`, for the workflows that rebuild or repair what setup recorded. */
export function withRecordedProject<T>(
  path: string,
  dryRun: boolean,
  missing: MissingRecord,
  work: (project: RecordedProject) => Promise<T>,
): Promise<T> {
  return inProject(path, dryRun, async (root) => {
    const facts = collectProject(root);
    const recorded = readDhtConfig(root);
    if (!recorded) {
      throw new DhtlError("badInput", `no .dhtconfig in ${root}: nothing recorded to ${missing.purpose}`, {
        hint: missing.hint,
      });
    }
    return work({ facts, recorded });
  });
}

/** A manifest entry that could not be read would silently drop a dependency: stop before building. */
export function refuseBrokenManifests(diagnostics: Diagnostic[]): void {
  const broken = diagnostics.find((diagnostic) => diagnostic.severity === "error");
  if (broken) {
    throw new DhtlError("badInput", broken.message, {
      file: broken.file,
      line: broken.line ?? undefined,
      hint: "fix the manifest (see `dhtl analyze`), then run setup again",
    });
  }
}
