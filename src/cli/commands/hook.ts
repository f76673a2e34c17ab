import { ExitCode } from "../../core/errors.js";
import type { CommandSpec } from "../command.js";

export const hookCommand: CommandSpec = {
  name: "hook",
  summary: "print the shell snippet that activates a dhtl project's environment on cd",
  args: "<shell>",
  options: [],
  help: [
    "Shells: bash, zsh, fish. Add one line to your shell's startup file:",
    '  bash  ~/.bashrc                  eval "$(dhtl hook bash)"',
    '  zsh   ~/.zshrc                   eval "$(dhtl hook zsh)"',
    "  fish  ~/.config/fish/config.fish dhtl hook fish | source",
    "Entering a directory inside a project sources its .venv/bin/activate.dht; leaving deactivates it.",
  ].join("\n"),
  async run({ args, out }) {
    const { cdHookSnippet } = await import("../../run/hooks/cd-hook.js");
    out.line(cdHookSnippet(args[0] ?? "").trimEnd());
    return ExitCode.ok;
  },
};
