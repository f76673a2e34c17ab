import { spawn } from "node:child_process";
import { installHandlers, signalChild, trackChild } from "./child-processes.js";
import { DhtlError } from "./errors.js";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process after this many milliseconds (default: no limit). */
  timeoutMs?: number;
  input?: string;
  /** Called with each chunk of stderr, for progress display. */
  onStderr?: (chunk: string) => void;
  onStdout?: (chunk: string) => void;
  /**
   * Start it in a process group of its own, so that a timeout or a signal ends it with every helper it
   * started (git's remote helpers and ssh). Not for programs that may ask on the terminal (sudo): a
   * background group cannot read it.
   */
  ownGroup?: boolean;
}

export interface RunResult {
  command: string;
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when the executable was not found. */
  notFound: boolean;
}

/**
 * Runs a program with an argv array — never through a shell — and collects its output.
 * Never throws for a failing program; callers decide what a failure means.
 */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    installHandlers();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      shell: false,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      detached: options.ownGroup ?? false,
    });
    const ownGroup = options.ownGroup ?? false;
    trackChild(child, ownGroup);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            signalChild(child, ownGroup, "SIGKILL");
          }, options.timeoutMs);
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr?.on("data", (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    if (options.input !== undefined) {
      // A program that exits without reading its input must not crash dhtl with EPIPE.
      child.stdin?.on("error", () => {});
      child.stdin?.end(options.input);
    }
    const finish = (result: Omit<RunResult, "command" | "args" | "stdout" | "stderr" | "timedOut">) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ command, args, stdout, stderr, timedOut, ...result });
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      finish({ code: null, signal: null, notFound: error.code === "ENOENT" });
    });
    child.on("close", (code, signal) => finish({ code, signal, notFound: false }));
  });
}

/** Like `run`, but a non-zero exit becomes a DhtlError (code toolFailed) quoting the tool's last lines. */
export async function runChecked(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.notFound) {
    throw new DhtlError("toolFailed", `${command} was not found`, { hint: `install ${command} and retry` });
  }
  if (result.code !== 0) {
    const tail = lastLines(result.stderr || result.stdout, 12);
    const why = result.timedOut ? "timed out" : `exited with ${result.code ?? result.signal}`;
    throw new DhtlError("toolFailed", `${command} ${args[0] ?? ""} ${why}${tail ? `:\n${tail}` : ""}`);
  }
  return result;
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}
