import { describe, expect, it } from "vitest";
import type { CommandSpec } from "./command.js";
import { buildProgram, type CommandInvocation } from "./commander-program.js";
import { commands } from "./commands/index.js";
import { parseCommandLine } from "./fast-parse.js";

/** What commander hands the action for this argv, or null when it refuses it (usage error, help). */
async function viaCommander(
  specs: CommandSpec[],
  argv: string[],
): Promise<{ name: string; invocation: CommandInvocation } | null> {
  let seen: { name: string; invocation: CommandInvocation } | null = null;
  const program = buildProgram(specs, "0.0.0-test", async (spec, invocation) => {
    seen = { name: spec.name, invocation };
  });
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const command of program.commands) command.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch {
    return null;
  }
  return seen;
}

const fake = (name: string, args: string | undefined, flags: string[]): CommandSpec => ({
  name,
  summary: name,
  args,
  options: flags.map((f) => ({ flags: f, description: f })),
  run: async () => 0,
});

// Shapes beyond the real commands: a value option with a default, a required positional, variadic args.
const extraSpecs: CommandSpec[] = [
  {
    ...fake("demo", "<first> [second]", ["--name <value>", "-y, --yes", "--no-color"]),
    options: [
      { flags: "--name <value>", description: "n", defaultValue: "anon" },
      { flags: "-y, --yes", description: "y" },
      { flags: "--no-color", description: "c" },
    ],
  },
  fake("many", "[items...]", ["--from <format>", "--remove-old"]),
];

const cases: string[][] = [
  ["validate-env", "--quick", "--quiet", "/tmp/project"],
  ["validate-env", "/tmp/project", "--quick", "-q"],
  ["validate-env", "--json"],
  ["validate-env", "--quick", "--debug", "."],
  ["validate-env", "a", "b"],
  ["validate-env", "--bogus"],
  ["validate-env", "--quick=1"],
  ["validate-env", "--help"],
  ["validate-env", "-h"],
  ["validate-env", "--", "x"],
  ["validate-env", "-qy"],
  ["regenerate", "--force", "--yes", "--quiet", "."],
  ["regenerate", "-y", "--dry-run", "--json"],
  ["setup", ".", "--yes"],
  ["fix-env", "--force", "-y"],
  ["analyze", "--json", "--no-machine", "--no-user", "."],
  ["analyze", "--no-imports"],
  ["analyze"],
  ["hook", "bash"],
  ["hook"],
  ["clone", "https://example.org/r.git", "dir", "--no-gh"],
  ["migrate", "--from", "poetry", "."],
  ["migrate", "--from=poetry", "--remove-old"],
  ["migrate", "tests", "x", "y"],
  ["migrate", "--from"],
  ["migrate", "--from", "--remove-old"],
  ["demo", "one"],
  ["demo", "one", "two", "--name", "bob", "-y", "--no-color"],
  ["demo", "--name=x", "one"],
  ["demo"],
  ["demo", "one", "two", "three"],
  ["many"],
  ["many", "a", "b", "c", "--remove-old", "--from", "pipenv"],
  ["nosuchcommand"],
  ["help", "setup"],
  ["--version"],
  [],
];

describe("parseCommandLine", () => {
  const specs = [...commands, ...extraSpecs];

  it.each(cases.map((argv) => [argv.join(" ") || "(empty)", argv]))(
    "reads %s as commander does, or leaves it to commander",
    async (_label, argv) => {
      const fast = parseCommandLine(specs, argv as string[]);
      const reference = await viaCommander(specs, argv as string[]);
      if (fast === null) return;
      // Whatever the fast reader accepts, commander accepts identically.
      expect(reference).not.toBeNull();
      expect(fast.spec.name).toBe(reference?.name);
      expect(fast.args).toEqual(reference?.invocation.args);
      expect(fast.options).toEqual({ ...reference?.invocation.options });
    },
  );

  it("takes the hook's and the benchmarks' command lines without commander", () => {
    const quick = parseCommandLine(commands, ["validate-env", "--quick", "--quiet", "/p"]);
    expect(quick?.spec.name).toBe("validate-env");
    expect(quick?.args).toEqual(["/p"]);
    expect(quick?.options).toEqual({ quick: true, quiet: true });
    expect(parseCommandLine(commands, ["regenerate", "/p", "--force", "--yes", "--quiet"])?.options).toEqual({
      force: true,
      yes: true,
      quiet: true,
    });
    expect(parseCommandLine(commands, ["analyze", "--no-machine"])?.options).toEqual({
      machine: false,
      user: true,
      imports: true,
    });
  });

  it("leaves help, unknown options, bad arity and odd shapes to commander", () => {
    for (const argv of [
      ["validate-env", "--help"],
      ["validate-env", "--bogus"],
      ["validate-env", "a", "b"],
      ["validate-env", "-qy"],
      ["validate-env", "--", "x"],
      ["hook"],
      ["migrate", "--from"],
      ["nosuchcommand"],
      [],
    ]) {
      expect(parseCommandLine(commands, argv)).toBeNull();
    }
  });
});
