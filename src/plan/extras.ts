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
  /** Extras installed by default because the project's own dev workflow installs them, with why. */
  defaults: DefaultExtra[];
}

export interface DefaultExtra {
  extra: string;
  /** `` `uv sync --all-extras` in .github/workflows/test.yml:12 ``, or `named for development and tests`. */
  why: string;
}

/** Extras named for development and tests: what a contributor installs to run the test suite. */
const TEST_EXTRAS = new Set(["dev", "test", "tests", "testing"]);

/**
 * The optional-dependency extras setup installs besides every dependency group. The command line decides
 * (`--extras`, `--all-extras`); without it, what `.dhtconfig` recorded plus the extras the project's own
 * dev workflow installs (devWorkflowExtras). An extra the project does not declare is an error naming the
 * ones it does.
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
  if (request.allExtras) return { extras: declared, dropped: [], defaults: [] };
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
    return { extras: asked, dropped: [], defaults: [] };
  }
  const kept = (recorded ?? []).filter((extra) => declared.includes(extra));
  const defaults = devWorkflowExtras(project, declared).filter((found) => !kept.includes(found.extra));
  return {
    extras: [...kept, ...defaults.map((found) => found.extra)].sort(compareText),
    dropped: (recorded ?? []).filter((extra) => !declared.includes(extra)),
    defaults,
  };
}

/**
 * The declared extras the project's own development workflow installs — CI's `uv sync --all-extras` or
 * `--extra X`, tox `extras =`, Hatch's default `features`, `pip install -e .[test]` in CI, a noxfile or a
 * requirements file — and extras named `dev`, `test`, `tests` or `testing`; each once, with the first reason.
 */
export function devWorkflowExtras(project: ProjectModel, declared: string[]): DefaultExtra[] {
  const found = new Map<string, string>();
  for (const dev of project.devExtras ?? []) {
    const where = `${dev.file}${dev.line ? `:${dev.line}` : ""}`;
    const names = dev.extra === "*" ? declared : [normalizeName(dev.extra)];
    for (const extra of names)
      if (declared.includes(extra) && !found.has(extra)) found.set(extra, `\`${dev.how}\` in ${where}`);
  }
  for (const extra of declared)
    if (TEST_EXTRAS.has(extra) && !found.has(extra)) found.set(extra, "named for development and tests");
  return [...found.entries()]
    .map(([extra, why]) => ({ extra, why }))
    .sort((a, b) => compareText(a.extra, b.extra));
}
