import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ComponentLanguage } from "../../facts/components.js";
import { RUNTIME_LOCK_FILES } from "../../facts/languages/runtimes.js";
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

export {
  chooseRuntimeRequest,
  isRuntimeLanguage,
  RUNTIME_LOCK_FILES,
  RUNTIMES,
} from "../../facts/languages/runtimes.js";
export { compileRuntimeLock, installRuntimeLock, lockedVersion } from "./runtime-lock.js";
export type { ComponentInstall, InstallOutcome, LanguageAdapter } from "./types.js";

/** The runtime locks present in the project now (root-relative, sorted). */
export function existingRuntimeLocks(root: string): string[] {
  return RUNTIME_LOCK_FILES.filter((file) => existsSync(join(root, file)));
}
