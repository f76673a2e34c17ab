import type { ComponentLanguage } from "../../facts/components.js";
import { goAdapter } from "./go.js";
import { nodeAdapter } from "./node.js";
import { rustAdapter } from "./rust.js";
import type { LanguageAdapter } from "./types.js";

/** The language plugins, one file each; adding a language means one file and one line here. */
export const LANGUAGE_ADAPTERS: Record<ComponentLanguage, LanguageAdapter> = {
  node: nodeAdapter,
  rust: rustAdapter,
  go: goAdapter,
};

export { compileRuntimeLock, installRuntimeLock, lockedVersion } from "./runtime-lock.js";
export { chooseRuntimeRequest, isRuntimeLanguage, RUNTIME_LOCK_FILES, RUNTIMES } from "./runtimes.js";
export type { ComponentInstall, InstallOutcome, LanguageAdapter } from "./types.js";
