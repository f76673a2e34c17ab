/**
 * Writing generated files into a project (exported Dockerfiles, workflows): every path stays inside the
 * project and outside `.git/`, no existing component may be a symlink (a checkout may have committed
 * `.github -> /etc`), each file is written atomically, and a failure part-way puts back what was written.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { DhtlError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs.js";

export interface ProjectFile {
  /** Relative to the project root, posix separators. */
  path: string;
  text: string;
}

/** The current text of `path` in the project, null when absent; refuses links, folders and unsafe paths. */
export function readProjectFile(root: string, path: string): string | null {
  const absolute = checkedPath(root, path);
  if (!existsSync(absolute)) return null;
  return readFileSync(absolute, "utf8");
}

/** Writes every file, or none: on an error the files already written get their old content back. */
export function writeProjectFiles(root: string, files: ProjectFile[]): void {
  const previous = files.map((file) => ({ file, before: readProjectFile(root, file.path) }));
  const written: typeof previous = [];
  try {
    for (const entry of previous) {
      const absolute = checkedPath(root, entry.file.path);
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileAtomic(absolute, entry.file.text);
      written.push(entry);
    }
  } catch (error) {
    for (const { file, before } of written.reverse()) {
      const absolute = join(root, file.path);
      if (before === null) rmSync(absolute, { force: true });
      else writeFileAtomic(absolute, before);
    }
    throw error;
  }
}

/** The absolute path of a project-relative one, after checking every existing component on the way. */
function checkedPath(root: string, path: string): string {
  const relative = normalize(path);
  if (isAbsolute(path) || relative.startsWith("..") || relative.split(sep)[0] === ".git") {
    throw new DhtlError("internal", `refusing to write ${path}: outside the project or inside .git`);
  }
  let current = root;
  const parts = relative.split(sep);
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    if (!existsSync(current) && !isLink(current)) break;
    const stat = lstatSync(current);
    if (stat.isSymbolicLink()) {
      throw new DhtlError(
        "refused",
        `${parts.slice(0, index + 1).join("/")} is a symbolic link: dhtl does not write through links`,
        {
          file: path,
          hint: "replace the link with a real folder or file, then export again",
        },
      );
    }
    const last = index === parts.length - 1;
    if (last ? !stat.isFile() : !stat.isDirectory()) {
      throw new DhtlError(
        "badInput",
        `${parts.slice(0, index + 1).join("/")} is in the way: expected a ${last ? "file" : "folder"}`,
        {
          file: path,
        },
      );
    }
  }
  return join(root, relative);
}

/** A dangling link does not "exist" for existsSync, and must still be refused. */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
