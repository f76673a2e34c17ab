/**
 * pip's index settings, from its configuration files in pip's own order (machine, user, virtualenv,
 * `PIP_CONFIG_FILE`) and then `PIP_*` variables, later sources overriding earlier ones. Every URL is
 * shown without its credentials.
 */
import { join } from "node:path";
import { redactUrl } from "../../core/redact.js";
import { iniGet, parseIni } from "../../formats/ini.js";
import {
  configHome,
  displayPath,
  isFile,
  readOptionalFile,
  reportBadFile,
  splitList,
  systemConfigDirs,
  type UserContext,
} from "./context.js";

export interface PipFacts {
  /** Config files read, in the order pip applies them. */
  files: string[];
  indexUrl: string | null;
  extraIndexUrls: string[];
  trustedHosts: string[];
  findLinks: string[];
  /** `PIP_*` variables that set any of the above. */
  fromEnv: string[];
}

const SETTINGS = ["index-url", "extra-index-url", "trusted-host", "find-links"] as const;
type Setting = (typeof SETTINGS)[number];

export async function collectPipFacts(context: UserContext): Promise<PipFacts> {
  const values = new Map<Setting, string>();
  const files: string[] = [];
  for (const path of pipConfigFiles(context)) {
    const text = await readOptionalFile(context, path);
    if (text === null) continue;
    files.push(displayPath(context, path));
    try {
      const doc = parseIni(text, displayPath(context, path));
      // `[install]` refines `[global]` for the command dhtl cares about.
      for (const section of ["global", "install"]) {
        for (const setting of SETTINGS) {
          const option = iniGet(doc, section, setting);
          if (option) values.set(setting, option.value);
        }
      }
    } catch (error) {
      reportBadFile(context, path, "pip configuration", error);
    }
  }
  const fromEnv: string[] = [];
  for (const setting of SETTINGS) {
    const name = `PIP_${setting.toUpperCase().replace(/-/g, "_")}`;
    const value = context.env[name];
    if (value !== undefined) {
      values.set(setting, value);
      fromEnv.push(name);
    }
  }
  const list = (setting: Setting) => splitList(values.get(setting) ?? "").map(redactUrl);
  return {
    files,
    indexUrl: list("index-url")[0] ?? null,
    extraIndexUrls: list("extra-index-url"),
    trustedHosts: list("trusted-host"),
    findLinks: list("find-links"),
    fromEnv,
  };
}

/** pip's configuration files on this platform, lowest precedence first (pip's OVERRIDE_ORDER). */
function pipConfigFiles(context: UserContext): string[] {
  const { env, home } = context;
  const files: string[] = [];
  if (context.includeSystem) {
    if (process.platform === "win32")
      files.push(join(env.ProgramData ?? "C:\\ProgramData", "pip", "pip.ini"));
    else {
      files.push(...systemConfigDirs(context).map((dir) => join(dir, "pip", "pip.conf")));
      files.push("/etc/pip.conf");
    }
  }
  // An existing `PIP_CONFIG_FILE` replaces the user's files; `os.devnull` there disables it.
  const explicit = env.PIP_CONFIG_FILE;
  const useExplicit = explicit !== undefined && isFile(explicit);
  if (!useExplicit) {
    if (process.platform === "win32") {
      files.push(join(home, "pip", "pip.ini"));
      if (env.APPDATA) files.push(join(env.APPDATA, "pip", "pip.ini"));
    } else {
      files.push(join(home, ".pip", "pip.conf"));
      if (process.platform === "darwin")
        files.push(join(home, "Library", "Application Support", "pip", "pip.conf"));
      files.push(join(configHome(context), "pip", "pip.conf"));
    }
  }
  if (env.VIRTUAL_ENV)
    files.push(join(env.VIRTUAL_ENV, process.platform === "win32" ? "pip.ini" : "pip.conf"));
  if (useExplicit) files.push(explicit);
  return files;
}
