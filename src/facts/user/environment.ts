/** Environment variables that change how Python, pip, uv and friends behave — values redacted. */
import { redactValue } from "../../core/redact.js";

export interface EnvironmentVariable {
  name: string;
  /** The value with secrets masked (`****` entirely for secret names such as `UV_INDEX_X_PASSWORD`). */
  value: string;
}

const EXACT = new Set([
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONSTARTUP",
  "PYTHONUSERBASE",
  "PYTHONDONTWRITEBYTECODE",
  "PYTHONNOUSERSITE",
  "PYTHONWARNINGS",
  "PYTHONUTF8",
  "VIRTUAL_ENV",
  "CONDA_PREFIX",
  "CONDA_DEFAULT_ENV",
  "REQUESTS_CA_BUNDLE",
  "SSL_CERT_FILE",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
]);

const PREFIXES = ["PIP_", "UV_", "PYENV_", "POETRY_", "PDM_", "PIPENV_", "HATCH_", "TWINE_", "CONDA_"];

export function relevantEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariable[] {
  return Object.keys(env)
    .filter((name) => EXACT.has(name) || PREFIXES.some((prefix) => name.startsWith(prefix)))
    .sort()
    .map((name) => ({ name, value: redactValue(name, env[name] ?? "") }));
}
