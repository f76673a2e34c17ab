/**
 * npm's registry settings from `.npmrc` (project, then user) and `NPM_CONFIG_*`: the default registry
 * and scoped registries. Auth keys (`_authToken`, `_auth`, `_password`, `username`…) are never kept;
 * only the registries that have auth configured are named.
 */
import { join } from "node:path";
import { isSecretKey, redactUrl } from "../../core/redact.js";
import { displayPath, readOptionalFile, type UserContext } from "./context.js";

export interface NpmFacts {
  /** .npmrc files read, lowest precedence first. */
  files: string[];
  registry: string | null;
  /** `@scope` → registry URL. */
  scopedRegistries: Record<string, string>;
  /** Registry prefixes (`//registry.npmjs.org/`) that have credentials configured. */
  authConfiguredFor: string[];
}

export async function collectNpmFacts(context: UserContext): Promise<NpmFacts> {
  const facts: NpmFacts = { files: [], registry: null, scopedRegistries: {}, authConfiguredFor: [] };
  const auth = new Set<string>();
  const userConfig = context.env.NPM_CONFIG_USERCONFIG || context.env.npm_config_userconfig;
  for (const path of [userConfig || join(context.home, ".npmrc"), join(context.root, ".npmrc")]) {
    const text = await readOptionalFile(context, path);
    if (text === null) continue;
    facts.files.push(displayPath(context, path));
    for (const [key, value] of npmrcEntries(text)) {
      if (key === "registry") facts.registry = redactUrl(value);
      else if (/^@[^:]+:registry$/.test(key))
        facts.scopedRegistries[key.slice(0, key.indexOf(":"))] = redactUrl(value);
      else if (key.startsWith("//") && isSecretKey(key.slice(key.lastIndexOf(":") + 1))) {
        auth.add(key.slice(0, key.lastIndexOf(":")));
      } else if (/^(_auth|_authtoken|_password)$/i.test(key)) auth.add("(default registry)");
    }
  }
  const fromEnv = context.env.NPM_CONFIG_REGISTRY || context.env.npm_config_registry;
  if (fromEnv) facts.registry = redactUrl(fromEnv);
  facts.scopedRegistries = Object.fromEntries(
    Object.entries(facts.scopedRegistries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  facts.authConfiguredFor = [...auth].sort();
  return facts;
}

/** `key = value` lines; `;` and `#` start comments; values may be quoted. */
function npmrcEntries(text: string): [string, string][] {
  const entries: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq === -1) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    entries.push([key, value]);
  }
  return entries;
}
