import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/fs.js";

/**
 * Remembers project files before a run rewrites them (lock, requirements.in, uv.lock), so a failed run
 * puts every one back as it was, or removes it when it did not exist.
 */
export class FileBackup {
  private readonly saved = new Map<string, Buffer | null>();

  constructor(private readonly root: string) {}

  remember(relPath: string): void {
    if (this.saved.has(relPath)) return;
    const path = join(this.root, relPath);
    this.saved.set(relPath, existsSync(path) ? readFileSync(path) : null);
  }

  restore(): void {
    for (const [relPath, content] of this.saved) {
      const path = join(this.root, relPath);
      if (content === null) rmSync(path, { force: true });
      else if (!existsSync(path) || !readFileSync(path).equals(content)) writeFileAtomic(path, content);
    }
  }
}
