import { type CommandContext, type CommandSpec, dryRunOption, jsonOption } from "../command.js";

export const allowCommand: CommandSpec = {
  name: "allow",
  summary: "let the cd hook activate this project's environment (its activation scripts as they are now)",
  args: "[path]",
  options: [dryRunOption, jsonOption],
  help: [
    "The cd hook (`dhtl hook bash|zsh|fish`) sources a project's .venv/bin/activate.dht only when the project",
    "is allowed and the scripts it sources are unchanged since. `dhtl setup`, `regenerate` and `fix-env` allow",
    "the environment they build; `dhtl clone` does not (look at the repository first). Only an environment",
    "dhtl built on this machine can be allowed. The record lives in dhtl's data directory ($DHTL_HOME, else",
    "$XDG_DATA_HOME/dhtl, else ~/.local/share/dhtl), under allow/.",
    "",
    "Examples:",
    "  dhtl allow",
    "  dhtl allow path/to/project",
  ].join("\n"),
  run: (ctx) => changeAllowList(ctx, true),
};

export const denyCommand: CommandSpec = {
  name: "deny",
  summary: "stop the cd hook from activating this project's environment",
  args: "[path]",
  options: [dryRunOption, jsonOption],
  help: "Removes the project from the allow list that `dhtl allow` and `dhtl setup` write.",
  run: (ctx) => changeAllowList(ctx, false),
};

async function changeAllowList(ctx: CommandContext, allow: boolean): Promise<number> {
  const { resolve } = await import("node:path");
  const { DhtlError } = await import("../../core/errors.js");
  const { findProjectRoot } = await import("../../facts/root.js");
  const { allowActivation, denyActivation } = await import("../../run/hooks/allow.js");
  const { currentEnvironment } = await import("../../run/venv.js");
  const root = findProjectRoot(resolve(ctx.args[0] ?? "."));
  if (allow && currentEnvironment(root).kind !== "managed") {
    throw new DhtlError("refused", `${root}/.venv was not built by dhtl on this machine: nothing to allow`, {
      hint: "run `dhtl setup` (or `dhtl regenerate`) in the project first; it builds and allows the environment",
    });
  }
  const report = (changed: boolean, text: string) => {
    if (ctx.options.json) ctx.out.line(JSON.stringify({ ok: true, root, allowed: allow, changed }));
    else if (!ctx.out.quiet) ctx.out.line(text);
    return 0;
  };
  if (ctx.options.dryRun)
    return report(false, `would ${allow ? "allow" : "deny"} activation on cd for ${root}`);
  if (allow) {
    const record = allowActivation(root);
    return report(true, `allowed: the cd hook activates ${root} (${Object.keys(record.scripts).join(", ")})`);
  }
  const removed = denyActivation(root);
  return report(
    removed,
    removed ? `denied: the cd hook no longer activates ${root}` : `${root} was not allowed`,
  );
}
