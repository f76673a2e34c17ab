/**
 * Scrubbers for text that may carry secrets. dhtl drops a credential where it reads it (config files,
 * manifests, environment, tool output): no secret is carried through the model to be masked later, so
 * there is no secret type to forget to use either.
 */
export const MASK = "****";

/** Words that, anywhere in a key, mean its value is a secret. */
const SECRET_WORDS = new Set([
  "auth",
  "authtoken",
  "authorization",
  "apikey",
  "bearer",
  "cookie",
  "credential",
  "credentials",
  "passphrase",
  "passwd",
  "password",
  "pat",
  "pwd",
  "secret",
  "secrets",
  "sig",
  "signature",
  "token",
]);

/** Two consecutive words that together mean a secret (`api_key`, `private-key`, `AWS_ACCESS_KEY_ID`). */
const SECRET_PAIRS = new Set([
  "access key",
  "api key",
  "auth token",
  "client secret",
  "private key",
  "secret key",
  "session id",
  "session token",
]);

/** Splits a key into lower-case words: `_authToken` → auth, token; `UV_INDEX_X_PASSWORD` → …, password. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/**
 * True when a configuration or environment key names a secret: password, token, secret, api key,
 * credentials, npm's `//registry/:_authToken`, `_auth`, `_password` and the like (case-insensitive).
 */
export function isSecretKey(key: string): boolean {
  const words = keyWords(key);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (SECRET_WORDS.has(word)) return true;
    if (/(token|secret|password|passwd|apikey)$/.test(word)) return true;
    const next = words[i + 1];
    if (next !== undefined && SECRET_PAIRS.has(`${word} ${next}`)) return true;
  }
  return false;
}

/** The value of `key`, safe to show: masked entirely for a secret key, scrubbed of embedded secrets otherwise. */
export function redactValue(key: string, value: string): string {
  if (value === "") return value;
  if (isSecretKey(key)) return MASK;
  return redactText(value);
}

/** Schemes whose user name is an account (`ssh://git@host`), never a token, so it is kept. */
const ACCOUNT_USER_SCHEMES = /^(ssh|git\+ssh|ssh\+git|sftp|scp)$/i;

/** Query parameters that carry credentials even though their name does not say "token". */
const SECRET_QUERY_PARAMS =
  /^(sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|key|code)$/i;

/**
 * A URL with its credentials masked: `https://user:pass@host` → `https://user:****@host`,
 * `https://TOKEN@host` → `https://****@host` (a lone user name in HTTP(S) is a token, `git@` is an account),
 * `?token=…`/`access_token=…` query values → `****`; `${VAR}` references are kept. Anything that is not a
 * URL is scrubbed as free text.
 */
export function redactUrl(url: string): string {
  return redactText(url);
}

/**
 * Only the URLs inside a longer text masked, as `redactUrl` does. For requirement lines and package specs,
 * where `name==1.0` is a pin, not an assignment, so the free-text rules of `redactText` would misread
 * a package called `django-auth-ldap==4.1` as a secret.
 */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_PATTERN, (url) => redactText(url));
}

/** Matches a URL: scheme, authority and the rest up to whitespace or a closing quote/bracket. */
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/([^\s"'<>`]*)/gi;

function redactOneUrl(scheme: string, rest: string): string {
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  let tail = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
  let safeAuthority = authority;
  // The last `@` ends the user info: passwords may contain an unescaped `@`.
  const at = authority.lastIndexOf("@");
  if (at !== -1) {
    const userInfo = authority.slice(0, at);
    const host = authority.slice(at + 1);
    const colon = userInfo.indexOf(":");
    if (colon !== -1) {
      const user = userInfo.slice(0, colon);
      const password = userInfo.slice(colon + 1);
      const safePassword = isVariableReference(password) ? password : MASK;
      safeAuthority = `${isSecretLooking(user) ? MASK : user}:${safePassword}@${host}`;
    } else if (ACCOUNT_USER_SCHEMES.test(scheme) || userInfo === "git" || isVariableReference(userInfo)) {
      safeAuthority = `${userInfo}@${host}`;
    } else {
      safeAuthority = `${MASK}@${host}`;
    }
  }
  tail = tail.replace(
    /([?&;])([^=&#;\s]+)=([^&#;\s]*)/g,
    (whole, sep: string, name: string, value: string) =>
      value !== "" && (isSecretKey(name) || SECRET_QUERY_PARAMS.test(name)) ? `${sep}${name}=${MASK}` : whole,
  );
  return `${scheme}://${safeAuthority}${redactTokens(tail)}`;
}

/**
 * `${VAR}` references (`https://${USER}:${TOKEN}@host`) are kept as written: they are not secrets, and
 * pip and uv expand them from the environment at install time.
 */
function isVariableReference(part: string): boolean {
  return /^(\$\{[A-Za-z0-9_]+\})+$/.test(part);
}

/** A user name that is itself a known token format (`https://ghp_…:x-oauth-basic@github.com`). */
function isSecretLooking(user: string): boolean {
  return redactTokens(user) !== user;
}

/** Well-known token formats, recognisable without any key name. */
const TOKEN_PATTERNS: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bpypi-[A-Za-z0-9_-]{16,}/g, // PyPI API tokens
  /\bnpm_[A-Za-z0-9]{30,}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, // Slack
  /\bsk-[A-Za-z0-9_-]{20,}\b/g, // OpenAI-style secret keys
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
];

/** A value already masked, or an authorisation scheme word whose credential follows (and is masked). */
function isAlreadySafe(value: string): boolean {
  return value.startsWith(MASK) || /^(Bearer|Basic|Token)$/.test(value);
}

function redactTokens(text: string): string {
  let out = text;
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, MASK);
  return out;
}

/**
 * Free text scrubbed of secrets: credentials in URLs, secret query parameters, well-known token formats
 * (GitHub, GitLab, PyPI, npm, AWS, Slack …), `Bearer`/`Basic` authorisation values and `password=…`-style
 * assignments. Used on anything read from the user's files, environment or a tool's output before it is shown.
 */
export function redactText(text: string): string {
  let out = text.replace(URL_PATTERN, (_whole, scheme: string, rest: string) => redactOneUrl(scheme, rest));
  out = out.replace(/\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]{8,}/g, `$1$2${MASK}`);
  out = redactTokens(out);
  // `password = x`, `API_TOKEN: x` are assignments whose key says what the value is.
  out = out.replace(
    /(^|[\s"'{,;(:/])([A-Za-z_][\w.-]*)(\s*[=:]\s*)("[^"\n]*"|'[^'\n]*'|[^\s"',;}]+)/g,
    (whole, lead: string, key: string, sep: string, value: string) =>
      isSecretKey(key) && !isAlreadySafe(value) ? `${lead}${key}${sep}${MASK}` : whole,
  );
  // `--password x` / `-p=x` on a command line.
  out = out.replace(
    /(^|\s)(--?[A-Za-z][\w-]*)(\s+|=)("[^"\n]*"|'[^'\n]*'|[^\s"']+)/g,
    (whole, lead: string, flag: string, sep: string, value: string) =>
      isSecretKey(flag) && !value.startsWith("-") && !isAlreadySafe(value)
        ? `${lead}${flag}${sep}${MASK}`
        : whole,
  );
  return out;
}
