/**
 * Files the import scan skipped (too large, undecodable, unreadable) may import anything. Rather than
 * making every "unused" verdict uncertain, each skipped file is searched for the module names a verdict
 * depends on: only a file that mentions one (or cannot be read at all) makes that verdict uncertain.
 */
import { readSync } from "node:fs";
import { join } from "node:path";
import { readingFile } from "../../core/fs.js";

const CHUNK = 1024 * 1024;
/** Beyond this a file is not searched: it may mention anything. */
const MAX_SEARCHED_BYTES = 1024 * 1024 * 1024;

/** Returns which skipped file may import one of `modules`, or null when none can. */
export function unscannedMentionFinder(
  root: string,
  files: readonly string[],
): (modules: string[]) => string | null {
  const cache = new Map<string, string | null>();
  return (modules) => {
    for (const module of modules) {
      const top = module.split(".")[0] as string;
      if (!cache.has(top)) cache.set(top, files.find((file) => mayMention(join(root, file), top)) ?? null);
      const file = cache.get(top);
      if (file) return file;
    }
    return null;
  };
}

/** Whether the file's bytes contain `word`, streamed in chunks; true when it cannot be read or is too large. */
function mayMention(path: string, word: string): boolean {
  const found = readingFile(path, (fd) => {
    const needle = Buffer.from(word, "utf8");
    const buffer = Buffer.alloc(CHUNK + needle.length);
    let carried = 0;
    let total = 0;
    for (;;) {
      const read = readSync(fd, buffer, carried, CHUNK, null);
      if (read === 0) return false;
      total += read;
      if (buffer.subarray(0, carried + read).includes(needle)) return true;
      if (total > MAX_SEARCHED_BYTES) return true;
      // Keep the tail so a word split across two chunks is still found.
      const keep = Math.min(needle.length - 1, carried + read);
      buffer.copy(buffer, 0, carried + read - keep, carried + read);
      carried = keep;
    }
  });
  return found ?? true;
}
