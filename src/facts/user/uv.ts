/**
 * uv's index and Python settings from `uv.toml` (project, user, machine; or `UV_CONFIG_FILE`) and `UV_*`
 * variables. `[tool.uv]` in pyproject.toml belongs to the project model, not here.
 */
import { join } from "node:path";
import { redactUrl, redactValue } from "../../core/redact.js";
import { isTable, stringsIn, type Table } from "../../formats/toml-table.js";
import {
  configHome,
  displayPath,
  readOptionalFile,
  reportBadFile,
  splitList,
  systemConfigDirs,
  type UserContext,
} from "./context.js";

export interface UvIndex {
  name: string | null;
  url: string;
  default: boolean;
  explicit: boolean;
}

export interface UvFacts {
  /** uv.toml files read, lowest precedence first. */
  files: string[];
  indexUrl: string | null;
  extraIndexUrls: string[];
  indexes: UvIndex[];
  findLinks: string[];
  /** Other settings that change what gets installed: python-preference, python-downloads, index-strategy … */
  settings: Record<string, string>;
  /** `UV_*` variables that are set (values redacted). */
  fromEnv: string[];
}

const KEPT_SETTINGS = [
  "python-preference",
  "python-downloads",
  "index-strategy",
  "keyring-provider",
  "native-tls",
  "offline",
  "prerelease",
  "resolution",
  "link-mode",
  "compile-bytecode",
];

export async function collectUvFacts(context: UserContext): Promise<UvFacts> {
  const facts: UvFacts = {
    files: [],
    indexUrl: null,
    extraIndexUrls: [],
    indexes: [],
    findLinks: [],
    settings: {},
    fromEnv: [],
  };
  for (const path of uvConfigFiles(context)) {
    const text = await readOptionalFile(context, path);
    if (text === null) continue;
    facts.files.push(displayPath(context, path));
    const { tryParseToml } = await import("../../formats/toml.js");
    const { doc: table, problem } = tryParseToml(text);
    if (problem) {
      reportBadFile(context, path, "uv configuration", problem);
      continue;
    }
    applyUvTable(facts, table);
    if (isTable(table.pip)) applyUvTable(facts, table.pip);
  }
  applyUvEnv(facts, context.env);
  facts.indexes.sort((a, b) => Number(b.default) - Number(a.default));
  return facts;
}

function applyUvTable(facts: UvFacts, table: Table): void {
  if (typeof table["index-url"] === "string") facts.indexUrl = redactUrl(table["index-url"]);
  const extra = stringsIn(table["extra-index-url"]);
  if (extra.length > 0) facts.extraIndexUrls = extra.map(redactUrl);
  const findLinks = stringsIn(table["find-links"]);
  if (findLinks.length > 0) facts.findLinks = findLinks.map(redactUrl);
  if (Array.isArray(table.index)) {
    for (const entry of table.index) {
      if (!isTable(entry) || typeof entry.url !== "string") continue;
      facts.indexes.push({
        name: typeof entry.name === "string" ? entry.name : null,
        url: redactUrl(entry.url),
        default: entry.default === true,
        explicit: entry.explicit === true,
      });
    }
  }
  for (const key of KEPT_SETTINGS) {
    const value = table[key];
    if (typeof value === "string" || typeof value === "boolean") facts.settings[key] = String(value);
  }
}

/** `UV_INDEX_URL`, `UV_EXTRA_INDEX_URL`, `UV_DEFAULT_INDEX`, `UV_INDEX` (`name=url` or `url`, space separated). */
function applyUvEnv(facts: UvFacts, env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith("UV_")) facts.fromEnv.push(name);
  }
  if (env.UV_INDEX_URL) facts.indexUrl = redactUrl(env.UV_INDEX_URL);
  if (env.UV_EXTRA_INDEX_URL) facts.extraIndexUrls = splitList(env.UV_EXTRA_INDEX_URL).map(redactUrl);
  if (env.UV_FIND_LINKS) facts.findLinks = splitList(env.UV_FIND_LINKS).map(redactUrl);
  const named = (item: string, isDefault: boolean): UvIndex => {
    const match = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(item);
    return {
      name: match ? match[1]! : null,
      url: redactUrl(match ? match[2]! : item),
      default: isDefault,
      explicit: false,
    };
  };
  if (env.UV_INDEX) facts.indexes.push(...splitList(env.UV_INDEX).map((item) => named(item, false)));
  if (env.UV_DEFAULT_INDEX) facts.indexes.push(named(env.UV_DEFAULT_INDEX, true));
  for (const key of KEPT_SETTINGS) {
    const name = `UV_${key.toUpperCase().replace(/-/g, "_")}`;
    const value = env[name];
    if (value !== undefined) facts.settings[key] = redactValue(name, value);
  }
}

/** uv.toml files, lowest precedence first; `UV_CONFIG_FILE` replaces them all and `UV_NO_CONFIG` disables them. */
function uvConfigFiles(context: UserContext): string[] {
  const { env } = context;
  if (env.UV_NO_CONFIG && env.UV_NO_CONFIG !== "0" && env.UV_NO_CONFIG !== "false") return [];
  if (env.UV_CONFIG_FILE) return [env.UV_CONFIG_FILE];
  const files: string[] = [];
  if (context.includeSystem) {
    files.push(...systemConfigDirs(context).map((dir) => join(dir, "uv", "uv.toml")));
    files.push("/etc/uv/uv.toml");
  }
  files.push(
    process.platform === "win32" && env.APPDATA
      ? join(env.APPDATA, "uv", "uv.toml")
      : join(configHome(context), "uv", "uv.toml"),
  );
  files.push(join(context.root, "uv.toml"));
  return files;
}
