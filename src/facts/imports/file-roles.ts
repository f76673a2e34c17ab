/**
 * What a source file is for, from its path: code the project runs (`runtime`), code that builds it
 * (`build`: setup.py), tests and developer tooling (`dev`), or documentation (`docs`). Imports of build,
 * dev and docs code are checked against build requirements and development groups, not reported as
 * missing runtime dependencies.
 */
export type FileRole = "runtime" | "build" | "dev" | "docs";

/** Files that build the project; `build.py` only at a project's top (Poetry's build script). */
const BUILD_FILES = new Set(["setup.py", "hatch_build.py", "pdm_build.py"]);
/** Task runners and test configuration at any level. */
const DEV_FILES = new Set([
  "conftest.py",
  "noxfile.py",
  "tasks.py",
  "fabfile.py",
  "dodo.py",
  "toxfile.py",
  "pavement.py",
]);
/** Directories of tests, at any depth (`pkg/tests/`). */
const TEST_DIRECTORIES = new Set([
  "test",
  "tests",
  "testing",
  "unittests",
  "unit_tests",
  "integration_tests",
  "functional_tests",
  "e2e",
]);
/** Top-level directories of developer tooling, examples and benchmarks. */
const DEV_DIRECTORIES = new Set([
  "scripts",
  "script",
  "tools",
  "tool",
  "bench",
  "benchmark",
  "benchmarks",
  "asv_bench",
  "examples",
  "example",
  "demo",
  "demos",
  "ci",
  "tasks",
  ".github",
  ".circleci",
  "dev",
  "devtools",
  "utils_dev",
]);
const DOCS_DIRECTORIES = new Set(["doc", "docs", "documentation", "_docs", "sphinx"]);
/** Benchmarks at any depth (`jsonschema/benchmarks/`): shipped inside a package, still never imported by it. */
const BENCHMARK_DIRECTORIES = new Set(["bench", "benchmark", "benchmarks", "asv_bench"]);

export function fileRole(path: string): FileRole {
  const parts = path.split("/");
  const base = parts[parts.length - 1] as string;
  const directories = parts.slice(0, -1);
  if (directories.some((dir) => DOCS_DIRECTORIES.has(dir))) return "docs";
  if (BUILD_FILES.has(base) || (base === "build.py" && directories.length === 0)) return "build";
  if (DEV_FILES.has(base) && directories.length === 0) return "dev";
  if (base === "conftest.py" || /^test_.*\.py$|_tests?\.py$|^tests?\.py$/.test(base)) return "dev";
  if (directories.some((dir) => TEST_DIRECTORIES.has(dir) || BENCHMARK_DIRECTORIES.has(dir))) return "dev";
  if (directories.length > 0 && DEV_DIRECTORIES.has(directories[0] as string)) return "dev";
  return "runtime";
}
