/**
 * `dhtl export ci`: a GitHub Actions workflow. One job per Python the project supports; on the recorded
 * version dhtl rebuilds the environment from `.dhtconfig` and the lock and checks it (`validate-env`), on
 * the others the same universal lock is installed exactly by uv; then the project's own test runner runs.
 * dhtl comes from PyPI through `uvx` (the wheel carries its own Node), pinned to the exporting version.
 */
import { formatCommand } from "../../facts/system-packages/index.js";
import { lockInstall } from "./install-steps.js";
import { pythonMatrix } from "./python-matrix.js";
import { testCommand } from "./test-runner.js";
import type { ExportFile, ExportInputs } from "./types.js";

export const WORKFLOW_PATH = ".github/workflows/dhtl.yml";
/** Pinned, not `ubuntu-latest`: the same file means the same runner until someone changes it. */
const RUNNER = "ubuntu-24.04";
/** A GitHub Actions expression, `${{ … }}`, substituted by the runner before any shell sees it. */
function gh(expression: string): string {
  return `\${{ ${expression} }}`;
}
const PYTHON_PATH = gh("steps.python.outputs.python-path");

export function renderWorkflow(inputs: ExportInputs): ExportFile {
  const matrix = pythonMatrix(inputs.python, inputs.supportedRange);
  const dhtl = ["uvx", "--from", `dhtl==${inputs.dhtlVersion}`, "dhtl"];
  const install = lockInstall(inputs, ".venv", PYTHON_PATH);
  const packages = [...inputs.packages.build, ...inputs.packages.runtime, ...inputs.packages.recorded];
  const tox = inputs.testRunner.kind === "tox";
  const lines = [
    `# Written by \`dhtl export ci\` from .dhtconfig and ${inputs.lock.file}; \`dhtl export ci --force\` writes it again.`,
    `# One job per Python the project supports (${inputs.supportedRange ? `requires ${inputs.supportedRange}` : "no range stated"}), the recorded ${inputs.python} exactly:`,
    "# there dhtl rebuilds the environment from the record and checks it; elsewhere uv installs the same lock.",
    "name: dhtl",
    "",
    "on:",
    "  push:",
    "  pull_request:",
    "",
    "permissions:",
    "  contents: read",
    "",
    "jobs:",
    "  test:",
    `    name: Python ${gh("matrix.python")}`,
    `    runs-on: ${RUNNER}`,
    "    strategy:",
    "      fail-fast: false",
    "      matrix:",
    "        include:",
    ...matrix.flatMap((entry) => [
      `          - python: ${quote(entry.python)}`,
      `            minor: ${quote(entry.minor)}`,
      `            recorded: ${entry.recorded}`,
      ...(tox ? [`            toxenv: ${quote(`py${entry.minor.replace(".", "")}`)}`] : []),
    ]),
    "    env:",
    "      UV_PYTHON_DOWNLOADS: never",
    "    steps:",
    "      - uses: actions/checkout@v5",
    "        with:",
    "          persist-credentials: false",
    "      - id: python",
    "        uses: actions/setup-python@v6",
    "        with:",
    `          python-version: ${gh("matrix.python")}`,
    ...(packages.length > 0
      ? [
          "      - name: System packages",
          "        run: |",
          `          ${formatCommand(["sudo", "apt-get", "update"])}`,
          `          ${formatCommand(["sudo", "apt-get", "install", "-y", "--no-install-recommends", ...new Set(packages)])}`,
        ]
      : []),
    "      - name: uv",
    `        run: ${scalar(formatCommand(["python", "-m", "pip", "install", `uv==${inputs.uvVersion}`]))}`,
    "      - name: Environment from the record (dhtl regenerate)",
    "        if: matrix.recorded",
    `        run: ${scalar(formatCommand([...dhtl, "regenerate"]))}`,
    "      - name: Environment matches the record (dhtl validate-env)",
    "        if: matrix.recorded",
    `        run: ${scalar(formatCommand([...dhtl, "validate-env"]))}`,
    `      - name: ${scalar(`Environment from ${inputs.lock.file}`)}`,
    `        if: ${gh("!matrix.recorded")}`,
    "        env:",
    `          UV_PYTHON: ${PYTHON_PATH}`,
    "        run: |",
    ...install.all.map((argv) => `          ${formatCommand(argv)}`),
    ...testStep(inputs),
  ];
  return { path: WORKFLOW_PATH, text: `${lines.join("\n")}\n` };
}

/** The test step, reading the matrix for what differs per Python (nox's minor, tox's environment). */
function testStep(inputs: ExportInputs): string[] {
  const runner = inputs.testRunner;
  const matrixValues = { minor: gh("matrix.minor"), toxEnv: gh("matrix.toxenv") };
  const command = testCommand(runner, matrixValues, inputs.tools);
  if (!command) return [`      # No tests found (${runner.evidence}): add a test step here.`];
  return [
    `      - name: ${scalar(`Tests (${runner.kind}, ${runner.evidence})`)}`,
    `        run: ${scalar(formatCommand(command))}`,
  ];
}

/** A YAML double-quoted string (JSON's escapes are YAML's): `3.10` must stay text, not the number 3.1. */
function quote(text: string): string {
  return JSON.stringify(text);
}

/** Plain where YAML reads the text back unchanged (no `: `, ` #`, no indicator first), else double-quoted. */
function scalar(text: string): string {
  const plain = /^[A-Za-z0-9._/$(]/.test(text) && !/: |\s#|:$|^\$\{\{/.test(text);
  return plain ? text : quote(text);
}
