/**
 * Python versions in CI configuration: GitHub Actions workflows (`setup-python` and `setup-uv` inputs,
 * matrix entries they use, job containers) and Travis CI (`python:` at the top and in `include` jobs).
 * Read with YAML's failsafe schema, so `3.10` stays the text `3.10`, never the number 3.1.
 */
import { isMap, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { lineOf } from "../../core/fs.js";
import type { PythonVersionSource } from "../manifests/types.js";
import { hintSource } from "./versions.js";

/** Matrix keys that hold Python versions even where no step names them. */
const PYTHON_MATRIX_KEY = /^(py|python|pythons|python[-_]?versions?|py[-_]?versions?|pyver|python[-_]?ver)$/i;
/** Actions whose `python-version` input picks the Python a job runs. */
const PYTHON_ACTIONS =
  /^(actions\/setup-python|astral-sh\/setup-uv|conda-incubator\/setup-miniconda|mamba-org\/setup-micromamba)@/;

export function githubActionsHints(file: string, text: string): PythonVersionSource[] {
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message.split("\n")[0]);
  const found: PythonVersionSource[] = [];
  const jobs = mapOf(doc.contents);
  for (const [jobName, jobNode] of mapOf(jobs?.get("jobs") ?? null) ?? new Map()) {
    const job = mapOf(jobNode);
    if (!job) continue;
    const matrix = mapOf(mapOf(job.get("strategy") ?? null)?.get("matrix") ?? null);
    const matrixKeys = new Set<string>();
    for (const key of matrix?.keys() ?? []) if (PYTHON_MATRIX_KEY.test(key)) matrixKeys.add(key);
    for (const step of seqOf(job.get("steps") ?? null)) {
      const stepMap = mapOf(step);
      const uses = scalarText(stepMap?.get("uses") ?? null);
      if (!uses || !PYTHON_ACTIONS.test(uses)) continue;
      const input = mapOf(stepMap?.get("with") ?? null)?.get("python-version") ?? null;
      const action = uses.split("@")[0];
      for (const { value, node } of scalarsOf(input)) {
        // One value may list several versions, one per line (setup-python allows it).
        for (const line of value
          .split(/\n/)
          .map((v) => v.trim())
          .filter(Boolean)) {
          const reference = /^\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(line);
          if (reference) matrixKeys.add(reference[1]!);
          else if (!line.includes("${{"))
            found.push(hint(text, file, node, line, `${action} python-version of job ${jobName}`));
        }
      }
    }
    for (const key of matrixKeys) {
      for (const { value, node } of scalarsOf(matrix?.get(key) ?? null))
        if (!value.includes("${{"))
          found.push(hint(text, file, node, value, `GitHub Actions matrix ${key} of job ${jobName}`));
      for (const include of seqOf(matrix?.get("include") ?? null)) {
        for (const { value, node } of scalarsOf(mapOf(include)?.get(key) ?? null))
          if (!value.includes("${{"))
            found.push(
              hint(text, file, node, value, `GitHub Actions matrix include ${key} of job ${jobName}`),
            );
      }
    }
    const container = job.get("container") ?? null;
    const image = scalarText(mapOf(container)?.get("image") ?? container);
    const tag = image ? pythonImageVersion(image) : null;
    if (image && tag)
      found.push(hint(text, file, container, tag, `job ${jobName} runs in the container ${image}`, "runs"));
  }
  return found;
}

export function travisHints(file: string, text: string): PythonVersionSource[] {
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message.split("\n")[0]);
  const root = mapOf(doc.contents);
  const found: PythonVersionSource[] = [];
  for (const { value, node } of scalarsOf(root?.get("python") ?? null))
    found.push(hint(text, file, node, value, "Travis CI python list", "tested", "Travis CI"));
  for (const section of ["matrix", "jobs"]) {
    for (const include of seqOf(mapOf(root?.get(section) ?? null)?.get("include") ?? null)) {
      for (const { value, node } of scalarsOf(mapOf(include)?.get("python") ?? null))
        found.push(hint(text, file, node, value, `Travis CI ${section}.include job`, "tested", "Travis CI"));
    }
  }
  return found;
}

/**
 * The Python version an image reference names: `python:3.6-alpine` → `3.6`, `…/python:3.12.4-slim` →
 * `3.12.4`, `…/devcontainers/python:1-3.11-bullseye` → `3.11`, `ghcr.io/astral-sh/uv:python3.12-bookworm`
 * → `3.12`; null for other images.
 */
export function pythonImageVersion(image: string): string | null {
  const at = image.indexOf("@");
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(":");
  if (colon < 0 || ref.slice(colon).includes("/")) return null;
  const name = ref.slice(0, colon).toLowerCase();
  const tag = ref.slice(colon + 1).toLowerCase();
  const embedded = /(?:^|[-_.])python-?(\d\.\d{1,2}(?:\.\d+)?)(?![\d.])/.exec(tag);
  if (embedded) return embedded[1]!;
  if (!/(^|\/)python$/.test(name)) return null;
  // devcontainer images put their own major first: `1-3.11-bullseye`, `0-3.9`.
  const version = /^(?:\d+-)?(\d\.\d{1,2}(?:\.\d+)?)(?![\d.])/.exec(tag);
  return version ? version[1]! : null;
}

function hint(
  text: string,
  file: string,
  node: Node | unknown,
  value: string,
  reason: string,
  tier: "tested" | "runs" = "tested",
  source = "GitHub Actions",
): PythonVersionSource {
  const range = (node as Node | null)?.range;
  const line = range ? lineOf(text, range[0]) : null;
  return hintSource(source, file, line, value, tier, reason);
}

function mapOf(node: unknown): Map<string, Node | null> | null {
  if (!isMap(node)) return null;
  const out = new Map<string, Node | null>();
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : null;
    if (key !== null) out.set(key, (pair.value as Node | null) ?? null);
  }
  return out;
}

function seqOf(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

function scalarText(node: unknown): string | null {
  return isScalar(node) ? String(node.value) : null;
}

/** A scalar, or each scalar of a list. */
function scalarsOf(node: unknown): { value: string; node: Node }[] {
  if (isScalar(node)) return [{ value: String(node.value), node }];
  return seqOf(node).flatMap((item) => (isScalar(item) ? [{ value: String(item.value), node: item }] : []));
}
