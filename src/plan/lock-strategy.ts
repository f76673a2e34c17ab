import type { ProjectModel } from "../facts/types.js";
import type { LockStrategy } from "../run/steps.js";
import { CONSTRAINTS_TXT, REQUIREMENTS_IN, REQUIREMENTS_LOCK } from "./requirements-in.js";

/** Managers whose projects keep their own manifest dialect: dhtl compiles a lock for them instead of uv.lock. */
const NON_UV_MANAGERS = new Set(["poetry", "pipenv", "conda", "pip"]);

/**
 * Chooses how the project is locked. A user's fully hashed requirements file wins (used as is), then uv for
 * PEP 621 projects (or any project that already has uv.lock), then a dhtl-owned compiled lock.
 */
export function chooseLockStrategy(
  project: ProjectModel,
  files: { uvLock: boolean; lockedFile?: string | null },
): LockStrategy {
  if (files.lockedFile === "uv.lock") return { kind: "uv", file: "uv.lock", exists: files.uvLock };
  const hashed = userHashedFile(project);
  if (files.lockedFile && files.lockedFile !== REQUIREMENTS_LOCK && files.lockedFile === hashed) {
    return { kind: "user-hashed", file: hashed };
  }
  if (!files.lockedFile && hashed) return { kind: "user-hashed", file: hashed };
  if (files.lockedFile !== REQUIREMENTS_LOCK && (files.uvLock || isUvProject(project))) {
    return { kind: "uv", file: "uv.lock", exists: files.uvLock };
  }
  return {
    kind: "compiled",
    file: REQUIREMENTS_LOCK,
    input: REQUIREMENTS_IN,
    constraints: project.constraints.length > 0 ? CONSTRAINTS_TXT : null,
  };
}

/** A PEP 621 `[project]` table not owned by another manager (Poetry 2 and PDM also write `[project]`). */
export function isUvProject(project: ProjectModel): boolean {
  // The pyproject reader names every dialect it found: `pyproject:pep621+dependency-groups+build-system`.
  const hasPep621 = project.manifests.some(
    (manifest) => manifest.kind.split(/[:+]/).includes("pep621") && manifest.name !== null,
  );
  return hasPep621 && !NON_UV_MANAGERS.has(project.packageManager ?? "");
}

/** The first requirements file whose every requirement carries `--hash`, or null. */
export function userHashedFile(project: ProjectModel): string | null {
  const hashed = project.manifests
    .filter(
      (manifest) => manifest.kind === "requirements" || /requirements[^/]*\.(txt|lock)$/.test(manifest.file),
    )
    .filter((manifest) => manifest.file !== REQUIREMENTS_LOCK && !manifest.file.startsWith(".dhtl/"))
    .filter(
      (manifest) =>
        manifest.dependencies.length > 0 &&
        manifest.dependencies.every((dep) => (dep.hashes?.length ?? 0) > 0),
    )
    .map((manifest) => manifest.file)
    .sort();
  return hashed[0] ?? null;
}
