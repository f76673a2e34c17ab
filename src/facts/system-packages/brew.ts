import type { SystemPackageAdapter } from "./types.js";

/** Homebrew (macOS, Linux). It refuses to run as root, so it never gets sudo. */
export const brew: SystemPackageAdapter = {
  name: "brew",
  programs: ["brew"],
  neverSudo: true,
  // `brew list --versions a b` prints `name version…` for the installed ones only.
  queryCommand: (names) => ["brew", "list", "--formula", "--versions", "--", ...names],
  installedFrom(stdout, names) {
    const listed = new Set(stdout.split("\n").map((line) => line.split(" ")[0] ?? ""));
    // Tap-qualified names (`owner/tap/formula`) are listed by their formula name.
    return new Set(names.filter((name) => listed.has(name) || listed.has(name.split("/").at(-1) ?? "")));
  },
  installCommands: (names) => [["brew", "install", "--formula", "--", ...names]],
};
