import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { SMALL_PROJECT, watchedOutside, writeTree } from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, item 8: the interpreter and Python's start-up hooks are part of the environment. Each tampering
 * is reported by validate-env (exit 1, naming the file) and repaired by fix-env (a rebuild from the lock),
 * and nothing planted ever runs.
 */
let root: string;
let outside: ReturnType<typeof watchedOutside>;
let ran: string;

beforeAll(() => {
  root = tempDir("dhtl-drift-");
  writeTree(root, SMALL_PROJECT);
  const setup = runCli(["setup", "--yes"], root);
  expect(setup.code, describeRun(setup)).toBe(0);
  outside = watchedOutside();
  ran = join(outside.dir, "..", "payload-ran");
});

const venv = () => join(root, ".venv");
const sitePackages = () => {
  const lib = join(venv(), "lib");
  return join(lib, readdirSync(lib).find((entry) => entry.startsWith("python"))!, "site-packages");
};
const payload = () => `import os; open(${JSON.stringify(ran)}, "w").close()\n`;

const tamperings: { name: string; quick: boolean; apply: () => void; reported: RegExp }[] = [
  {
    name: "rm .venv/bin/python",
    quick: true,
    apply: () => rmSync(join(venv(), "bin", "python")),
    reported: /bin\/python is missing/,
  },
  {
    name: "an unrecorded zzz.pth",
    quick: false,
    apply: () => writeFileSync(join(sitePackages(), "zzz.pth"), payload()),
    reported: /site-packages\/zzz\.pth is not installed by any package/,
  },
  {
    name: "a sitecustomize.py",
    quick: true,
    apply: () => writeFileSync(join(sitePackages(), "sitecustomize.py"), payload()),
    reported: /site-packages\/sitecustomize\.py is not installed by any package/,
  },
  {
    name: "include-system-site-packages = true",
    quick: true,
    apply: () => {
      const cfg = join(venv(), "pyvenv.cfg");
      writeFileSync(
        cfg,
        readFileSync(cfg, "utf8").replace(
          /include-system-site-packages = false/,
          "include-system-site-packages = true",
        ),
      );
    },
    reported: /include-system-site-packages = true/,
  },
  {
    name: "a wrapper script replacing bin/python",
    quick: true,
    apply: () => {
      const python = join(venv(), "bin", "python");
      const real = readlinkSync(python);
      rmSync(python);
      writeFileSync(python, `#!/bin/sh\ntouch '${ran}'\nexec '${real}' "$@"\n`);
      chmodSync(python, 0o755);
    },
    reported: /bin\/python runs a script/,
  },
];

describe.each(tamperings)("item 8: $name", ({ apply, quick, reported }) => {
  it("validate-env reports it (exit 1); fix-env repairs it; the planted code never runs", () => {
    expect(runCli(["validate-env"], root).code).toBe(0);
    apply();
    const full = runCli(["validate-env"], root);
    expect(full.code, describeRun(full)).toBe(1);
    expect(full.stdout).toMatch(reported);
    const json = JSON.parse(runCli(["validate-env", "--json"], root).stdout) as {
      ok: boolean;
      drift: { environment: string[] };
    };
    expect(json.ok).toBe(false);
    expect(json.drift.environment.join("\n")).toMatch(reported);
    if (quick) expect(runCli(["validate-env", "--quick"], root).code).toBe(1);
    const fix = runCli(["fix-env", "--yes"], root);
    expect(fix.code, describeRun(fix)).toBe(0);
    expect(fix.stdout).not.toContain("already valid");
    const after = runCli(["validate-env"], root);
    expect(after.code, describeRun(after)).toBe(0);
    expect(existsSync(ran)).toBe(false);
    expect(outside.changed()).toBe(false);
  });
});
