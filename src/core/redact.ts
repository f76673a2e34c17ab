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
  "account key",
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
  let known = secretKeys.get(key);
  if (known === undefined) {
    known = namesSecret(key);
    // Output repeats a few keys thousands of times (`"module":`, `"line":`); each is judged once.
    if (secretKeys.size < 10_000) secretKeys.set(key, known);
  }
  return known;
}

const secretKeys = new Map<string, boolean>();

function namesSecret(key: string): boolean {
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
  const hostPart = at === -1 ? authority : authority.slice(at + 1);
  if (at !== -1) {
    const userInfo = authority.slice(0, at);
    const colon = userInfo.indexOf(":");
    if (colon !== -1) {
      const user = userInfo.slice(0, colon);
      const password = userInfo.slice(colon + 1);
      const safePassword = isVariableReference(password) ? password : MASK;
      // `TOKEN:x-oauth-basic@` and `TOKEN:@` (GitHub, packagecloud): the user name is the credential.
      const userIsToken = isSecretLooking(user) || password === "" || PLACEHOLDER_PASSWORDS.test(password);
      safeAuthority = `${userIsToken && !isVariableReference(user) ? MASK : user}:${safePassword}@${hostPart}`;
    } else if (ACCOUNT_USER_SCHEMES.test(scheme) || userInfo === "git" || isVariableReference(userInfo)) {
      safeAuthority = `${userInfo}@${hostPart}`;
    } else {
      safeAuthority = `${MASK}@${hostPart}`;
    }
  }
  tail = redactPathToken(hostPart.toLowerCase().replace(/:\d+$/, ""), tail);
  tail = tail.replace(
    /([?&;])([^=&#;\s]+)=([^&#;\s]*)/g,
    (whole, sep: string, name: string, value: string) =>
      value !== "" && (isSecretKey(name) || SECRET_QUERY_PARAMS.test(name)) ? `${sep}${name}=${MASK}` : whole,
  );
  return `${scheme}://${safeAuthority}${redactTokens(tail)}`;
}

/** Passwords that only say "the user name is the token". */
const PLACEHOLDER_PASSWORDS = /^(x-oauth-basic|x-oauth-token|x-token-auth)$/i;

/**
 * Hosts whose URLs carry the credential as the first path segment: Gemfury (`pypi.fury.io/TOKEN/acct/`)
 * and Cloudsmith entitlement tokens (`dl.cloudsmith.io/TOKEN/org/repo/`, except its `public`/`basic` paths).
 */
function redactPathToken(host: string, tail: string): string {
  const match = /^\/([^/?#]+)/.exec(tail);
  if (!match) return tail;
  const segment = match[1]!;
  const furyHost = host === "fury.io" || host.endsWith(".fury.io");
  const cloudsmithHost = host === "dl.cloudsmith.io" && !/^(public|basic)$/i.test(segment);
  if (!furyHost && !cloudsmithHost) return tail;
  if (isVariableReference(segment)) return tail;
  return `/${MASK}${tail.slice(match[0].length)}`;
}

/**
 * `${VAR}` references (`https://${USER}:${TOKEN}@host`) are kept as written: they are not secrets, and
 * pip and uv expand them from the environment at install time.
 */
function isVariableReference(part: string): boolean {
  return /^(\$\{[A-Za-z0-9_]+\})+$/.test(part);
}

/**
 * A user name that is itself a credential: a known token format (`https://ghp_…:x-oauth-basic@github.com`),
 * or a long random-looking string (a 40-hex GitHub OAuth token, an API key): 20+ characters of letters
 * and digits (with `-`/`_`), both present. Account names (`alice`, `__token__`, `gitlab-ci-token`) are kept.
 */
function isSecretLooking(user: string): boolean {
  if (redactTokens(user) !== user) return true;
  return user.length >= 20 && /^[A-Za-z0-9_-]+$/.test(user) && /[0-9]/.test(user) && /[A-Za-z]/.test(user);
}

/** Well-known token formats, recognisable without any key name. */
const TOKEN_PATTERNS: RegExp[] = [
  // PEM private keys, whole (before anything inside them is matched piecemeal).
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bpypi-[A-Za-z0-9_-]{16,}/g, // PyPI API tokens
  /\bnpm_[A-Za-z0-9]{30,}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, // Slack
  /\bsk-[A-Za-z0-9_-]{20,}\b/g, // OpenAI/Anthropic-style secret keys
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe secret and restricted keys
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /\bdckr_pat_[A-Za-z0-9_-]{20,}/g, // Docker Hub
  /\bdop_v1_[a-f0-9]{64}\b/g, // DigitalOcean
  /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g, // Shopify
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JSON Web Tokens
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

/** `Bearer x`, `Basic x`, `Token x`: an authorisation scheme followed by its credential. */
const AUTH_HEADER = /\b(Bearer|Basic|Token)(\s+)(?!\*\*\*\*)[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * The one rule set: text scrubbed of credentials in URLs (user info, secret query parameters, tokens in
 * known hosts' paths), well-known token formats (GitHub, GitLab, PyPI, npm, AWS, Slack, Stripe, JWTs, PEM
 * keys …), `Bearer`/`Basic` authorisation values, and `password=…`/`--password …` where the key or flag
 * says what the value is. Used on what dhtl reads from the user's files, environment and tools' output,
 * and again on every line it prints (`redactOutput`).
 *
 * Assignments are read narrowly enough for any output: `name==1.0`, `pkg>=2` are version specifiers, not
 * assignments; `true`, `false`, numbers and masks are left alone; quotes stay around a masked value.
 */
export function redactText(text: string): string {
  let out = text.replace(URL_PATTERN, (_whole, scheme: string, rest: string) => redactOneUrl(scheme, rest));
  out = out.replace(AUTH_HEADER, `$1$2${MASK}`);
  out = redactTokens(out);
  // `password = x`, `API_TOKEN: x` are assignments whose key says what the value is.
  out = out.replace(
    /(^|[\s"'{,;(:/])([A-Za-z_][\w.-]*)(\s*(?:=(?!=)|:(?!\/\/))\s*)("[^"\n]*"|'[^'\n]*'|[^\s"',;}]+)/g,
    (whole, lead: string, key: string, sep: string, value: string) =>
      isSecretKey(key) && isMaskable(value) ? `${lead}${key}${sep}${maskKeepingQuotes(value)}` : whole,
  );
  // `--password x` / `-p=x` on a command line.
  out = out.replace(
    /(^|\s)(--?[A-Za-z][\w-]*)(\s+|=)("[^"\n]*"|'[^'\n]*'|[^\s"']+)/g,
    (whole, lead: string, flag: string, sep: string, value: string) =>
      isSecretKey(flag) && !value.startsWith("-") && isMaskable(value)
        ? `${lead}${flag}${sep}${maskKeepingQuotes(value)}`
        : whole,
  );
  return out;
}

/**
 * What every line dhtl prints goes through: stdout, stderr, `--json` and `--debug` stack traces
 * (cli/output.ts, cli/report-error.ts, commander's usage errors). The same rules as `redactText`.
 */
export function redactOutput(text: string): string {
  return redactText(text);
}

/** A value worth masking: not already masked, not a scheme word, not a literal (`true`, `3`, `null`). */
function isMaskable(value: string): boolean {
  const bare = value.replace(/^["']|["']$/g, "");
  if (bare === "" || isAlreadySafe(bare) || isVariableReference(bare)) return false;
  return !/^(true|false|null|none|yes|no|\d+(\.\d+)?)$/i.test(bare);
}

function maskKeepingQuotes(value: string): string {
  const quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
  return `${quote}${MASK}${quote}`;
}
