/**
 * A unified diff of two texts (what `git diff` shows), for `--dry-run` and for the plan shown before writing.
 * Line-based longest-common-subsequence: exact and simple, and config files are small.
 */

/** Beyond this many line pairs the diff shows the whole file replaced rather than spend time aligning it. */
const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

type Op = { kind: " " | "-" | "+"; text: string };

export function unifiedDiff(path: string, before: string | null, after: string): string {
  if (before === after) return "";
  const a = splitLines(before ?? "");
  const b = splitLines(after);
  const ops = a.length * b.length > MAX_CELLS ? replaceAll(a, b) : align(a, b);
  const header = [`--- ${before === null ? "/dev/null" : `a/${path}`}`, `+++ b/${path}`];
  return `${[...header, ...hunks(ops)].join("\n")}\n`;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function replaceAll(a: string[], b: string[]): Op[] {
  return [
    ...a.map((text) => ({ kind: "-" as const, text })),
    ...b.map((text) => ({ kind: "+" as const, text })),
  ];
}

function align(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS length of a[i..] and b[j..], in one flat array.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * (m + 1) + j + 1] ?? 0) + 1
          : Math.max(lengths[(i + 1) * (m + 1) + j] ?? 0, lengths[i * (m + 1) + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: " ", text: a[i] ?? "" });
      i++;
      j++;
    } else if ((lengths[(i + 1) * (m + 1) + j] ?? 0) >= (lengths[i * (m + 1) + j + 1] ?? 0)) {
      ops.push({ kind: "-", text: a[i++] ?? "" });
    } else {
      ops.push({ kind: "+", text: b[j++] ?? "" });
    }
  }
  while (i < n) ops.push({ kind: "-", text: a[i++] ?? "" });
  while (j < m) ops.push({ kind: "+", text: b[j++] ?? "" });
  return ops;
}

/** Groups changes with CONTEXT unchanged lines around them into `@@ -l,s +l,s @@` hunks. */
function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  const changed = ops.map((op, index) => (op.kind === " " ? -1 : index)).filter((index) => index >= 0);
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, (changed[k] ?? 0) - CONTEXT);
    let end = Math.min(ops.length, (changed[k] ?? 0) + CONTEXT + 1);
    while (k + 1 < changed.length && (changed[k + 1] ?? 0) - CONTEXT <= end) {
      k++;
      end = Math.min(ops.length, (changed[k] ?? 0) + CONTEXT + 1);
    }
    k++;
    const before = ops.slice(0, start);
    const oldStart = before.filter((op) => op.kind !== "+").length;
    const newStart = before.filter((op) => op.kind !== "-").length;
    const body = ops.slice(start, end);
    const oldCount = body.filter((op) => op.kind !== "+").length;
    const newCount = body.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const op of body) out.push(`${op.kind}${op.text}`);
  }
  return out;
}

/** Unified diff ranges are 1-based, and an empty range names the line before it. */
function range(start: number, count: number): string {
  return `${count === 0 ? start : start + 1},${count}`;
}
