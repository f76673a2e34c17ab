import { spawnSync } from "node:child_process";
import { chownSync, cpSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildah, containerBuildsUnavailable, pythonBaseImage } from "../support/container.js";
import { describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs, repoRoot, tempDir } from "../support/temp-dirs.js";

/**
 * The exported Dockerfiles built for real with buildah and run: three projects of different flavours
 * (uv + pytest, requirements + unittest, Poetry converted by setup), each image's tests run inside it as
 * the unprivileged user; and the devcontainer image built with the dhtl wheel, where the postCreateCommand
 * (`dhtl regenerate`) rebuilds the recorded environment in a mounted workspace. See test/support/container.ts
 * for the base image stand-in (Docker Hub is out of reach here).
 */
const unavailable = containerBuildsUnavailable();
if (unavailable) console.warn(`container builds skipped: ${unavailable}`);

const images: string[] = [];
afterAll(() => {
  for (const image of images) buildah(["rmi", "--force", image]);
  removeTempDirs();
});

interface Built {
  root: string;
  image: string;
}

function setUpAndExport(root: string, target: string): void {
  const setup = runCli(["setup", "--yes"], root);
  if (setup.code !== 0) throw new Error(describeRun(setup));
  const exported = runCli(["export", target], root);
  if (exported.code !== 0) throw new Error(describeRun(exported));
}

/** Builds `dockerfile` in `root` against the stand-in base its FROM names. */
function build(root: string, tag: string, dockerfile: string, extra: string[] = []): Built {
  const from = /^FROM python:(\S+)-slim-bookworm/m.exec(readFileSync(join(root, dockerfile), "utf8"))?.[1];
  if (!from || !pythonBaseImage(from)) throw new Error(`no stand-in base for Python ${from}`);
  const result = buildah(
    [
      "bud",
      "--isolation",
      "chroot",
      "--pull=never",
      "--layers=false",
      "-f",
      dockerfile,
      "-t",
      tag,
      ...extra,
      ".",
    ],
    { cwd: root },
  );
  expect(result.code, result.output.slice(-4000)).toBe(0);
  images.push(tag);
  return { root, image: tag };
}

/** Runs argv in a fresh container of `image` (as the image's user), then removes the container. */
function runIn(image: string, argv: string[], options: string[] = []): { code: number; output: string } {
  const from = buildah(["from", "--pull=never", image]);
  expect(from.code, from.output).toBe(0);
  const container = from.output.trim().split("\n").pop()!;
  try {
    return buildah(["run", "--isolation", "chroot", ...options, container, "--", ...argv]);
  } finally {
    buildah(["rm", container]);
  }
}

describe.skipIf(unavailable !== null)("exported Dockerfiles, built with buildah (e2e)", () => {
  const projects: Record<string, string> = {};
  beforeAll(() => {
    projects.uv = tempDir("dhtl-hello-app-");
    cpSync(join(repoRoot, "examples", "hello-app"), projects.uv, { recursive: true });
    projects.requirements = copyFixtureDir("export/req-unittest");
    projects.poetry = copyFixtureDir("export/poetry-tox");
    for (const root of Object.values(projects)) setUpAndExport(root, "docker");
  }, 300_000);

  it("uv + pytest: the image runs the console script and the tests as uid 10001, source read-only", () => {
    const { image } = build(projects.uv!, "dhtl-test/hello-app", "Dockerfile");
    expect(runIn(image, ["hello"]).output).toContain("Hello, world!");
    expect(runIn(image, ["id", "-u"]).output.trim()).toBe("10001");
    const tests = runIn(image, ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]);
    expect(tests.code, tests.output).toBe(0);
    expect(tests.output).toMatch(/1 passed/);
    expect(runIn(image, ["touch", "/app/x"]).code).not.toBe(0);
    // .dockerignore kept the host's environments out of the image.
    expect(runIn(image, ["test", "-e", "/app/.dhtl/envs"]).code).not.toBe(0);
  }, 600_000);

  it("requirements + unittest: the hashed lock installed on the exact Python, tests pass", () => {
    const { image } = build(projects.requirements!, "dhtl-test/req-unittest", "Dockerfile");
    const version = runIn(image, [
      "python",
      "-c",
      "import sys, six; print(sys.version.split()[0], six.__version__)",
    ]);
    expect(version.output.trim()).toBe("3.12.1 1.16.0");
    const tests = runIn(image, ["python", "-m", "unittest", "discover", "-s", "tests"]);
    expect(tests.code, tests.output).toBe(0);
  }, 600_000);

  it("Poetry project converted by setup: the package installed from the compiled lock", () => {
    const { image } = build(projects.poetry!, "dhtl-test/poetry-tox", "Dockerfile");
    const result = runIn(image, ["python", "-c", "import poetry_tox, idna; print(poetry_tox.shout('ok'))"]);
    expect(result.code, result.output).toBe(0);
    expect(result.output.trim()).toBe("OK");
  }, 600_000);

  it("devcontainer: dhtl from its wheel, and `dhtl regenerate` rebuilds the recorded environment in the workspace", () => {
    const root = tempDir("dhtl-devcontainer-");
    cpSync(join(repoRoot, "examples", "hello-app"), root, { recursive: true });
    setUpAndExport(root, "devcontainer");
    const wheels = tempDir("dhtl-wheels-");
    const built = spawnSync(
      process.execPath,
      [join(repoRoot, "scripts", "build-wheel.mjs"), "--out", wheels],
      {
        encoding: "utf8",
      },
    );
    expect(built.status, built.stderr).toBe(0);
    const wheel = readdirSync(wheels)[0]!;
    const { image } = build(root, "dhtl-test/devcontainer", ".devcontainer/Dockerfile", [
      "--volume",
      `${wheels}:/wheels:ro`,
      "--build-arg",
      `DHTL_SPEC=/wheels/${wheel}`,
    ]);
    // The workspace as a fresh clone has it: the record and the lock, no environment; owned by the dev user.
    const workspace = tempDir("dhtl-workspace-");
    cpSync(root, workspace, { recursive: true });
    rmSync(join(workspace, ".venv"), { force: true });
    rmSync(join(workspace, ".dhtl"), { recursive: true, force: true });
    spawnSync("chown", ["-R", "1000:1000", workspace]);
    expect(statSync(workspace).uid).toBe(1000);
    const mount = ["--volume", `${workspace}:/workspaces/hello-app`, "--workingdir", "/workspaces/hello-app"];
    const regenerate = runIn(image, ["dhtl", "regenerate"], mount);
    expect(regenerate.code, regenerate.output).toBe(0);
    const validate = runIn(image, ["dhtl", "validate-env"], mount);
    expect(validate.code, validate.output).toBe(0);
    const tests = runIn(image, [".venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], mount);
    expect(tests.code, tests.output).toBe(0);
    chownSync(workspace, 0, 0);
  }, 900_000);
});
