import { rpmInstalledFrom, rpmQueryCommand } from "./rpm-query.js";
import type { SystemPackageAdapter } from "./types.js";

/** openSUSE and SLES. */
export const zypper: SystemPackageAdapter = {
  name: "zypper",
  programs: ["zypper", "rpm"],
  queryCommand: rpmQueryCommand,
  installedFrom: rpmInstalledFrom,
  installCommands: (names) => [["zypper", "--non-interactive", "install", "--no-recommends", "--", ...names]],
};
