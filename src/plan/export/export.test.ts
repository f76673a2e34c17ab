import { describe, expect, it } from "vitest";
import { imagePackages } from "./image-packages.js";
import { renderExport } from "./index.js";
import { checkBaseImage, officialPythonImage } from "./python-image.js";
import { pythonMatrix } from "./python-matrix.js";
import { chooseTestRunner, testCommand } from "./test-runner.js";
import type { ExportInputs } from "./types.js";

/** A uv.lock with psycopg2 as an sdist only and numpy with manylinux wheels for both machines. */
const UV_LOCK = `version = 1
requires-python = ">=3.12"

[[package]]
name = "numpy"
version = "2.3.4"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/p/numpy-2.3.4.tar.gz", hash = "sha256:aa" }
wheels = [
    { url = "https://files.pythonhosted.org/p/numpy-2.3.4-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", hash = "sha256:bb" },
    { url = "https://files.pythonhosted.org/p/numpy-2.3.4-cp312-cp312-manylinux_2_27_aarch64.manylinux_2_28_aarch64.whl", hash = "sha256:cc" },
]

[[package]]
name = "psycopg2"
version = "2.9.10"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/p/psycopg2-2.9.10.tar.gz", hash = "sha256:dd" }
`;

function inputs(overrides: Partial<ExportInputs> = {}): ExportInputs {
  return {
    name: "demo",
    python: "3.12.1",
    supportedRange: ">=3.11",
    lock: { kind: "uv", file: "uv.lock" },
    installProject: true,
    extras: [],
    command: null,
    packages: { build: [], runtime: [], recorded: [], reasons: [] },
    testRunner: { kind: "pytest", evidence: "pytest is a declared dependency" },
    tools: {},
    uvVersion: "0.13.9",
    dhtlVersion: "0.1.0",
    baseImage: "python:3.12.1-slim-bookworm",
    ...overrides,
  };
}

describe("officialPythonImage", () => {
  it("names the slim Debian image the version was published on", () => {
    expect(officialPythonImage("3.12.1").image).toBe("python:3.12.1-slim-bookworm");
    expect(officialPythonImage("3.11.4").debian).toBe("bookworm");
    expect(officialPythonImage("3.11.3").image).toBe("python:3.11.3-slim-bullseye");
    expect(officialPythonImage("3.10.13").debian).toBe("bookworm");
  });

  it("refuses versions that are not exact final releases, and Pythons without such an image", () => {
    expect(() => officialPythonImage("3.12")).toThrow(/not an exact final release/);
    expect(() => officialPythonImage("3.13.0rc1")).toThrow(/not an exact final release/);
    expect(() => officialPythonImage("2.7.18")).toThrow(/no official slim Debian image/);
  });
});

describe("checkBaseImage", () => {
  it("accepts references to Debian-based images and refuses anything else", () => {
    expect(checkBaseImage("registry.example.com:5000/team/python:3.12.1-bookworm")).toBe(
      "registry.example.com:5000/team/python:3.12.1-bookworm",
    );
    expect(() => checkBaseImage("python:3.12 AS evil")).toThrow(/not an image reference/);
    expect(() => checkBaseImage("python:3.12.1\nRUN curl x")).toThrow(/not an image reference/);
    expect(() => checkBaseImage("python:3.12.1-alpine3.20")).toThrow(/Debian-based/);
    expect(() => checkBaseImage("registry.access.redhat.com/ubi9/python-312")).toThrow(/Debian-based/);
    expect(checkBaseImage("research/python:3.12.1-bookworm")).toBe("research/python:3.12.1-bookworm");
  });
});

describe("pythonMatrix", () => {
  it("takes every CI minor the range allows, the recorded exact version in place of its minor", () => {
    expect(pythonMatrix("3.12.1", ">=3.11")).toEqual([
      { python: "3.11", minor: "3.11", recorded: false },
      { python: "3.12.1", minor: "3.12", recorded: true },
      { python: "3.13", minor: "3.13", recorded: false },
      { python: "3.14", minor: "3.14", recorded: false },
    ]);
    expect(pythonMatrix("3.10.13", ">=3.9,<3.11").map((e) => e.python)).toEqual(["3.9", "3.10.13"]);
    expect(pythonMatrix("3.12.1", null)).toEqual([{ python: "3.12.1", minor: "3.12", recorded: true }]);
  });
});

describe("chooseTestRunner", () => {
  const none = { files: [], sections: [], declared: [], testDir: null, hasTestFiles: false };
  it("prefers nox and tox, then pytest, then unittest", () => {
    expect(chooseTestRunner({ ...none, files: ["noxfile.py", "tox.ini"], declared: ["nox"] })).toEqual({
      kind: "nox",
      evidence: "noxfile.py",
      declared: true,
    });
    expect(chooseTestRunner({ ...none, sections: ["tox:tox"] }).kind).toBe("tox");
    expect(chooseTestRunner({ ...none, declared: ["pytest"], hasTestFiles: true }).kind).toBe("pytest");
    expect(chooseTestRunner({ ...none, files: ["tests/conftest.py"] }).evidence).toBe("tests/conftest.py");
    expect(chooseTestRunner({ ...none, hasTestFiles: true, testDir: "tests" })).toEqual({
      kind: "unittest",
      evidence: "test_*.py files, no pytest",
      startDir: "tests",
    });
    expect(chooseTestRunner(none).kind).toBe("none");
  });

  it("runs a tool the lock lacks through uvx, at the recorded version", () => {
    const where = { minor: "3.12", toxEnv: "py312" };
    const tox = { kind: "tox" as const, evidence: "tox.ini", declared: false };
    expect(testCommand(tox, where, { tox: "4.23.2" })).toEqual([
      "uvx",
      "--from",
      "tox==4.23.2",
      "tox",
      "-e",
      "py312",
    ]);
    expect(testCommand({ ...tox, declared: true }, where, {})).toEqual([
      ".venv/bin/python",
      "-m",
      "tox",
      "-e",
      "py312",
    ]);
  });
});

describe("imagePackages", () => {
  it("keeps build packages only for distributions without wheels for the image; runtime ones always", () => {
    const packages = imagePackages({
      lock: { kind: "uv", file: "uv.lock" },
      lockText: UV_LOCK,
      lockedDistributions: ["numpy", "psycopg2"],
      python: "3.12.1",
      debian: "bookworm",
      recorded: ["ffmpeg"],
    });
    expect(packages.build).toEqual(["build-essential", "libpq-dev", "pkg-config"]);
    expect(packages.runtime).toEqual(["libpq5"]);
    expect(packages.recorded).toEqual(["ffmpeg"]);
    expect(packages.reasons.join("\n")).toMatch(/^psycopg2: .*libpq-dev \(build\)/m);
  });

  it("counts every build need for a hashed requirements lock (it names no wheel files)", () => {
    const packages = imagePackages({
      lock: { kind: "requirements", file: ".dhtl/requirements.lock" },
      lockText: "",
      lockedDistributions: ["numpy"],
      python: "3.12.1",
      debian: "bookworm",
      recorded: [],
    });
    expect(packages.build.length).toBeGreaterThan(0);
  });

  it("refuses a recorded name Debian would not accept", () => {
    expect(() =>
      imagePackages({
        lock: { kind: "uv", file: "uv.lock" },
        lockText: "",
        lockedDistributions: [],
        python: "3.12.1",
        debian: "bookworm",
        recorded: ["libpq-dev; rm -rf /"],
      }),
    ).toThrow(/not a valid apt package name/);
  });
});

describe("renderExport", () => {
  it("docker: two stages, the lock's dependencies in their own layer, apt only where packages are needed", () => {
    const packages = { build: ["libpq-dev"], runtime: ["libpq5"], recorded: [], reasons: ["psycopg2: …"] };
    const [dockerfile, ignore] = renderExport("docker", inputs({ packages, command: "serve" })).files;
    const text = dockerfile!.text;
    expect(text.match(/^FROM python:3\.12\.1-slim-bookworm/gm)).toHaveLength(2);
    const deps = text.indexOf("RUN uv sync --frozen --all-groups --no-install-local");
    expect(deps).toBeGreaterThan(text.indexOf("COPY pyproject.toml uv.lock ./"));
    expect(text.indexOf("COPY . .")).toBeGreaterThan(deps);
    expect(text).toMatch(/install -y --no-install-recommends libpq-dev libpq5 \\/);
    expect(text).toMatch(/install -y --no-install-recommends libpq5 \\\n && rm -rf/);
    expect(text).toMatch(/^USER 10001:10001$/m);
    expect(text).toMatch(/^CMD \["serve"\]$/m);
    expect(ignore!.text.split("\n")).toEqual(expect.arrayContaining([".git", ".venv", ".dhtl/envs", ".env"]));
  });

  it("docker: a hashed requirements lock is synced with hashes required, the package installed after", () => {
    const lock = { kind: "requirements" as const, file: ".dhtl/requirements.lock" };
    const text = renderExport("docker", inputs({ lock, extras: [] })).files[0]!.text;
    expect(text).toContain("COPY .dhtl/requirements.lock .dhtl/requirements.lock");
    expect(text).toContain(
      "uv pip sync --require-hashes --python /app/.venv/bin/python .dhtl/requirements.lock",
    );
    expect(text).toContain("RUN uv pip install --no-deps --python /app/.venv/bin/python -e .");
    expect(text).not.toContain("apt-get");
  });

  it("docker: a uv workspace gets no separate dependency layer (members' pyproject.toml come with the source), every member", () => {
    const text = renderExport("docker", inputs({ lock: { kind: "uv", file: "uv.lock", workspace: true } }))
      .files[0]!.text;
    expect(text).not.toContain("--no-install-local");
    expect(text).not.toContain("COPY pyproject.toml uv.lock");
    expect(text).toMatch(/COPY \. \.\nRUN uv sync --frozen --all-groups --all-packages\n/);
  });

  it("docker and ci: a uv project's groups lock is installed after the sync, and kept by the project's sync", () => {
    const lock = { kind: "uv" as const, file: "uv.lock" as const, groups: ".dhtl/uv-groups.lock" };
    const text = renderExport("docker", inputs({ lock })).files[0]!.text;
    expect(text).toContain(
      "COPY pyproject.toml uv.lock ./\nCOPY .dhtl/uv-groups.lock .dhtl/uv-groups.lock\n",
    );
    const groups = text.indexOf(
      "uv pip install --require-hashes --no-deps --python /app/.venv/bin/python -r .dhtl/uv-groups.lock",
    );
    expect(groups).toBeGreaterThan(text.indexOf("uv sync --frozen --all-groups --no-install-local"));
    expect(text.indexOf("RUN uv sync --frozen --all-groups --inexact")).toBeGreaterThan(groups);
    const ci = renderExport("ci", inputs({ lock })).files[0]!.text;
    expect(ci).toContain("-r .dhtl/uv-groups.lock");
  });

  it("ci: quotes versions so YAML keeps 3.10 a string, and installs the recorded extras", () => {
    const text = renderExport("ci", inputs({ supportedRange: ">=3.10", extras: ["fast"] })).files[0]!.text;
    expect(text).toContain('          - python: "3.10"');
    expect(text).toContain("uv sync --frozen --all-groups --extra fast");
    expect(text).toContain("run: uvx --from dhtl==0.1.0 dhtl validate-env");
    expect(text).toContain("run: .venv/bin/python -m pytest");
  });

  it("the same inputs give the same bytes", () => {
    for (const target of ["docker", "devcontainer", "ci"] as const) {
      expect(renderExport(target, inputs())).toEqual(renderExport(target, inputs()));
    }
  });
});
