import { createInterface } from "node:readline";
import type { SystemPackagesConsent } from "../workflows/system-packages.js";

/** `--yes` consents; otherwise a person at a terminal is asked, and nobody else is. */
export function consentFrom(yes: boolean): SystemPackagesConsent {
  return yes ? { yes: true, ask: null } : { yes: false, ask: terminalQuestion() };
}

/** On a terminal: one question on stderr, one line read from stdin. Null when stdin is not a terminal. */
export function terminalQuestion(): SystemPackagesConsent["ask"] {
  if (!process.stdin.isTTY) return null;
  return (question) =>
    new Promise((resolve) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      prompt.question(question, (answer) => {
        prompt.close();
        resolve(/^\s*y(es)?\s*$/i.test(answer));
      });
    });
}

/** A yes/no question on the terminal (stdout), for commands that change the user's files. */
export async function confirm(question: string): Promise<boolean> {
  const { createInterface: createPrompt } = await import("node:readline/promises");
  const rl = createPrompt({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
