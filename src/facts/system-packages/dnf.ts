import { rpmInstalledFrom, rpmQueryCommand } from "./rpm-query.js";
import type { SystemPackageAdapter } from "./types.js";

/** Fedora, RHEL 8+, CentOS Stream, Rocky, Alma. */
export const dnf: SystemPackageAdapter = {
  name: "dnf",
  programs: ["dnf", "rpm"],
  queryCommand: rpmQueryCommand,
  installedFrom: rpmInstalledFrom,
  installCommands: (names) => [["dnf", "install", "-y", "--", ...names]],
};

/** RHEL/CentOS 7 and older: the same repositories and names as dnf. */
export const yum: SystemPackageAdapter = {
  name: "yum",
  programs: ["yum", "rpm"],
  queryCommand: rpmQueryCommand,
  installedFrom: rpmInstalledFrom,
  installCommands: (names) => [["yum", "install", "-y", "--", ...names]],
};
