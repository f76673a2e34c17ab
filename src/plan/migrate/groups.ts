/**
 * Which dependency groups `uv sync` installs by default after a migration from pip, Pipenv, conda or
 * setuptools. uv installs only `dev` unless told otherwise; a group the user ran tests from before
 * (requirements/local.txt holding pytest, setup.py's tests_require) or the Pipfile/requirements group that
 * sits beside a package is added to `[tool.uv] default-groups`, and the notes say so.
 */
import { normalizeName } from "../../pep/names.js";
import { tryParseRequirement } from "../../pep/pep508.js";

/** Test runners: a group that holds one is where the project's tests get their tools. */
const TEST_RUNNERS = new Set(["pytest", "nose", "nose2", "tox", "nox"]);
const TEST_GROUP_NAMES = new Set(["test", "tests", "testing"]);

export function expectedGroups(
  groups: Record<string, string[]>,
  mainGroup: string | null,
  notes: string[],
): string[] | null {
  const names = Object.keys(groups);
  const wanted = names.filter((group) => group === "dev" || group === mainGroup);
  for (const group of names) {
    if (wanted.includes(group)) continue;
    const runner = groups[group]
      ?.map((r) => tryParseRequirement(r)?.name)
      .find((n) => n !== undefined && TEST_RUNNERS.has(normalizeName(n)));
    if (runner || TEST_GROUP_NAMES.has(group)) {
      wanted.push(group);
      notes.push(
        `group "${group}" ${runner ? `holds the test runner (${runner})` : "holds the tests' tools"}: added to [tool.uv] default-groups, so \`uv sync\` installs it`,
      );
    }
  }
  const list = [...new Set(wanted)].sort();
  // uv's own default is ["dev"]: only a different list needs writing.
  if (list.length === 0 || (list.length === 1 && list[0] === "dev")) return null;
  return list;
}

const runnerIn = (requirements: string[] | undefined) =>
  requirements
    ?.map((r) => tryParseRequirement(r)?.name)
    .find((n) => n !== undefined && TEST_RUNNERS.has(normalizeName(n)));

/**
 * The extra the tests need (`pip install -e .[tests]` in tox/CI), when no group holds a test runner: the
 * `dev` group gets `<project>[<extra>]`, which uv installs by default. Extras named test/tests/testing first,
 * then any extra holding a test runner. Returns the groups to write.
 */
export function withTestExtra(
  project: string,
  groups: Record<string, string[]>,
  extras: Record<string, string[]>,
  notes: string[],
): Record<string, string[]> {
  if (Object.values(groups).some((list) => runnerIn(list))) return groups;
  const names = Object.keys(extras);
  const extra =
    names.find((e) => TEST_GROUP_NAMES.has(normalizeName(e)) && runnerIn(extras[e])) ??
    names.find((e) => runnerIn(extras[e]));
  if (!extra) return groups;
  const entry = `${project}[${extra}]`;
  notes.push(
    `the extra "${extra}" holds the test runner: the dev group installs ${entry}, so \`uv sync\` has the tests' tools`,
  );
  return { ...groups, dev: [...(groups.dev ?? []), entry] };
}

/**
 * The test dependencies of tox's default environment (`[testenv] deps`: `-r` files read, lines for other
 * factors and `{…}` substitutions left out by the tox reader), when no group holds a test runner: a uv user
 * runs the tests in the environment `uv sync` makes, so they join the `dev` group, which uv installs by
 * default. The project itself is left out (uv installs it anyway), and so is what `dev` already names.
 */
export function withToxDeps(
  project: string,
  groups: Record<string, string[]>,
  tox: { file: string; requirements: string[] } | null,
  notes: string[],
): Record<string, string[]> {
  if (!tox || Object.values(groups).some((list) => runnerIn(list))) return groups;
  const dev = groups.dev ?? [];
  const taken = new Set(
    [project, ...dev.map((r) => tryParseRequirement(r)?.name ?? "")].filter(Boolean).map(normalizeName),
  );
  const added: string[] = [];
  for (const requirement of tox.requirements) {
    const name = tryParseRequirement(requirement)?.name;
    if (name === undefined || taken.has(normalizeName(name))) continue;
    taken.add(normalizeName(name));
    added.push(requirement);
  }
  if (added.length === 0) return groups;
  const names = added.map((r) => tryParseRequirement(r)?.name ?? r).join(", ");
  notes.push(
    `${tox.file} [testenv] deps (${names}) went to the group "dev", installed by default: \`uv sync\` has the tests' tools, as \`tox\` had`,
  );
  return { ...groups, dev: [...dev, ...added] };
}
