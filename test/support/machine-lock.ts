import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Tests that remove and reinstall the machine's own packages (apt) must not interleave with the same tests
 * run by another checkout's suite on this machine: one run's `apt-get remove` would undo the other's
 * install mid-scenario. A directory in /tmp (not the run's TMPDIR, which is private to one run) is the
 * lock; mkdir is atomic. A holder that died is recognised by its pid and the lock taken over.
 */
const lockDir = join("/tmp", "dhtl-tests-machine-packages.lock");
const pause = new Int32Array(new SharedArrayBuffer(4));

function holderAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; ENOENT: the holder is still writing its pid.
    const code = (error as NodeJS.ErrnoException).code;
    return code === "EPERM" || code === "ENOENT";
  }
}

function acquire(timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (!holderAlive()) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${lockDir} is still held after ${timeoutMs} ms`);
    Atomics.wait(pause, 0, 0, 500);
  }
}

/** Runs `body` while no other test run on this machine changes the machine's packages. */
export async function withMachinePackages<T>(body: () => T | Promise<T>, timeoutMs = 600_000): Promise<T> {
  acquire(timeoutMs);
  try {
    return await body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
