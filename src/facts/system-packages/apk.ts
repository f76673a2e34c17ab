import type { SystemPackageAdapter } from "./types.js";

/** Alpine Linux. `apk info -e` prints the installed ones among its arguments. */
export const apk: SystemPackageAdapter = {
  name: "apk",
  programs: ["apk"],
  queryCommand: (names) => ["apk", "info", "-e", "--", ...names],
  installedFrom(stdout) {
    return new Set(
      stdout
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean),
    );
  },
  installCommands: (names) => [["apk", "add", "--no-cache", "--", ...names]],
};
