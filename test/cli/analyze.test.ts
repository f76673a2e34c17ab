import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";
import { copyFixtureDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

interface AnalyzeJson {
  root: string;
  project: {
    name: string | null;
    version: string | null;
    dependencies: string[];
    optionalDependencies: Record<string, string[]>;
    dependencyGroups: Record<string, string[]>;
    requiresPython: string | null;
    pythonPin: string | null;
    packageManager: string | null;
    sources: { file: string; kind: string }[];
  };
  python: { candidates: { source: string; file: string; value: string }[]; chosen: { value: string } | null };
  type: { name: string; candidates: { name: string; score: number; evidence: string[] }[] };
  imports: { thirdParty: string[]; local: string[]; optional: string[] };
  inferred: { undeclared: { import: string; candidates: string[] }[]; unused: string[] };
  systemDependencies: { name: string; manager: string; because: string; phase: string }[];
  system: { platform: { key: string }; interpreters: { version: string; source: string }[] } | null;
  user: unknown;
  diagnostics: { file: string; line: number | null; severity: string; message: string }[];
}

function analyzeJson(dir: string, extra: string[] = [], env: Record<string, string | undefined> = {}) {
  const result = runCli(["analyze", dir, "--json", ...extra], dir, env);
  return { result, json: JSON.parse(result.stdout) as AnalyzeJson };
}

describe("dhtl analyze --json contract", () => {
  const dir = copyFixtureDir("analyze/contract");
  const { result, json } = analyzeJson(dir);

  it("exits 0 and prints one JSON object", () => {
    expect(result.code).toBe(0);
    expect(json.root).toBe(dir);
  });

  it("merges every manifest into the project model with the files it came from", () => {
    expect(json.project.name).toBe("contract-app");
    expect(json.project.version).toBe("1.2.0");
    expect(json.project.dependencies).toEqual(["requests>=2.31", "opencv-python-headless>=4.8", "click"]);
    expect(json.project.optionalDependencies).toEqual({ yaml: ["PyYAML>=6"] });
    expect(json.project.dependencyGroups).toEqual({
      dev: ["pytest>=8", "ruff"],
      docs: ["sphinx>=7"],
      test: ["pytest>=8"],
    });
    expect(json.project.requiresPython).toBe(">=3.10");
    expect(json.project.pythonPin).toBe("3.12");
    expect(json.project.packageManager).toBe("hatch");
    expect(json.project.sources.map((s) => s.file).sort()).toEqual([
      ".python-version",
      "pyproject.toml",
      "requirements-docs.txt",
    ]);
  });

  it("reports every Python version source and the winner", () => {
    expect(json.python.candidates.map((c) => c.source).sort()).toEqual([
      ".python-version",
      "requires-python",
    ]);
    expect(json.python.chosen?.value).toBe("3.12");
  });

  it("classifies imports from code and notebooks, skipping strings, markdown and magics", () => {
    expect(json.imports.thirdParty).toEqual([
      "bs4",
      "click",
      "cv2",
      "matplotlib",
      "mypy_extensions",
      "pandas",
      "requests",
      "ujson",
    ]);
    expect(json.imports.local).toEqual(["contract_app"]);
    expect(json.imports.optional).toEqual(["ujson"]);
  });

  it("infers undeclared imports (a provider distribution counts as declared) and unused declarations", () => {
    expect(json.inferred.undeclared.map((u) => u.import)).toEqual(["bs4", "matplotlib", "pandas"]);
    expect(json.inferred.undeclared[0]?.candidates[0]).toBe("beautifulsoup4");
    // cv2 is provided by the declared opencv-python-headless; ruff/pytest/sphinx are tools.
    expect(json.inferred.unused).toEqual(["PyYAML"]);
  });

  it("names the project type with its evidence", () => {
    expect(json.type.name).toBe("cli");
    expect(json.type.candidates[0]?.evidence.join(" ")).toContain("console script");
  });

  it("describes the machine and the user, and has a diagnostics list", () => {
    expect(json.system?.platform.key).toMatch(/^linux-/);
    expect(json.system?.interpreters.some((i) => i.version === "3.12.1" && i.source === "pyenv")).toBe(true);
    expect(json.user).toBeTypeOf("object");
    expect(Array.isArray(json.diagnostics)).toBe(true);
    expect(Array.isArray(json.systemDependencies)).toBe(true);
  });

  it("is deterministic", () => {
    const again = analyzeJson(dir);
    expect(again.result.stdout).toBe(result.stdout);
  });
});

describe("dhtl analyze on bad input", () => {
  it("reports malformed TOML with file and line, exit 2, no stack trace, nothing written", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-bad-"));
    writeFileSync(
      join(dir, "pyproject.toml"),
      '[project]\nname = "x"\ndependencies = [\n  "requests",\n  oops\n]\n',
    );
    writeFileSync(join(dir, "requirements.txt"), "six==1.16.0\n");
    const before = treeHash(dir);
    const { result, json } = analyzeJson(dir, ["--no-machine", "--no-user"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pyproject\.toml:\d+: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // The rest of the project is still reported.
    expect(json.project.dependencies).toEqual(["six==1.16.0"]);
    expect(json.diagnostics.some((d) => d.file === "pyproject.toml" && d.severity === "error")).toBe(true);
    expect(treeHash(dir)).toBe(before);
  });

  it("reports an include cycle naming the file and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-cycle-"));
    writeFileSync(join(dir, "requirements.txt"), "six\n-r more.txt\n");
    writeFileSync(join(dir, "more.txt"), "idna\n-r requirements.txt\n");
    const { result } = analyzeJson(dir, ["--no-machine", "--no-user"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/(requirements|more)\.txt:2: .*cycle/i);
  });

  it("refuses a path that does not exist with exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-missing-"));
    const result = runCli(["analyze", join(dir, "nope")], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("does not exist");
  });

  it("survives a binary manifest and a symlink loop as diagnostics", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-binary-"));
    writeFileSync(join(dir, "requirements.txt"), Buffer.from([0x73, 0x69, 0x78, 0x00, 0x01]));
    mkdirSync(join(dir, "pkg"));
    writeFileSync(join(dir, "pkg", "mod.py"), "import six\n");
    symlinkSync("..", join(dir, "pkg", "loop"));
    symlinkSync("self-b", join(dir, "self-a"));
    symlinkSync("self-a", join(dir, "self-b"));
    const { result, json } = analyzeJson(dir, ["--no-machine", "--no-user"]);
    expect(result.code).toBe(2);
    expect(json.diagnostics.find((d) => d.file === "requirements.txt")?.message).toContain("binary");
    expect(json.imports.thirdParty).toEqual(["six"]);
  });
});

describe("dhtl analyze keeps secrets out", () => {
  it("redacts credentials from index URLs, user config and the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "dhtl-secret-"));
    const home = mkdtempSync(join(tmpdir(), "dhtl-home-"));
    writeFileSync(
      join(dir, "requirements.txt"),
      "--index-url https://alice:hunter2-index@pypi.example.com/simple\nsix\n",
    );
    writeFileSync(join(home, ".pypirc"), "[pypi]\nusername = __token__\npassword = pypi-SECRETTOKEN123\n");
    writeFileSync(join(home, ".npmrc"), "//registry.npmjs.org/:_authToken=npm_SECRETNPM456\n");
    const env = {
      HOME: home,
      PIP_INDEX_URL: "https://bob:hunter3-env@pypi.example.org/simple",
      GIT_CONFIG_NOSYSTEM: "1",
    };
    const asJson = runCli(["analyze", dir, "--json", "--no-machine"], dir, env);
    const asText = runCli(["analyze", dir, "--no-machine"], dir, env);
    for (const output of [asJson.stdout + asJson.stderr, asText.stdout + asText.stderr]) {
      for (const secret of ["hunter2-index", "pypi-SECRETTOKEN123", "npm_SECRETNPM456", "hunter3-env"]) {
        expect(output).not.toContain(secret);
      }
    }
    expect(asJson.stdout).toContain("pypi.example.com");
  });
});

describe("project root", () => {
  it("walks up to the nearest directory with a marker", () => {
    const dir = copyFixtureDir("analyze/contract");
    const { json } = analyzeJson(join(dir, "src", "contract_app"), ["--no-machine", "--no-user"]);
    expect(json.root).toBe(dir);
    expect(json.project.name).toBe("contract-app");
  });
});
