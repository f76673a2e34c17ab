import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hookCommand } from "../../cli/commands/hook.js";
import { isDhtlError } from "../../core/errors.js";
import type { Output } from "../../core/output.js";
import { BASH_HOOK_FILE, FISH_HOOK_FILE, writeActivationHooks } from "./activation.js";
import { cdHookSnippet } from "./cd-hook.js";

/**
 * Real bash, zsh and fish run the generated scripts against a real venv made by uv. dhtl's own
 * `validate-env` is played by a small script that logs its arguments and reports drift when told to,
 * so the shells' behaviour is tested apart from the state of the validator.
 */
let base: string;
let project: string;
let venv: string;
let fakeDhtl: string;
let callLog: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "dhtl-hooks-"));
  project = join(base, "my project");
  venv = join(project, ".venv");
  mkdirSync(join(project, "scripts"), { recursive: true });
  mkdirSync(join(project, "src", "pkg"), { recursive: true });
  execFileSync("uv", ["venv", "--quiet", venv], { env: { ...process.env, VIRTUAL_ENV: "" } });
  writeFileSync(join(project, "scripts", "hello-dht"), "#!/bin/sh\necho hello\n");
  chmodSync(join(project, "scripts", "hello-dht"), 0o755);
  callLog = join(base, "calls.log");
  fakeDhtl = join(base, "fake-dhtl");
  writeFileSync(
    fakeDhtl,
    `#!/bin/sh\necho "$*" >> '${callLog}'\nif [ -f '${join(base, "drift")}' ]; then echo "dhtl: environment drift: 1 extra — run \\\`dhtl fix-env\\\`"; exit 1; fi\n`,
  );
  chmodSync(fakeDhtl, 0o755);
  writeActivationHooks(project, venv, { dhtlCommand: [fakeDhtl] });
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

interface ShellRun {
  stdout: string;
  stderr: string;
  status: number | null;
}

function shell(program: "bash" | "zsh" | "fish", script: string, env: NodeJS.ProcessEnv = {}): ShellRun {
  const args =
    program === "bash"
      ? ["--noprofile", "--norc", "-c", script]
      : program === "zsh"
        ? ["-f", "-c", script]
        : ["--no-config", "-c", script];
  const result = spawnSync(program, args, {
    cwd: base,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: base, ...env },
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function resetState(template: string | null, drift: boolean): void {
  rmSync(callLog, { force: true });
  rmSync(join(project, ".env.template"), { force: true });
  if (template !== null) writeFileSync(join(project, ".env.template"), template);
  if (drift) writeFileSync(join(base, "drift"), "");
  else rmSync(join(base, "drift"), { force: true });
}

const TEMPLATE = "# settings\nFOO=\nexport BAR=1\n# COMMENT=1\n  BAZ=default\nnot a variable\nLAST=x";

const POSIX_PROBE = `echo "venv=$VIRTUAL_ENV"; echo "root=$DHT_PROJECT_ROOT"; echo "vpath=$DHT_VENV_PATH"; echo "managed=$DHT_MANAGED"; hello-dht; python -c "import sys; print(sys.prefix)"`;
const FISH_PROBE = `echo "venv=$VIRTUAL_ENV"; echo "root=$DHT_PROJECT_ROOT"; echo "vpath=$DHT_VENV_PATH"; echo "managed=$DHT_MANAGED"; hello-dht; python -c "import sys; print(sys.prefix)"`;

describe.each([
  ["bash", `. '.venv/bin/${BASH_HOOK_FILE}'; ${POSIX_PROBE}`],
  ["zsh", `. '.venv/bin/${BASH_HOOK_FILE}'; ${POSIX_PROBE}`],
  ["fish", `source '.venv/bin/${FISH_HOOK_FILE}'; ${FISH_PROBE}`],
] as const)("activation script in %s", (program, script) => {
  const inProject = (env: NodeJS.ProcessEnv = {}) => shell(program, `cd '${project}'; ${script}`, env);

  it("activates, exports DHT_*, puts scripts/ on PATH and prints nothing else when all is well", () => {
    resetState(null, false);
    const run = inProject();
    expect(run.stderr).toBe("");
    expect(run.stdout.split("\n")).toEqual([
      `venv=${venv}`,
      `root=${project}`,
      `vpath=${venv}`,
      "managed=true",
      "hello",
      venv,
      "",
    ]);
    expect(readFileSync(callLog, "utf8")).toBe(`validate-env --quick --quiet ${project}\n`);
  });

  it("prints the validator's one drift line", () => {
    resetState(null, true);
    const run = inProject();
    expect(run.stdout.split("\n")[0]).toBe("dhtl: environment drift: 1 extra — run `dhtl fix-env`");
    expect(run.stderr).toBe("");
  });

  it("warns once for each variable of .env.template that is unset", () => {
    resetState(TEMPLATE, false);
    const run = inProject({ BAZ: "set", LAST: "" });
    expect(run.stderr.split("\n")).toEqual([
      "dhtl: FOO is not set (listed in .env.template)",
      "dhtl: BAR is not set (listed in .env.template)",
      "",
    ]);
  });
});

describe.each(["bash", "zsh", "fish"] as const)("cd hook in %s", (program) => {
  const snippetFile = () => {
    const file = join(base, `hook.${program}`);
    writeFileSync(file, cdHookSnippet(program));
    return file;
  };
  // bash runs its hook from PROMPT_COMMAND: a non-interactive test shell has no prompt, so it plays one.
  const prompt = program === "bash" ? 'eval "$PROMPT_COMMAND"' : "true";

  it("activates on entering any directory of the project and deactivates on leaving", () => {
    resetState(null, false);
    const file = snippetFile();
    const load = program === "fish" ? `source '${file}'` : `. '${file}'`;
    const show = 'echo "[$VIRTUAL_ENV|$DHT_MANAGED]"';
    const script = [
      load,
      show,
      `cd '${join(project, "src", "pkg")}'`,
      prompt,
      show,
      `cd '${project}'`,
      prompt,
      show,
      "cd /",
      prompt,
      show,
    ].join("; ");
    const run = shell(program, script);
    expect(run.stderr).toBe("");
    expect(run.stdout.split("\n")).toEqual(["[|]", `[${venv}|true]`, `[${venv}|true]`, "[|]", ""]);
    // Moving inside the project does not re-activate (one validation, on entry).
    expect(readFileSync(callLog, "utf8").trim().split("\n")).toHaveLength(1);
  });
});

describe("bash prompt hook", () => {
  it("keeps $?, keeps the user's PROMPT_COMMAND and registers once", () => {
    const file = join(base, "hook.bash");
    writeFileSync(file, cdHookSnippet("bash"));
    const run = shell(
      "bash",
      `PROMPT_COMMAND='echo user'; . '${file}'; . '${file}'; echo "$PROMPT_COMMAND"; false; _dhtl_hook; echo "status=$?"`,
    );
    expect(run.stdout).toBe("_dhtl_hook;echo user\nstatus=1\n");
  });
});

describe("dhtl hook", () => {
  function capture(): { out: Output; lines: string[] } {
    const lines: string[] = [];
    const out: Output = {
      color: false,
      quiet: false,
      line: (text = "") => lines.push(text),
      warn: (text) => lines.push(text),
      step: () => () => {},
    };
    return { out, lines };
  }

  it("prints the snippet for the shell asked for", async () => {
    const { out, lines } = capture();
    const code = await hookCommand.run({ args: ["zsh"], options: {}, out, debug: false });
    expect(code).toBe(0);
    expect(lines.join("\n")).toBe(cdHookSnippet("zsh").trimEnd());
    expect(lines.join("\n")).toContain("add-zsh-hook chpwd _dhtl_hook");
  });

  it("refuses an unknown shell with a bad-input error", async () => {
    const { out } = capture();
    const error = await hookCommand.run({ args: ["tcsh"], options: {}, out, debug: false }).catch((e) => e);
    expect(isDhtlError(error) && error.code).toBe("badInput");
  });
});
