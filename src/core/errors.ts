/** Exit codes are part of the public contract; the README documents each one. */
export const ExitCode = {
  ok: 0,
  /** Drift found, or a check failed. */
  drift: 1,
  /** Bad input: malformed or missing project files, bad arguments. */
  badInput: 2,
  /** An external tool (uv, git, apt …) failed. */
  toolFailed: 3,
  /** Refused: consent missing, another dhtl holds the project lock, or a link where dhtl would write. */
  refused: 4,
  /** A file could not be written: permission denied, read-only file system, no space left. */
  cannotWrite: 5,
  /** A bug in dhtl itself. */
  internal: 70,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

export interface ErrorDetails {
  /** Path of the file at fault, relative to the project root when inside it. */
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
  /** One sentence telling the user what to do next. */
  hint?: string;
  cause?: unknown;
}

/** The one error type dhtl throws on purpose; the CLI prints it as `file:line: message` plus a hint. */
export class DhtlError extends Error {
  readonly code: ExitCodeName;
  readonly file?: string;
  readonly line?: number;
  readonly hint?: string;

  constructor(code: ExitCodeName, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "DhtlError";
    this.code = code;
    this.file = details.file;
    this.line = details.line;
    this.hint = details.hint;
  }

  get exitCode(): number {
    return ExitCode[this.code];
  }

  /** `file:line: message` — the form editors and terminals turn into links. */
  get location(): string {
    if (!this.file) return "";
    return this.line ? `${this.file}:${this.line}` : this.file;
  }
}

export function isDhtlError(value: unknown): value is DhtlError {
  return value instanceof DhtlError;
}
