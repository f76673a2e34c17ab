/**
 * `clone` and `fork`: get a repository onto the disk (git, or gh for GitHub when installed), then give it
 * a ready environment — regenerated exactly when it records one, set up otherwise.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { DhtlError } from "../core/errors.js";
import type { Output } from "../core/output.js";
import { ghAuthenticatedUser, ghAvailable, ghClone, ghFork } from "../run/gh.js";
import {
  defaultCloneDir,
  gitAddRemote,
  gitClone,
  githubRepoOf,
  gitRemotes,
  validateRepositoryRef,
} from "../run/git.js";
import { regenerateProject } from "./regenerate.js";
import { type BuildOutcome, type BuildUi, setupProject } from "./setup.js";

export interface CloneOptions {
  repository: string;
  /** Target directory; default: the repository's name in the current directory. */
  dir?: string;
  /** Use gh for GitHub URLs when it is installed (`--no-gh`: plain git). */
  useGh: boolean;
}

export interface ClonePlan {
  repository: string;
  dir: string;
  /** `owner/name` when gh clones it; null for plain git. */
  viaGh: string | null;
}

/** Checks the reference and the target directory, and picks gh or git; clones nothing. */
export async function planClone(options: CloneOptions): Promise<ClonePlan> {
  validateRepositoryRef(options.repository);
  const dir = resolve(options.dir ?? defaultCloneDir(options.repository));
  refuseExisting(dir);
  const githubRepo = options.useGh ? githubRepoOf(options.repository) : null;
  const viaGh = githubRepo !== null && (await ghAvailable()) ? githubRepo : null;
  return { repository: options.repository, dir, viaGh };
}

export async function cloneRepository(plan: ClonePlan, out: Output): Promise<void> {
  const done = out.step(`cloning ${plan.repository}`);
  if (plan.viaGh) await ghClone(plan.viaGh, plan.dir);
  else await gitClone(plan.repository, plan.dir);
  done(plan.dir);
}

export interface ForkPlan {
  upstream: string;
  /** `user/name` of the fork. */
  fork: string;
  dir: string;
}

/** The GitHub repository to fork, the signed-in user's fork and where it goes; forks nothing. */
export async function planFork(options: { repository: string; dir?: string }): Promise<ForkPlan> {
  const upstream = githubRepoOf(options.repository);
  if (!upstream) {
    throw new DhtlError("badInput", `not a GitHub repository URL: ${options.repository}`, {
      hint: "fork works on https://github.com/OWNER/REPO; use `dhtl clone` for other hosts",
    });
  }
  const name = upstream.split("/")[1] ?? upstream;
  const dir = resolve(options.dir ?? defaultCloneDir(options.repository));
  const user = await ghAuthenticatedUser();
  return { upstream, fork: `${user}/${name}`, dir };
}

/** Forks with gh, clones the fork and makes sure `upstream` points at the original. */
export async function forkRepository(plan: ForkPlan, out: Output): Promise<void> {
  const forking = out.step(`forking ${plan.upstream}`);
  await ghFork(plan.upstream);
  forking(plan.fork);
  const cloning = out.step(`cloning ${plan.fork}`);
  await ghClone(plan.fork, plan.dir);
  // gh adds `upstream` itself for forks it knows; add it when it did not.
  if (!(await gitRemotes(plan.dir)).has("upstream"))
    await gitAddRemote(plan.dir, "upstream", `https://github.com/${plan.upstream}.git`);
  cloning(plan.dir);
}

/** The environment workflow a fresh clone gets: regenerate when it records one, else setup. */
export function environmentCommandFor(dir: string): "regenerate" | "setup" {
  return existsSync(join(dir, ".dhtconfig")) ? "regenerate" : "setup";
}

/** Regenerates or sets up the environment of a fresh clone. */
export function prepareClone(
  dir: string,
  command: "regenerate" | "setup",
  ui: BuildUi,
): Promise<BuildOutcome> {
  return command === "regenerate"
    ? regenerateProject({ path: dir, force: false, dryRun: false }, ui)
    : setupProject({ path: dir, allExtras: false, dryRun: false }, ui);
}

function refuseExisting(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new DhtlError("badInput", `${dir} already exists and is not empty`, {
      hint: "pass another target directory as the second argument",
    });
  }
}
