import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectModel } from "../../test/support/project-model.js";
import type { Output } from "../core/output.js";
import { emptyManifest } from "../facts/manifests/types.js";
import type { ProjectModel } from "../facts/types.js";
import { planSetup } from "../plan/setup-plan.js";
import { parseDhtConfig, platformKey } from "../record/dhtconfig.js";
import { executePlan } from "./execute.js";
import { withProjectSession } from "./session.js";
import { findInterpreterFor, uvRunner } from "./tools.js";

const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "dhtl-exec-"));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Drives the execution layer with real uv and a real interpreter, from hand-built facts. */
const silent: Output = { color: false, quiet: true, line() {}, warn() {}, step: () => () => {} };

async function setUp(root: string, model: ProjectModel) {
  const search = await findInterpreterFor({ kind: "minor", value: "3.11" });
  const facts = { root, project: model, python: { candidates: [], chosen: null, conflicts: [] } };
  const plan = planSetup({
    facts,
    interpreter: search.interpreter,
    installed: search.installed,
    uvLockExists: false,
  });
  return withProjectSession(root, () =>
    executePlan(plan, {
      out: silent,
      getUv: () => uvRunner(silent),
      platform: platformKey(),
      existingConfig: null,
    }),
  );
}

describe("executePlan with real uv", () => {
  it("compiles a dhtl-owned lock, installs it into a swapped-in environment and records it", async () => {
    const root = tempRoot();
    writeFileSync(join(root, "requirements.txt"), "six\n");
    const result = await setUp(
      root,
      projectModel({
        sources: [{ file: "requirements.txt", kind: "requirements" }],
        dependencies: ["six"],
        dependencyGroups: { dev: ["idna<3.10"] },
      }),
    );
    expect(result.packages).toBe(2);
    expect(readlinkSync(join(root, ".venv"))).toMatch(/^\.dhtl\/envs\//);
    expect(existsSync(join(root, ".venv", "lib", "python3.11", "site-packages", "six.py"))).toBe(true);
    const lock = readFileSync(join(root, ".dhtl/requirements.lock"), "utf8");
    expect(lock).toMatch(/^six==[\d.]+ \\\n\s+--hash=sha256:/m);
    expect(lock).not.toContain("requirements.lock.new");
    const config = parseDhtConfig(readFileSync(join(root, ".dhtconfig"), "utf8"));
    expect(config.python?.version).toMatch(/^3\.11\.\d+$/);
    expect(config.lock?.file).toBe(".dhtl/requirements.lock");
    expect(config.environment?.checksums[platformKey()]).toBe(result.checksum);
    expect(readFileSync(join(root, "requirements.txt"), "utf8")).toBe("six\n");
  });

  it("installs a uv project and its dependency groups with uv sync --frozen", async () => {
    const root = tempRoot();
    writeFileSync(
      join(root, "pyproject.toml"),
      '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["six"]\n\n[dependency-groups]\ndev = ["idna"]\n',
    );
    const manifest = {
      ...emptyManifest("pep621", "pyproject.toml"),
      name: { value: "demo", file: "pyproject.toml" },
    };
    const result = await setUp(
      root,
      projectModel({
        sources: [{ file: "requirements.txt", kind: "requirements" }],
        manifests: [manifest],
        dependencies: ["six"],
      }),
    );
    expect(existsSync(join(root, "uv.lock"))).toBe(true);
    expect(result.packages).toBe(2);
    expect(parseDhtConfig(readFileSync(join(root, ".dhtconfig"), "utf8")).lock?.file).toBe("uv.lock");
  });

  it("a failing install leaves no environment, no lock and no .dhtl behind", async () => {
    const root = tempRoot();
    mkdirSync(join(root, "sub"));
    await expect(
      setUp(
        root,
        projectModel({
          sources: [{ file: "requirements.txt", kind: "requirements" }],
          dependencies: ["dhtl-no-such-package-xyz-0000"],
        }),
      ),
    ).rejects.toMatchObject({ code: "toolFailed" });
    expect(existsSync(join(root, ".venv"))).toBe(false);
    expect(existsSync(join(root, ".dhtl"))).toBe(false);
    expect(existsSync(join(root, ".dhtconfig"))).toBe(false);
  });
});
