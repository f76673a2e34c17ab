import type { Output } from "../../src/core/output.js";

/** An `Output` that keeps what a command printed instead of writing it. */
export interface CapturedOutput extends Output {
  /** stdout lines (`line`). */
  lines: string[];
  /** stderr lines (`warn`). */
  warnings: string[];
}

/** For running a command in-process: colour off, steps silent, every line kept in order. */
export function captureOutput(options: { quiet?: boolean } = {}): CapturedOutput {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    color: false,
    quiet: options.quiet ?? false,
    lines,
    warnings,
    line: (text = "") => {
      lines.push(text);
    },
    warn: (text) => {
      warnings.push(text);
    },
    step: () => () => {},
  };
}
