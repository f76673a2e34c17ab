/** Terminal output: colour only on a TTY without NO_COLOR, progress only where a person watches. */
export interface Output {
  color: boolean;
  /** Write a line to stdout. */
  line(text?: string): void;
  /** Write a line to stderr (warnings, progress that must not pollute --json). */
  warn(text: string): void;
  /** Announce a step that may take over a second; returns a function that ends it. */
  step(label: string): (outcome?: string) => void;
  quiet: boolean;
}

export interface OutputOptions {
  quiet?: boolean;
  /** Force colour on/off; default decides from the environment. */
  color?: boolean;
}

export function shouldColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if ("NO_COLOR" in process.env && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY) && process.env.TERM !== "dumb";
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};
export type Style = keyof typeof codes;

export function paint(enabled: boolean, style: Style, text: string): string {
  if (!enabled) return text;
  const [open, close] = codes[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

export function createOutput(options: OutputOptions = {}): Output {
  const color = options.color ?? shouldColor();
  const quiet = options.quiet ?? false;
  const interactive = Boolean(process.stderr.isTTY) && !process.env.CI;
  return {
    color,
    quiet,
    line(text = "") {
      process.stdout.write(`${text}\n`);
    },
    warn(text) {
      process.stderr.write(`${text}\n`);
    },
    step(label) {
      if (quiet) return () => {};
      const started = Date.now();
      // A TTY gets a live line; logs get one line at the start and one at the end.
      process.stderr.write(interactive ? `${paint(color, "cyan", "…")} ${label}` : `… ${label}\n`);
      return (outcome) => {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const tail = `${paint(color, "green", "✓")} ${label}${outcome ? ` — ${outcome}` : ""} ${paint(color, "dim", `(${seconds}s)`)}`;
        process.stderr.write(interactive ? `\r\u001b[2K${tail}\n` : `${tail}\n`);
      };
    },
  };
}
