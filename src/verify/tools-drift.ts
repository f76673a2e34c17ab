/**
 * The dev tools `.dhtconfig` records against what this machine has: each tool's environment complete at
 * the recorded version (run/dev-tools.ts), and its commands exposed from the environment's `bin/` by
 * dhtl's wrappers. A tool the environment has from its lock is the lock's business, not a tool's.
 * Only file names and a few script heads are read: cheap enough for the prompt hook's quick check.
 */
import { join } from "node:path";
import { lexists } from "../core/safe-path.js";
import { specifierAllows } from "../pep/pep440.js";
import { installedTool, toolHome, toolPythonFor, toolRequestsOf } from "../run/dev-tools.js";
import { readToolWrappers } from "../run/env-wrappers.js";

export interface ToolDrift {
  name: string;
  /** The recorded version (or range). */
  expected: string;
  /** What `.venv/bin` runs now, when it runs some version of the tool; else null. */
  actual: string | null;
  /** One sentence: what is wrong. */
  problem: string;
}

/** Each recorded tool that is missing, another version, or not exposed; `fromLock`: names the env has installed. */
export function toolDrift(
  venv: string,
  recorded: Record<string, string> | undefined,
  fromLock: Set<string>,
): ToolDrift[] {
  const requests = toolRequestsOf(recorded).filter((request) => !fromLock.has(request.name));
  if (requests.length === 0) return [];
  const python = toolPythonFor(venv);
  const wrappers = [...readToolWrappers(venv).values()];
  const drift: ToolDrift[] = [];
  for (const request of requests) {
    const exposedAs = wrappers.filter((wrapper) => wrapper.name === request.name);
    const actual = exposedAs[0]?.version ?? null;
    const expected = request.version ?? request.spec ?? "";
    // A range (written by hand) is met by whichever version within it the environment runs.
    const version =
      request.version ?? (actual !== null && specifierAllows(request.spec ?? "", actual) ? actual : null);
    const home = version === null ? null : toolHome(request.name, version, python.minor);
    const tool = home === null || version === null ? null : installedTool(home, request.name, version);
    if (!tool || home === null) {
      drift.push({
        name: request.name,
        expected,
        actual,
        problem: `${request.name} ${expected} is not installed`,
      });
      continue;
    }
    const bin = join(venv, "bin");
    const unexposed = tool.commands.filter((command) => {
      const wrapper = exposedAs.find((candidate) => candidate.command === command);
      if (wrapper) return wrapper.version !== version || wrapper.target !== join(home, "bin", command);
      // A file that is not dhtl's (the lock's own command of that name) wins, as setup left it.
      return !lexists(join(bin, command));
    });
    if (unexposed.length > 0) {
      drift.push({
        name: request.name,
        expected,
        actual,
        problem: `.venv/bin does not run ${request.name} ${expected} (${unexposed.join(", ")})`,
      });
    }
  }
  return drift;
}
