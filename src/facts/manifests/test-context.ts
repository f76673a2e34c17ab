/**
 * Test helper: a throwaway project directory with a ReadContext confined to it, so manifest readers'
 * tests read real files through the same root checks the CLI uses. Never used by production code.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";
import { projectReadContext } from "../project-files.js";
import type { ReadContext, SourceFile } from "./types.js";

export interface TestProject {
  /** Absolute path of the temporary project root. */
  root: string;
  ctx: ReadContext;
  /** Reads a project file the way the registry hands it to a reader. */
  source(relPath: string): SourceFile;
  /** Adds or replaces a file (text or bytes) after creation. */
  write(relPath: string, content: string | Uint8Array): void;
  remove(): void;
}

/**
 * Creates a project in a fresh temp directory from an in-memory map of files, optionally starting from a
 * copy of a fixture directory. The context refuses paths that leave the root, including via symlinks.
 */
export function makeTestProject(files: Record<string, string> = {}, fixtureDir?: string): TestProject {
  const root = mkdtempSync(join(tmpdir(), "dhtl-manifest-"));
  if (fixtureDir) cpSync(fixtureDir, root, { recursive: true });
  const write = (relPath: string, content: string | Uint8Array): void => {
    const path = join(root, relPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  };
  for (const [relPath, text] of Object.entries(files)) write(relPath, text);
  const ctx = projectReadContext(root);
  return {
    root,
    ctx,
    source: (relPath) => ctx.readFile(relPath, { file: relPath, line: null }),
    write,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * `makeTestProject` for one test file: every project it makes is removed after each test. Call it once,
 * at the top level of the file, so the cleanup hook is registered there.
 */
export function testProjects(): (files?: Record<string, string>, fixtureDir?: string) => TestProject {
  const made: TestProject[] = [];
  afterEach(() => {
    for (const project of made.splice(0)) project.remove();
  });
  return (files = {}, fixtureDir) => {
    const project = makeTestProject(files, fixtureDir);
    made.push(project);
    return project;
  };
}
