/**
 * Opening a project for a command that builds or repairs its environment: the root is found once, and
 * unless the run only reads (`--dry-run`) it works inside the project session (the project lock held,
 * what an interrupted run left repaired first).
 */
import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Diagnostic } from "../core/diagnostics.js";
import { DhtlError } from "../core/errors.js";
import { collectProject } from "../facts/collect.js";
import { findProjectRoot } from "../facts/root.js";
import { enclosingWorkspaceRoot, hasPythonManifest } from "../facts/subprojects.js";
import type { ProjectFacts } from "../facts/types.js";
import { type DhtConfig, readDhtConfig } from "../record/dhtconfig.js";
import { withProjectSession } from "../run/session.js";

/** How a command opens its project: only to read (`dryRun`), and who hears where the environment goes. */
export interface ProjectOpening {
  dryRun: boolean;
  /** Hears why the environment is built elsewhere than the directory given (a workspace, `backend/`). */
  announce?: (note: string) => void;
}

/** Runs `work` on the environment root for `path` (see environmentRootFor); in the project session unless a dry run. */
export async function inProject<T>(
  path: string,
  { dryRun, announce }: ProjectOpening,
  work: (root: string) => Promise<T>,
): Promise<T> {
  return inEnvironmentRoot(environmentRootFor(path), dryRun, work, announce);
}

function inEnvironmentRoot<T>(
  { root, note }: EnvironmentRoot,
  dryRun: boolean,
  work: (root: string) => Promise<T>,
  announce?: (note: string) => void,
): Promise<T> {
  if (note) announce?.(note);
  return dryRun ? work(root) : withProjectSession(root, () => work(root));
}

/** Where a project's environment lives, and why when that is not the directory the user named. */
export interface EnvironmentRoot {
  root: string;
  note: string | null;
}

/**
 * The directory whose `.venv` and `.dhtconfig` serve the project at `path`, as uv would place them:
 * - a uv workspace member's environment is its workspace's (one `.venv` for every member);
 * - a root that holds no Python project but exactly one nested project (the app in `backend/`) means that
 *   project, set up in its own directory (`backend/.venv`), and says so;
 * - a root that holds no Python project and several nested ones is ambiguous: name one, or `--all`;
 * - anything else is the root itself (a directory of scripts or notebooks included).
 */
export function environmentRootFor(path: string): EnvironmentRoot {
  const found = findProjectRoot(path);
  const workspace = enclosingWorkspaceRoot(found);
  if (workspace) {
    return {
      root: workspace,
      note: `note: ${posixRelative(workspace, found)}/ is a member of the uv workspace at ${workspace}: its environment is the workspace's (.venv there, every member installed)`,
    };
  }
  if (existsSync(join(found, ".dhtconfig"))) return { root: found, note: null };
  const facts = collectProject(found);
  if (hasPythonManifest(facts.project)) return { root: found, note: null };
  const nested = facts.subprojects.filter((subproject) => subproject.kind === "nested");
  if (nested.length === 1) {
    const only = nested[0]!;
    return {
      root: join(found, only.dir),
      note: `note: no Python project at ${found}; setting up ${only.dir}/${only.name ? ` (${only.name})` : ""}, the only one below it (its .venv goes to ${only.dir}/.venv)`,
    };
  }
  if (nested.length > 1) {
    const dirs = nested.map((subproject) => `${subproject.dir}/`);
    throw new DhtlError(
      "badInput",
      `no Python project at ${found}, and ${nested.length} below it: ${dirs.join(", ")}`,
      {
        hint: `name one (\`dhtl setup ${nested[0]!.dir}\`), or set them all up with \`dhtl setup --all\``,
      },
    );
  }
  return { root: found, note: null };
}

function posixRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
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
  const noRecord = (root: string) =>
    new DhtlError("badInput", `no .dhtconfig in ${root}: nothing recorded to ${missing.purpose}`, {
      hint: missing.hint,
    });
  // Before the session, which writes: a project without a record is bad input even where nothing can be written.
  let chosen: EnvironmentRoot;
  try {
    chosen = environmentRootFor(path);
  } catch (error) {
    return Promise.reject(error);
  }
  if (!existsSync(join(chosen.root, ".dhtconfig"))) return Promise.reject(noRecord(chosen.root));
  return inEnvironmentRoot(chosen, dryRun, async (root) => {
    const facts = collectProject(root);
    const recorded = readDhtConfig(root);
    if (!recorded) throw noRecord(root);
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
