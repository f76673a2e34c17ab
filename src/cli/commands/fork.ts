import type { CommandSpec } from "../command.js";
import { dryRunOption, jsonOption, yesOption } from "../command.js";
import { prepareEnvironment } from "./clone.js";

export const forkCommand: CommandSpec = {
  name: "fork",
  args: "<github-url> [dir]",
  summary:
    "fork a GitHub repository with gh, clone the fork with an upstream remote, and prepare its environment",
  options: [yesOption, dryRunOption, jsonOption],
  help: "Needs the GitHub CLI (gh), signed in (`gh auth login`).",
  async run(ctx) {
    const { resolve } = await import("node:path");
    const { DhtlError } = await import("../../core/errors.js");
    const { defaultCloneDir, githubRepoOf, gitAddRemote, gitRemotes } = await import("../../run/git.js");
    const { ghAuthenticatedUser, ghClone, ghFork } = await import("../../run/gh.js");
    const ref = ctx.args[0] ?? "";
    const upstream = githubRepoOf(ref);
    if (!upstream) {
      throw new DhtlError("badInput", `not a GitHub repository URL: ${ref}`, {
        hint: "fork works on https://github.com/OWNER/REPO; use `dhtl clone` for other hosts",
      });
    }
    const [, name] = upstream.split("/") as [string, string];
    const dir = resolve(ctx.args[1] ?? defaultCloneDir(ref));
    const user = await ghAuthenticatedUser();
    const fork = `${user}/${name}`;
    if (ctx.options.dryRun) {
      ctx.out.line(
        `would fork ${upstream} to ${fork}, clone it into ${dir}, add remote upstream → ${upstream}`,
      );
      return 0;
    }
    const forking = ctx.out.step(`forking ${upstream}`);
    await ghFork(upstream);
    forking(fork);
    const cloning = ctx.out.step(`cloning ${fork}`);
    await ghClone(fork, dir);
    // gh adds `upstream` itself for forks it knows; add it when it did not.
    if (!(await gitRemotes(dir)).has("upstream"))
      await gitAddRemote(dir, "upstream", `https://github.com/${upstream}.git`);
    cloning(dir);
    return prepareEnvironment(ctx, dir);
  },
};
