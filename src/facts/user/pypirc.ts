/**
 * `~/.pypirc`: the upload repositories a user has configured, with their user names. Passwords are never
 * read into the result: only whether one is set.
 */
import { join } from "node:path";
import { redactUrl } from "../../core/redact.js";
import { iniGet, parseIni } from "../../formats/ini.js";
import { displayPath, readOptionalFile, reportBadFile, splitList, type UserContext } from "./context.js";

export interface PypircRepository {
  name: string;
  url: string | null;
  username: string | null;
  /** True when a password (or token) is stored in the file; the value itself is never kept. */
  hasPassword: boolean;
}

export interface PypircFacts {
  file: string;
  repositories: PypircRepository[];
}

const DEFAULT_URLS: Record<string, string> = {
  pypi: "https://upload.pypi.org/legacy/",
  testpypi: "https://test.pypi.org/legacy/",
};

export async function collectPypircFacts(context: UserContext): Promise<PypircFacts | null> {
  const path = join(context.home, ".pypirc");
  const text = await readOptionalFile(context, path);
  if (text === null) return null;
  const file = displayPath(context, path);
  let doc: ReturnType<typeof parseIni>;
  try {
    doc = parseIni(text, file);
  } catch (error) {
    reportBadFile(context, path, ".pypirc", error);
    return { file, repositories: [] };
  }
  const listed = iniGet(doc, "distutils", "index-servers");
  const names = listed
    ? splitList(listed.value)
    : [...doc.sections.keys()].filter((name) => name !== "distutils");
  const repositories = names
    .filter((name) => doc.sections.has(name))
    .map((name): PypircRepository => {
      const url = iniGet(doc, name, "repository")?.value ?? DEFAULT_URLS[name] ?? null;
      return {
        name,
        url: url === null ? null : redactUrl(url),
        username: iniGet(doc, name, "username")?.value ?? null,
        hasPassword: (iniGet(doc, name, "password")?.value ?? "") !== "",
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { file, repositories };
}
