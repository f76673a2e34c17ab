import { compareText } from "../core/compare.js";
import { DhtlError } from "../core/errors.js";
import type { ProjectModel } from "../facts/types.js";
import { normalizeName } from "../pep/names.js";

/** What `setup` was asked for: `--extras test,docs` (empty: none), `--all-extras`, or neither. */
export interface ExtrasRequest {
  extras?: string;
  allExtras?: boolean;
}

export interface ChosenExtras {
  /** Normalised (PEP 685), sorted. */
  extras: string[];
  /** Recorded extras the project no longer declares (left out, worth a warning). */
  dropped: string[];
}

/**
 * The optional-dependency extras setup installs besides every dependency group. Nothing is implied: the
 * command line decides, else what `.dhtconfig` recorded from an earlier `--extras` (a choice the project
 * files cannot tell). An extra the project does not declare is an error naming the ones it does.
 */
export function chooseExtras(
  project: ProjectModel,
  request: ExtrasRequest,
  recorded: string[] | undefined,
): ChosenExtras {
  const declared = [...new Set(Object.keys(project.optionalDependencies).map(normalizeName))].sort(
    compareText,
  );
  if (request.allExtras && request.extras !== undefined) {
    throw new DhtlError("badInput", "--extras and --all-extras cannot be used together", {
      hint: "name the extras with --extras, or take every one with --all-extras",
    });
  }
  if (request.allExtras) return { extras: declared, dropped: [] };
  if (request.extras !== undefined) {
    const asked = [
      ...new Set(
        request.extras
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(normalizeName),
      ),
    ].sort(compareText);
    const unknown = asked.filter((extra) => !declared.includes(extra));
    if (unknown.length > 0) {
      throw new DhtlError(
        "badInput",
        `the project declares no extra ${unknown.map((extra) => `\`${extra}\``).join(", ")}`,
        { hint: declared.length > 0 ? `declared extras: ${declared.join(", ")}` : "it declares no extras" },
      );
    }
    return { extras: asked, dropped: [] };
  }
  const kept = (recorded ?? []).filter((extra) => declared.includes(extra));
  return { extras: kept, dropped: (recorded ?? []).filter((extra) => !declared.includes(extra)) };
}
