/**
 * Each package manager's rules for package names. A name that passes can be handed to the manager as one
 * argv element without being read as an option (`-o`), a second command (`libpq-dev; rm -rf /`) or a
 * path; anything else is refused before a process is ever spawned.
 */

const MAX_LENGTH = 128;

const RULES: Record<string, RegExp> = {
  // Debian Policy 5.6.1: lower case letters, digits, `+`, `-`, `.`; at least two characters, starting
  // with an alphanumeric.
  apt: /^[a-z0-9][a-z0-9+.-]+$/,
  // RPM names (Fedora packaging guidelines): letters, digits, `-._+`, not starting with `-` or `.`; dnf
  // and zypper also install by capability, `pkgconfig(libpq)`.
  dnf: /^[A-Za-z0-9_+][A-Za-z0-9._+-]*(\([A-Za-z0-9._+:/-]+\))?$/,
  // Arch package guidelines: lower case alphanumerics and `@._+-`, not starting with `-` or `.`.
  pacman: /^[a-z0-9@_+][a-z0-9@._+-]*$/,
  // Alpine APKBUILD pkgname: lower case alphanumerics and `._+-`, starting with an alphanumeric.
  apk: /^[a-z0-9][a-z0-9._+-]*$/,
  // Homebrew formulae: lower case, digits, `-`, `_`, `.`, `+`, `@` for versioned formulae (`openssl@3`),
  // optionally tap-qualified (`owner/tap/formula`).
  brew: /^([a-z0-9][a-z0-9_-]*\/[a-z0-9][a-z0-9_-]*\/)?[a-z0-9][a-z0-9._+@-]*$/,
};
RULES.yum = RULES.dnf!;
RULES.zypper = RULES.dnf!;

/** True when `name` is a well-formed package name for `manager`; unknown managers accept nothing. */
export function isValidSystemPackageName(manager: string, name: string): boolean {
  const rule = Object.hasOwn(RULES, manager) ? RULES[manager] : undefined;
  if (!rule || name.length === 0 || name.length > MAX_LENGTH) return false;
  return rule.test(name);
}
