/**
 * `dhtl export`: collect the project's facts and `.dhtconfig`, reduce them to the export inputs, render the
 * target's files (pure, src/plan/export/), compare them with what is on disk, and write them when allowed.
 * Nothing is ever overwritten unless the caller says so (`--force`); every file is written, or none.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DhtlError } from "../core/errors.js";
import { collectProject } from "../facts/collect.js";
import { supportedPythonRange } from "../facts/python-version.js";
import { findProjectRoot } from "../facts/root.js";
import { lockedDistributions } from "../facts/system-packages/needs.js";
import { collectTestEvidence } from "../facts/test-evidence.js";
import type { ProjectFacts } from "../facts/types.js";
import { readUvLock } from "../formats/uv-lock.js";
import { imagePackages } from "../plan/export/image-packages.js";
import {
  type ExportInputs,
  type ExportRendering,
  type ExportTarget,
  renderExport,
} from "../plan/export/index.js";
import { checkBaseImage, officialPythonImage } from "../plan/export/python-image.js";
import { chooseTestRunner } from "../plan/export/test-runner.js";
import type { ExportLock } from "../plan/export/types.js";
import { type DhtConfig, readDhtConfig, sha256File } from "../record/dhtconfig.js";
import { readProjectFile, writeProjectFiles } from "../run/project-files.js";
import { UV_PINNED_VERSION } from "../run/uv.js";
import { refuseBrokenManifests } from "./project.js";

export interface ExportOptions {
  target: ExportTarget;
  /** The dhtl version that exports (the devcontainer and CI install the same from PyPI). */
  dhtlVersion: string;
  /** Overrides the official `python:X.Y.Z-slim-<debian>` image (Debian-based images only). */
  baseImage?: string;
}

export interface ExportFileChange {
  path: string;
  status: "new" | "unchanged" | "changed";
  before: string | null;
  after: string;
}

export interface ExportResult {
  target: ExportTarget;
  root: string;
  files: ExportFileChange[];
  notes: string[];
  /** What the files were rendered from, for `--json`. */
  inputs: ExportInputs;
}

/** Renders the target's files and compares them with the project's; writes nothing. */
export async function planExport(path: string, options: ExportOptions): Promise<ExportResult> {
  const root = findProjectRoot(resolve(path));
  const facts = collectProject(root);
  refuseBrokenManifests(facts.diagnostics);
  const recorded = readDhtConfig(facts.root);
  if (!recorded) {
    throw new DhtlError("badInput", `no .dhtconfig in ${facts.root}: nothing recorded to export`, {
      hint: "run `dhtl setup` first: the exported files rebuild the environment it records",
    });
  }
  const inputs = await exportInputs(facts, recorded, options);
  const rendering: ExportRendering = renderExport(options.target, inputs);
  const files = rendering.files.map((file): ExportFileChange => {
    const before = readProjectFile(facts.root, file.path);
    const status = before === null ? "new" : before === file.text ? "unchanged" : "changed";
    return { path: file.path, status, before, after: file.text };
  });
  return { target: options.target, root: facts.root, files, notes: rendering.notes, inputs };
}

/**
 * Writes the new and changed files. A changed file is overwritten only with `force`; without it nothing at
 * all is written (refused, exit 4), so an export never leaves half its files behind.
 */
export function applyExport(result: ExportResult, force: boolean): ExportFileChange[] {
  const pending = result.files.filter((file) => file.status !== "unchanged");
  const changed = pending.filter((file) => file.status === "changed");
  if (changed.length > 0 && !force) {
    throw new DhtlError("refused", `would overwrite ${changed.map((file) => file.path).join(", ")}`, {
      hint: `nothing written; review the diff, then run \`dhtl export ${result.target} --force\``,
    });
  }
  writeProjectFiles(
    result.root,
    pending.map((file) => ({ path: file.path, text: file.after })),
  );
  return pending;
}

async function exportInputs(
  facts: ProjectFacts,
  recorded: DhtConfig,
  options: ExportOptions,
): Promise<ExportInputs> {
  const lock = recordedLock(facts, recorded);
  const python = recordedPython(facts, recorded);
  const official = officialPythonImage(python);
  const baseImage = options.baseImage ? checkBaseImage(options.baseImage) : official.image;
  const debian = options.baseImage
    ? (/bookworm|bullseye/.exec(options.baseImage)?.[0] ?? null)
    : official.debian;
  const evidence = await collectTestEvidence(facts.root, facts.project);
  const scripts = Object.keys(facts.project.scripts).filter((name) =>
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name),
  );
  return {
    // Not the folder's name: two clones in different places must export the same bytes.
    name: imageName(facts.project.name ?? "app"),
    python,
    supportedRange: supportedPythonRange(facts.python.candidates),
    lock,
    installProject: lock.kind === "uv" || facts.project.isPackage,
    extras: recorded.extras ?? [],
    command: scripts.length === 1 ? scripts[0]! : null,
    packages: imagePackages({
      lock,
      lockText: readFileSync(join(facts.root, lock.file), "utf8"),
      lockedDistributions: lockedDistributions(facts.root, lock),
      python,
      debian,
      recorded: recorded.systemPackages?.apt ?? [],
    }),
    testRunner: chooseTestRunner(evidence),
    tools: recorded.tools ?? {},
    uvVersion: UV_PINNED_VERSION,
    dhtlVersion: options.dhtlVersion,
    baseImage,
  };
}

/** The recorded lock, present and unchanged since `.dhtconfig` was written (else the files would lie). */
function recordedLock(facts: ProjectFacts, recorded: DhtConfig): ExportLock {
  const file = recorded.lock?.file;
  if (!file || !recorded.lock) {
    throw new DhtlError("badInput", ".dhtconfig records no lock file", {
      file: ".dhtconfig",
      hint: "run `dhtl setup` to lock the project and record it",
    });
  }
  // The path is written into Dockerfiles and workflows: plain characters only.
  const segments = file.split("/");
  if (segments.some((part) => !/^[A-Za-z0-9_.][A-Za-z0-9._-]*$/.test(part) || /^\.\.?$/.test(part))) {
    throw new DhtlError(
      "badInput",
      `lock.file ${JSON.stringify(file)} has characters dhtl will not write into a Dockerfile`,
      {
        file: ".dhtconfig",
        hint: "rename the lock to letters, digits, `.`, `_`, `-` and `/`",
      },
    );
  }
  const path = join(facts.root, file);
  if (!existsSync(path)) {
    throw new DhtlError("badInput", `the recorded lock file ${file} is missing`, {
      file,
      hint: "restore it from version control, or run `dhtl setup` to lock again",
    });
  }
  if (sha256File(path) !== recorded.lock.digest) {
    throw new DhtlError("drift", `${file} changed since .dhtconfig was written`, {
      file,
      hint: "run `dhtl setup` to record the new lock, then export again",
    });
  }
  if (file !== "uv.lock") return { kind: "requirements", file };
  const workspace = readUvLock(readFileSync(path, "utf8")).workspaceMembers !== null;
  const groups = recorded.lock.groups?.file;
  if (groups && (!/^\.dhtl\/[A-Za-z0-9._-]+$/.test(groups) || !existsSync(join(facts.root, groups)))) {
    throw new DhtlError("badInput", `the recorded lock file ${groups} is missing or misnamed`, {
      file: ".dhtconfig",
      hint: "run `dhtl setup` to lock the project and record it",
    });
  }
  return { kind: "uv", file, ...(workspace ? { workspace } : {}), ...(groups ? { groups } : {}) };
}

/** The exact CPython the record names, or the exact pin that made recording it unnecessary. */
function recordedPython(facts: ProjectFacts, recorded: DhtConfig): string {
  if (recorded.python) {
    if (recorded.python.implementation !== "cpython") {
      throw new DhtlError(
        "badInput",
        `exports are for CPython; .dhtconfig records ${recorded.python.implementation}`,
        {
          file: ".dhtconfig",
        },
      );
    }
    return recorded.python.version;
  }
  const chosen = facts.python.chosen;
  if (chosen?.kind === "exact" && (chosen.implementation ?? "cpython") === "cpython") return chosen.value;
  throw new DhtlError("badInput", "no exact Python version recorded", {
    file: ".dhtconfig",
    hint: "run `dhtl setup`: it records the exact interpreter the environment uses",
  });
}

/** A Docker repository name: lower case, `[a-z0-9]` separated by `.`, `_` or `-`. */
function imageName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return cleaned || "app";
}
