/**
 * Installed-package query shared by RPM-based managers (dnf, yum, zypper): with `--qf '%{NAME}\n'`,
 * `rpm -q` prints the bare name of each installed argument (once per installed version) and
 * `package NAME is not installed` for the others. A capability (`pkgconfig(libpq)`) is never a package
 * name, so it reads as missing and is left for the installer, which resolves it and skips what is there.
 */
export function rpmQueryCommand(names: string[]): string[] {
  return ["rpm", "-q", "--qf", "%{NAME}\\n", "--", ...names];
}

export function rpmInstalledFrom(stdout: string, names: string[]): Set<string> {
  const lines = new Set(stdout.split("\n").map((line) => line.trim()));
  return new Set(names.filter((name) => lines.has(name)));
}
