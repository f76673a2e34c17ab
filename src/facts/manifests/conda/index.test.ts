import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DhtlError } from "../../../core/errors.js";
import { testProjects } from "../test-context.js";
import type { ManifestFacts } from "../types.js";
import { condaReader, condaVersionToPep440, parseCondaSpec } from "./index.js";
import { condaToPypi } from "./pypi-names.js";

const fixtures = join(import.meta.dirname, "__fixtures__");
const newProject = testProjects();

function read(fixture: string): ManifestFacts {
  const project = newProject({}, join(fixtures, fixture));
  const [facts] = condaReader.read(project.source("environment.yml"), project.ctx);
  return facts!;
}

function readError(fixture: string): DhtlError {
  try {
    read(fixture);
  } catch (error) {
    if (error instanceof DhtlError) return error;
    throw error;
  }
  throw new Error("expected a DhtlError");
}

describe("conda match specs", () => {
  it("splits channel, name, version and build", () => {
    expect(parseCondaSpec("conda-forge::pytorch=2.1=py3.11_cuda12_0")).toEqual({
      channel: "conda-forge",
      name: "pytorch",
      version: "=2.1",
      build: "py3.11_cuda12_0",
    });
    expect(parseCondaSpec("numpy 1.24 py311h0")).toEqual({
      channel: null,
      name: "numpy",
      version: "1.24",
      build: "py311h0",
    });
    expect(parseCondaSpec("scipy[version='>=1.11']")).toMatchObject({ name: "scipy", version: ">=1.11" });
    expect(parseCondaSpec("_libgcc_mutex")).toMatchObject({ name: "_libgcc_mutex", version: "" });
  });

  it("converts conda versions to PEP 440", () => {
    expect(condaVersionToPep440("=3.8")).toBe("==3.8.*");
    expect(condaVersionToPep440("==1.2.3")).toBe("==1.2.3");
    expect(condaVersionToPep440("1.2.*")).toBe("==1.2.*");
    expect(condaVersionToPep440(">=1.2,<2")).toBe(">=1.2,<2");
    expect(condaVersionToPep440("1.24")).toBe("==1.24");
    expect(condaVersionToPep440("1.2|1.4")).toBeNull();
  });

  it("maps conda names to PyPI names or says why there is none", () => {
    expect(condaToPypi("pytorch")).toEqual({ pypi: "torch", reason: "conda's pytorch is torch on PyPI" });
    expect(condaToPypi("py-opencv").pypi).toBe("opencv-python");
    expect(condaToPypi("matplotlib-base").pypi).toBe("matplotlib");
    expect(condaToPypi("msgpack-python").pypi).toBe("msgpack");
    expect(condaToPypi("scikit-learn").pypi).toBe("scikit-learn");
    expect(condaToPypi("requests")).toMatchObject({
      pypi: "requests",
      reason: expect.stringContaining("assumed"),
    });
    for (const condaOnly of [
      "cudatoolkit",
      "mkl",
      "libgcc-ng",
      "gcc",
      "compilers",
      "r-ggplot2",
      "nodejs",
      "git",
      "cuda-nvcc",
    ]) {
      expect(condaToPypi(condaOnly).pypi, condaOnly).toBeNull();
    }
    expect(condaToPypi("librosa").pypi).toBe("librosa");
  });
});

describe("environment.yml", () => {
  it("maps conda packages to PyPI requirements with their lines", () => {
    const facts = read("full");
    expect(facts.kind).toBe("conda");
    expect(facts.packageManager).toBe("conda");
    expect(facts.dependencies.map((d) => [d.requirement, d.line])).toEqual([
      ["numpy>=1.24,<2", 8],
      ["torch==2.1.*", 9],
      ["pandas==2.1.*", 10],
      ["opencv-python", 11],
      ["PyYAML==6.0.1", 12],
      ["matplotlib==3.8.*", 13],
      ["scipy>=1.11", 17],
      ["requests>=2.31", 20],
      ["httpx", 1],
    ]);
    expect(facts.dependencies.at(-1)!.file).toBe("requirements.txt");
    expect(facts.includedFiles).toEqual(["requirements.txt"]);
    expect(facts.details.pip?.installsProject).toBe("editable");
  });

  it("reads the Python pin", () => {
    expect(read("full").python).toEqual([
      { source: "environment.yml python", file: "environment.yml", line: 7, value: "3.11" },
    ]);
  });

  it("keeps conda-only packages apart with a diagnostic saying what to do", () => {
    const facts = read("full");
    expect(facts.nonPythonPackages).toEqual([
      { name: "cudatoolkit", spec: "cudatoolkit=11.8", manager: "conda", file: "environment.yml", line: 14 },
      { name: "r-ggplot2", spec: "r-ggplot2", manager: "conda", file: "environment.yml", line: 15 },
      { name: "libgcc-ng", spec: "libgcc-ng", manager: "conda", file: "environment.yml", line: 16 },
    ]);
    const cuda = facts.diagnostics.find((d) => d.line === 14)!;
    expect(cuda.message).toMatch(/cudatoolkit is conda-only .*CUDA.*keep it in conda/);
  });

  it("records channels and pip indexes with secrets redacted, and variable names only", () => {
    const facts = read("full");
    expect(facts.details.conda?.channels).toEqual([
      "conda-forge",
      "https://conda.anaconda.org/t/****/private-channel",
      "defaults",
    ]);
    expect(facts.indexes).toEqual([
      {
        name: "pypi.example.com",
        url: "https://ci:****@pypi.example.com/simple",
        file: "environment.yml",
        kind: "extra",
      },
    ]);
    expect(facts.details.conda?.variableNames).toEqual(["API_TOKEN"]);
    const json = JSON.stringify(facts);
    for (const secret of ["tk-12345secret", "topsecret", "do-not-print-me"])
      expect(json).not.toContain(secret);
  });

  it("redacts tokens in channel URLs written inside a package spec", () => {
    const project = newProject({
      "environment.yml":
        "dependencies:\n  - https://conda.anaconda.org/t/tk-999zz/chan::privlib=1.0\n  - cudatoolkit\n",
    });
    const [facts] = condaReader.read(project.source("environment.yml"), project.ctx);
    expect(facts!.dependencies.map((d) => d.requirement)).toEqual(["privlib==1.0.*"]);
    expect(facts!.details.conda?.condaPackages).toMatchObject([
      { channel: "https://conda.anaconda.org/t/****/chan" },
      {},
    ]);
    expect(JSON.stringify(facts)).not.toContain("tk-999zz");
  });

  it("reports a bad pip line with its line in environment.yml", () => {
    const errors = read("full").diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.file, d.line])).toEqual([["environment.yml", 24]]);
  });

  it("malformed YAML is a badInput error with the line", () => {
    const error = readError("malformed");
    expect(error.code).toBe("badInput");
    expect([error.file, error.line]).toEqual(["environment.yml", 6]);
    expect(error.message).toMatch(/^invalid YAML: All sequence items must start at the same column$/);
  });

  it("dependencies that are not a list are a badInput error", () => {
    const error = readError("not-a-list");
    expect([error.code, error.line]).toEqual(["badInput", 1]);
  });
});
