import { type CommandSpec, jsonOption } from "../command.js";
import { unlessNegated } from "../options.js";

export const analyzeCommand: CommandSpec = {
  name: "analyze",
  args: "[path]",
  summary: "collect every fact about a Python project without running any of its code",
  options: [
    jsonOption,
    { flags: "--no-machine", description: "skip probing the machine (interpreters, tools)" },
    { flags: "--no-user", description: "skip reading the user's configuration" },
    { flags: "--no-imports", description: "skip scanning the code for imports" },
  ],
  help: [
    "Reads pyproject.toml (PEP 621, Poetry, PDM, Hatch, Flit, setuptools, uv), setup.py (statically),",
    "setup.cfg, requirements*.txt, Pipfile(.lock), environment.yml and Python version files.",
    "Exit codes: 0 analysed, 2 a project file is malformed (the rest is still reported).",
  ].join("\n"),
  async run({ args, options, out }) {
    const { analyzeProject } = await import("../../workflows/analyze.js");
    const { renderFacts, factsToJson } = await import("../render-facts.js");
    const facts = await analyzeProject({
      path: args[0] ?? ".",
      machine: unlessNegated(options, "machine"),
      user: unlessNegated(options, "user"),
      imports: unlessNegated(options, "imports"),
    });
    if (options.json) out.line(JSON.stringify(factsToJson(facts), null, 2));
    else for (const line of renderFacts(facts, out.color)) out.line(line);
    const errors = facts.diagnostics.filter((d) => d.severity === "error");
    for (const error of errors)
      out.warn(`error: ${error.file}${error.line ? `:${error.line}` : ""}: ${error.message}`);
    return errors.length ? 2 : 0;
  },
};
