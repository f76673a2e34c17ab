import type { Facts } from "../../facts/types.js";
import type { DhtConfig } from "../../record/dhtconfig.js";
import type { CommandContext } from "../command.js";

export interface RecordedProject {
  /** The project's own facts: manifests, type, components (no machine, user or import scan). */
  facts: Facts;
  recorded: DhtConfig;
}

/** What a command says when there is no `.dhtconfig` to work from. */
export interface MissingRecord {
  /** Ends `nothing recorded to …` (`regenerate from`). */
  purpose: string;
  hint: string;
}

/**
 * Runs `work` on the project at `ctx.args[0]` and its `.dhtconfig`, inside the project session, for the
 * commands that rebuild or repair what setup recorded. Modules load lazily: start-up stays small.
 */
export async function withRecordedProject<T>(
  ctx: CommandContext,
  missing: MissingRecord,
  work: (project: RecordedProject) => Promise<T>,
): Promise<T> {
  const { existsSync } = await import("node:fs");
  const { join, resolve } = await import("node:path");
  const { DhtlError } = await import("../../core/errors.js");
  const { collectFacts } = await import("../../facts/collect.js");
  const { findProjectRoot } = await import("../../facts/root.js");
  const { readDhtConfig } = await import("../../record/dhtconfig.js");
  const { withProjectSession } = await import("../../run/session.js");

  const root = findProjectRoot(resolve(ctx.args[0] ?? "."));
  const noRecord = () =>
    new DhtlError("badInput", `no .dhtconfig in ${root}: nothing recorded to ${missing.purpose}`, {
      hint: missing.hint,
    });
  // Before the session, which writes: a project without a record is bad input even where nothing can be written.
  if (!existsSync(join(root, ".dhtconfig"))) throw noRecord();
  // Settle what a killed run left (and keep other runs out) before reading the project: a dry run only reads.
  const inSession = (session: () => Promise<T>): Promise<T> =>
    ctx.options.dryRun ? session() : withProjectSession(root, session);
  return inSession(async () => {
    const facts = await collectFacts(root, { machine: false, user: false, imports: false });
    const recorded = readDhtConfig(facts.root);
    if (!recorded) throw noRecord();
    return work({ facts, recorded });
  });
}
