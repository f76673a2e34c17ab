import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { writeFileAtomic } from "../core/fs.js";

/** Where the originals of files a run rewrites are kept until the new environment is live. */
export const JOURNAL_FILE = ".dhtl/journal.json";

interface Journal {
  /** Directory name (under .dhtl/envs) of the environment this run builds; null before it exists. */
  env: string | null;
  /** Root-relative path → original content (base64), or null when the file did not exist. */
  files: Record<string, string | null>;
}

/**
 * Remembers project files before a run rewrites them (lock, requirements.in, uv.lock, .dhtconfig), in memory
 * and in `.dhtl/journal.json`, so that every way a run can end leaves files and environment consistent:
 * - a failure puts every file back (`restore`);
 * - success (the `.venv` swap) drops the journal (`commit`);
 * - a kill is settled by the next run (`recoverJournal`): the swap is the commit point, so if `.venv` is
 *   the environment the journal names, the new files stay; otherwise the originals come back.
 */
export class FileBackup {
  private readonly journal: Journal = { env: null, files: {} };

  constructor(private readonly root: string) {}

  /** Names the environment being built; recovery compares it with what `.venv` points to. */
  setEnvironment(envPath: string): void {
    this.journal.env = basename(envPath);
    if (Object.keys(this.journal.files).length > 0) this.save();
  }

  remember(relPath: string): void {
    if (relPath in this.journal.files) return;
    const path = join(this.root, relPath);
    this.journal.files[relPath] = existsSync(path) ? readFileSync(path).toString("base64") : null;
    this.save();
  }

  restore(): void {
    restoreFiles(this.root, this.journal.files);
    rmSync(join(this.root, JOURNAL_FILE), { force: true });
  }

  commit(): void {
    rmSync(join(this.root, JOURNAL_FILE), { force: true });
  }

  private save(): void {
    const path = join(this.root, JOURNAL_FILE);
    // The first file a run protects may be written before anything else created `.dhtl/`.
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, `${JSON.stringify(this.journal)}\n`);
  }
}

/**
 * Settles the journal a killed run left: keeps the new files when `.venv` already is the environment it
 * built (`liveEnv`, a directory name), else restores the originals. Returns a note, or null.
 */
export function recoverJournal(root: string, liveEnv: string | null): string | null {
  const path = join(root, JOURNAL_FILE);
  if (!existsSync(path)) return null;
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(path, "utf8")) as Journal;
  } catch {
    rmSync(path, { force: true });
    return null;
  }
  if (journal.env !== null && journal.env === liveEnv) {
    rmSync(path, { force: true });
    return null;
  }
  restoreFiles(root, journal.files ?? {});
  rmSync(path, { force: true });
  const names = Object.keys(journal.files ?? {}).sort();
  return names.length > 0 ? `restored ${names.join(", ")} as they were before an interrupted run` : null;
}

function restoreFiles(root: string, files: Record<string, string | null>): void {
  for (const [relPath, content] of Object.entries(files)) {
    // Only project-relative paths: a tampered journal must not write outside the project.
    if (isAbsolute(relPath) || relPath.split(/[\\/]/).includes("..")) continue;
    const path = join(root, relPath);
    if (content === null) {
      rmSync(path, { force: true });
      continue;
    }
    const original = Buffer.from(content, "base64");
    if (!existsSync(path) || !readFileSync(path).equals(original)) writeFileAtomic(path, original);
  }
}
