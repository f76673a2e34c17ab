/**
 * `.pre-commit-config.yaml` with pinned revisions. An existing file is merged through the YAML document model,
 * so its comments, order and every repo dhtl does not know survive; a repo already there keeps its revision
 * (dhtl never downgrades, and upgrades are the user's call) and only gains the hooks it lacks.
 */

import { DhtlError } from "../../core/errors.js";

/** Revisions checked against PyPI (ruff 0.17.6, pre-commit-hooks 6.0.0, black 26.10.1), 2026-11. */
export const PRE_COMMIT_REPOS: PreCommitRepo[] = [
  {
    repo: "https://github.com/pre-commit/pre-commit-hooks",
    rev: "v6.0.0",
    hooks: [
      { id: "trailing-whitespace" },
      { id: "end-of-file-fixer" },
      { id: "check-yaml" },
      { id: "check-toml" },
    ],
  },
  {
    repo: "https://github.com/astral-sh/ruff-pre-commit",
    rev: "v0.17.6",
    hooks: [{ id: "ruff-check", args: ["--fix"] }, { id: "ruff-format" }],
  },
];

const BLACK_REPO: PreCommitRepo = {
  repo: "https://github.com/psf/black-pre-commit-mirror",
  rev: "26.10.1",
  hooks: [{ id: "black" }],
};

/** Hook ids that name the same hook (`ruff` is ruff-pre-commit's older id for `ruff-check`). */
const SAME_HOOK: Record<string, string> = { ruff: "ruff-check" };

export interface PreCommitRepo {
  repo: string;
  rev: string;
  hooks: { id: string; args?: string[] }[];
}

export interface PreCommitPlan {
  /** The new file text, or null when nothing changes. */
  text: string | null;
  notes: string[];
}

/** The repos a project should have: ruff formats unless the project already uses black. */
export function wantedRepos(usesBlack: boolean): PreCommitRepo[] {
  if (!usesBlack) return PRE_COMMIT_REPOS;
  return PRE_COMMIT_REPOS.map((r) =>
    r.repo.endsWith("/ruff-pre-commit") ? { ...r, hooks: r.hooks.filter((h) => h.id !== "ruff-format") } : r,
  ).concat([BLACK_REPO]);
}

export async function planPreCommit(existing: string | null, usesBlack: boolean): Promise<PreCommitPlan> {
  const YAML = await import("yaml");
  const wanted = wantedRepos(usesBlack);
  if (existing === null || existing.trim() === "") {
    return { text: YAML.stringify({ repos: wanted }, { lineWidth: 0 }), notes: [] };
  }
  const doc = YAML.parseDocument(existing);
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new DhtlError("badInput", `invalid YAML: ${first?.message.split("\n")[0] ?? "parse error"}`, {
      file: FILE,
      line: first?.linePos?.[0]?.line,
    });
  }
  const notes: string[] = [];
  const insertions: Insertion[] = [];
  const repos = doc.get("repos", true);
  if (repos === undefined || repos === null) {
    insertions.push({ at: existing.length, text: `${existing.endsWith("\n") ? "" : "\n"}repos:\n` });
    insertions.push({ at: existing.length, text: blockItems(YAML, wanted, "  ") });
    return { text: applyInsertions(existing, insertions), notes };
  }
  if (!YAML.isSeq(repos)) throw new DhtlError("badInput", "`repos` must be a list", { file: FILE });
  const missingRepos: PreCommitRepo[] = [];
  for (const want of wanted) {
    const found = repos.items.find(
      (item) => YAML.isMap(item) && sameRepo(String(item.get("repo") ?? ""), want.repo),
    );
    if (!YAML.isMap(found)) {
      missingRepos.push(want);
      continue;
    }
    const rev = String(found.get("rev") ?? "");
    if (rev !== want.rev) notes.push(`${want.repo} stays at ${rev || "no rev"} (dhtl pins ${want.rev})`);
    const hooks = found.get("hooks", true);
    if (!YAML.isSeq(hooks)) continue;
    const ids = new Set(
      hooks.items
        .map((h) => (YAML.isMap(h) ? String(h.get("id") ?? "") : ""))
        .map((id) => SAME_HOOK[id] ?? id),
    );
    const missingHooks = want.hooks.filter((hook) => !ids.has(hook.id));
    if (missingHooks.length > 0) insertions.push(appendToSeq(YAML, existing, hooks, missingHooks));
  }
  if (missingRepos.length > 0) insertions.push(appendToSeq(YAML, existing, repos, missingRepos));
  return { text: insertions.length > 0 ? applyInsertions(existing, insertions) : null, notes };
}

const FILE = ".pre-commit-config.yaml";

interface Insertion {
  at: number;
  text: string;
}

type YamlModule = typeof import("yaml");
type YamlSeq = import("yaml").YAMLSeq;

/**
 * New items go in as text right after the sequence's last item, indented like its first one, so every byte of
 * the existing file (comments, quoting, flow lists) stays as the user wrote it.
 */
function appendToSeq(YAML: YamlModule, text: string, seq: YamlSeq, items: unknown[]): Insertion {
  const first = seq.items[0] as { range?: [number, number, number] } | undefined;
  const last = seq.items.at(-1) as { range?: [number, number, number] } | undefined;
  if (seq.flow || !first?.range || !last?.range) {
    throw new DhtlError("badInput", "a flow-style or empty list cannot be extended without rewriting it", {
      file: FILE,
      hint: "Write the list in block style (one `- ` item per line) and run again.",
    });
  }
  const lineStart = text.lastIndexOf("\n", first.range[0] - 1) + 1;
  const dash = text.indexOf("-", lineStart);
  const indent = " ".repeat(Math.max(0, dash - lineStart));
  const lineEnd = text.indexOf("\n", Math.max(last.range[1] - 1, 0));
  const at = lineEnd === -1 ? text.length : lineEnd + 1;
  const newline = lineEnd === -1 ? "\n" : "";
  return { at, text: newline + blockItems(YAML, items, indent) };
}

function blockItems(YAML: YamlModule, items: unknown[], indent: string): string {
  const body = YAML.stringify(items, { lineWidth: 0 });
  return body
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => `${indent}${line}\n`)
    .join("");
}

/**
 * Applies insertions from the end of the text backwards so earlier offsets stay valid. At one offset the
 * insertion listed first must end up first, so those are applied last.
 */
function applyInsertions(text: string, insertions: Insertion[]): string {
  const ordered = insertions.map((insertion, index) => ({ ...insertion, index }));
  ordered.sort((x, y) => y.at - x.at || y.index - x.index);
  let out = text;
  for (const { at, text: added } of ordered) out = out.slice(0, at) + added + out.slice(at);
  return out;
}

/** Repo URLs compare without scheme case, a trailing slash or `.git`. */
function sameRepo(a: string, b: string): boolean {
  const norm = (url: string) =>
    url
      .trim()
      .toLowerCase()
      .replace(/\/+$/, "")
      .replace(/\.git$/, "");
  return norm(a) === norm(b);
}
