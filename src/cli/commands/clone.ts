import type { CommandContext, CommandSpec } from "../command.js";
import { dryRunOption, jsonOption, yesOption } from "../command.js";
import { regenerateCommand } from "./regenerate.js";
import { setupCommand } from "./setup.js";

export const cloneCommand: CommandSpec = {
  name: "clone",
  args: "<repository> [dir]",
  summary: "clone a repository and give it a ready environment (regenerate, or setup when not yet recorded)",
  options: [
    yesOption,
    dryRunOption,
    jsonOption,
    { flags: "--no-gh", description: "use plain git even for GitHub URLs when gh is installed" },
  ],
  help: [
    "Any git URL or local path. GitHub URLs go through `gh repo clone` when gh is installed.",
    "With a .dhtconfig in the repository the environment is regenerated exactly; otherwise `setup` runs.",
    "A failed environment step keeps the clone and prints how to retry.",
  ].join("\n"),
  async run(ctx) {
    const { resolve } = await import("node:path");
    const { defaultCloneDir, githubRepoOf, gitClone, validateRepositoryRef } = await import(
      "../../run/git.js"
    );
    const { ghAvailable, ghClone } = await import("../../run/gh.js");
    const ref = ctx.args[0] ?? "";
    validateRepositoryRef(ref);
    const dir = resolve(ctx.args[1] ?? defaultCloneDir(ref));
    await refuseExisting(dir);
    const githubRepo = ctx.options.gh === false ? null : githubRepoOf(ref);
    const viaGh = githubRepo !== null && (await ghAvailable());
    if (ctx.options.dryRun) {
      ctx.out.line(`would clone ${ref} into ${dir} with ${viaGh ? "gh repo clone" : "git clone"}`);
      ctx.out.line("then regenerate from .dhtconfig when the repository has one, else set it up");
      return 0;
    }
    const done = ctx.out.step(`cloning ${ref}`);
    if (viaGh && githubRepo) await ghClone(githubRepo, dir);
    else await gitClone(ref, dir);
    done(dir);
    return prepareEnvironment(ctx, dir);
  },
};

/** Runs regenerate (recorded project) or setup in a fresh clone; a failure keeps the clone and says how to retry. */
export async function prepareEnvironment(ctx: CommandContext, dir: string): Promise<number> {
  const { existsSync } = await import("node:fs");
  const { join, relative } = await import("node:path");
  const { reportError } = await import("../report-error.js");
  const recorded = existsSync(join(dir, ".dhtconfig"));
  const command = recorded ? regenerateCommand : setupCommand;
  try {
    // A fresh clone is code nobody on this machine has read: its environment is not put on the cd hook's
    // allow list until the user says so.
    const options = { ...ctx.options, force: false, allowActivation: false };
    const code = await command.run({ ...ctx, args: [dir], options });
    if (code === 0 && !ctx.options.json) {
      const where = relative(process.cwd(), dir) || ".";
      ctx.out.line(`next: cd ${where} && source .venv/bin/activate`);
      ctx.out.line(
        `      to activate it on cd (dhtl hook bash|zsh|fish), once you trust it: dhtl allow ${where}`,
      );
    }
    return code;
  } catch (error) {
    const code = reportError(error, ctx.debug);
    ctx.out.warn(`the clone is kept in ${dir}; retry with: cd ${dir} && dhtl ${command.name}`);
    return code;
  }
}

async function refuseExisting(dir: string): Promise<void> {
  const { existsSync, readdirSync } = await import("node:fs");
  const { DhtlError } = await import("../../core/errors.js");
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new DhtlError("badInput", `${dir} already exists and is not empty`, {
      hint: "pass another target directory as the second argument",
    });
  }
}
