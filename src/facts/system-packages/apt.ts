import type { SystemPackageAdapter } from "./types.js";

/** Debian, Ubuntu and derivatives: dpkg-query answers, apt-get installs. */
export const apt: SystemPackageAdapter = {
  name: "apt",
  programs: ["apt-get", "dpkg-query"],
  // Unknown names are reported on stderr only; `db:Status-Status` is `installed` for installed ones.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: `${Package}` is dpkg-query's format syntax.
  queryCommand: (names) => ["dpkg-query", "-W", "-f=${Package}\\t${db:Status-Status}\\n", "--", ...names],
  installedFrom(stdout) {
    const installed = new Set<string>();
    for (const line of stdout.split("\n")) {
      const [name, status] = line.split("\t");
      if (name && status === "installed") installed.add(name);
    }
    return installed;
  },
  // A fresh machine has no package lists; waiting on dpkg's lock beats failing beside another apt run.
  installCommands: (names) => [
    ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-o", "DPkg::Lock::Timeout=300", "update"],
    [
      "env",
      "DEBIAN_FRONTEND=noninteractive",
      "apt-get",
      "-o",
      "DPkg::Lock::Timeout=300",
      "install",
      "-y",
      "--no-install-recommends",
      "--",
      ...names,
    ],
  ],
};
