/**
 * Resolving "as of" a date: `uv --exclude-newer`, so that requirements a project left unbounded get the
 * releases of the project's own time instead of today's (FINDINGS class 18: a 2018 project with
 * `dateparser>=0.7.0` and no lock meets years of breaking releases).
 *
 * When it applies:
 * - `--as-of DATE` (or an RFC 3339 time): exactly that; `--as-of commit`: the project's own date (below);
 *   `--as-of none`: today's releases. The choice is recorded (`.dhtconfig` `lock.excludeNewer`), so a later
 *   setup resolves the same way and regenerate rebuilds the very lock it made.
 * - Without the option, a recorded date is kept.
 * - Otherwise automatically when nothing pins the versions — no uv.lock, no dhtl lock, no Poetry, PDM or
 *   Pipfile lock — and the project's code and manifests last changed more than a year ago. A year is
 *   about one major release of the big dependencies (pytest, Django, SQLAlchemy, numpy, pydantic): a
 *   dormant project meets at least one it was never written for. A project changed within the year is
 *   maintained against today's releases, and there the option is the user's to give.
 *
 * "The project's own date" is the committer date of the last commit touching its manifests or its Python
 * code (`*.py`, notebooks): the last time anyone made the code and its requirements agree. README or CI
 * commits afterwards do not move it; code changes do (they may rely on newer releases).
 *
 * The interpreter bounds it from below: releases made before an interpreter came out rarely have wheels
 * for it, and old sources often fail to build on it, so the date is never earlier than 90 days after the
 * chosen Python's x.y.0. Interpreter choice itself belongs to src/python/ (facts/python-releases.ts's
 * `eraPython` names the era's interpreter as a candidate); with the era's interpreter the bound is moot.
 *
 * Build tools follow the same date, but never earlier than what runs on the interpreter (and what uv asks
 * for when an sdist names no backend): run/install.ts.
 */
import { DhtlError } from "../core/errors.js";
import { WHEELS_AFTER_DAYS, wheelsFrom } from "../facts/python-releases.js";

/** What `setup --as-of` asked for; undefined when the option was not given. */
export type AsOfRequest = { kind: "date"; date: string } | { kind: "commit" } | { kind: "none" };

export interface Resolution {
  /** RFC 3339 UTC timestamp for `--exclude-newer`. */
  excludeNewer: string;
  /** Why, for the plan and the output. */
  reason: string;
}

const DAY_MS = 86_400_000;
/** How long a project may rest before its unbounded requirements are resolved as of its own date. */
export const DORMANT_AFTER_DAYS = 365;

/** Parses `--as-of`: `none`, `commit`, a date `2018-05-27`, or an RFC 3339 time. */
export function parseAsOf(value: string): AsOfRequest {
  const text = value.trim();
  if (text === "none") return { kind: "none" };
  if (text === "commit") return { kind: "commit" };
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(date)
    ? new Date(date)
    : null;
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw new DhtlError(
      "badInput",
      `--as-of ${JSON.stringify(value)}: expected a date (2018-05-27), an RFC 3339 time, \`commit\` or \`none\``,
    );
  }
  return { kind: "date", date: utc(parsed) };
}

export interface ResolutionInputs {
  request?: AsOfRequest;
  /** `.dhtconfig` `lock.excludeNewer`. */
  recorded?: string;
  /** Something already pins the versions: uv.lock, dhtl's lock, a Poetry/PDM/Pipfile lock. */
  pinnedBy: string | null;
  /**
   * The last change of the project's own lock (poetry.lock, pdm.lock, Pipfile.lock) when that lock pins the
   * versions: installed as it pins, its sdists still build, so they build with the build tools of its time.
   */
  lockDate?: string | null;
  /** The project's own date (see above), or null outside git. */
  projectDate: string | null;
  /** Minor version of the interpreter the environment is built with (`3.13`). */
  python: string | null;
  now: Date;
}

/** The date to resolve as of, or null for today's releases. */
export function chooseResolution(inputs: ResolutionInputs): Resolution | null {
  const { request } = inputs;
  if (request?.kind === "none") return null;
  if (request?.kind === "date") return { excludeNewer: request.date, reason: "as asked (--as-of)" };
  if (request?.kind === "commit") {
    if (!inputs.projectDate) {
      throw new DhtlError("badInput", "--as-of commit: the project has no commit history to date it by", {
        hint: "run it in a git checkout with history, or give a date: --as-of 2018-05-27",
      });
    }
    return projectResolution(inputs.projectDate, inputs, "as asked (--as-of commit)");
  }
  if (inputs.recorded) return { excludeNewer: inputs.recorded, reason: "as recorded in .dhtconfig" };
  if (inputs.pinnedBy && inputs.lockDate) {
    const lockAge = (inputs.now.getTime() - Date.parse(inputs.lockDate)) / DAY_MS;
    if (lockAge <= DORMANT_AFTER_DAYS) return null;
    return projectResolution(
      inputs.lockDate,
      inputs,
      `${inputs.pinnedBy} pins the versions and last changed ${inputs.lockDate.slice(0, 10)}, over a year ago: what builds from source builds with the build tools of that time (\`--as-of none\` takes today's)`,
    );
  }
  if (inputs.pinnedBy || !inputs.projectDate) return null;
  const age = (inputs.now.getTime() - Date.parse(inputs.projectDate)) / DAY_MS;
  if (age <= DORMANT_AFTER_DAYS) return null;
  return projectResolution(
    inputs.projectDate,
    inputs,
    `nothing pins the versions and the code last changed ${inputs.projectDate.slice(0, 10)}, over a year ago (\`--as-of none\` resolves today's releases)`,
  );
}

function projectResolution(
  projectDate: string,
  { python, now }: Pick<ResolutionInputs, "python" | "now">,
  why: string,
): Resolution {
  const floor = wheelsFrom(python, now);
  if (!floor || floor <= projectDate) return { excludeNewer: projectDate, reason: why };
  return {
    excludeNewer: floor,
    reason: `${why}; not before ${floor.slice(0, 10)}, when Python ${python} had had its wheels for ${WHEELS_AFTER_DAYS} days`,
  };
}

function utc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
