/**
 * Every process dhtl starts is known here, so that a signal that ends dhtl (Ctrl-C, `kill`, a closed
 * terminal) ends them too: no git, uv or helper of theirs is left running on its own. Processes started in
 * their own process group (git and gh, which start remote helpers and ssh) are ended group and all.
 *
 * dhtl's handler sends the same signal on, gives the children two seconds to finish (git removes a partial
 * clone on SIGTERM), kills what is left, then exits with 128 + the signal's number, as a shell reports it.
 * SIGKILL cannot be caught: what it leaves behind the next run settles (run/session.ts).
 */
import type { ChildProcess } from "node:child_process";

interface Tracked {
  child: ChildProcess;
  ownGroup: boolean;
}

const live = new Set<Tracked>();
let handlersInstalled = false;

const SIGNALS: Record<"SIGINT" | "SIGTERM" | "SIGHUP", number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const GRACE_MS = 2000;

/** Remembers a started process until it exits. */
export function trackChild(child: ChildProcess, ownGroup: boolean): void {
  const tracked = { child, ownGroup };
  live.add(tracked);
  child.once("exit", () => live.delete(tracked));
  child.once("error", () => live.delete(tracked));
  installHandlers();
}

/** Sends a signal to a process, or to its whole group when it leads one. */
export function signalChild(child: ChildProcess, ownGroup: boolean, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (ownGroup) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

/**
 * Installs the signal handlers; run() calls it before spawning, so a signal that arrives while a child is
 * being started waits for it to be tracked instead of ending dhtl the default way.
 */
export function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) {
    process.once(signal, () => endChildrenAndExit(signal));
  }
}

function endChildrenAndExit(signal: keyof typeof SIGNALS): void {
  const code = 128 + SIGNALS[signal];
  for (const { child, ownGroup } of live) signalChild(child, ownGroup, signal);
  const deadline = Date.now() + GRACE_MS;
  const wait = () => {
    if (live.size > 0 && Date.now() < deadline) {
      setTimeout(wait, 20);
      return;
    }
    for (const { child, ownGroup } of live) signalChild(child, ownGroup, "SIGKILL");
    process.exit(code);
  };
  wait();
}
