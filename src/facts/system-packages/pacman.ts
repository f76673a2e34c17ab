import type { SystemPackageAdapter } from "./types.js";

/** Arch Linux and derivatives. `pacman -Q` prints `name version` for each installed argument. */
export const pacman: SystemPackageAdapter = {
  name: "pacman",
  programs: ["pacman"],
  queryCommand: (names) => ["pacman", "-Q", "--", ...names],
  installedFrom(stdout) {
    return new Set(
      stdout
        .split("\n")
        .map((line) => line.split(" ")[0] ?? "")
        .filter(Boolean),
    );
  },
  // --needed skips what is already there; no -y: a partial upgrade is Arch's unsupported case.
  installCommands: (names) => [["pacman", "-S", "--needed", "--noconfirm", "--", ...names]],
};
