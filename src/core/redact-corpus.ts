// biome-ignore-all lint/suspicious/noTemplateCurlyInString: pip and uv expand ${VAR} in URLs literally.
/**
 * Credential forms dhtl must never print or write, each with the part that is the secret. Made-up values in
 * each service's real format. Used by the unit test of the rule set (redact-corpus.test.ts) and by the CLI
 * tests that plant them in a project and its environment (test/security/redaction.test.ts).
 */
export interface CredentialForm {
  name: string;
  /** The text as it appears in a file, URL, header or tool output. */
  text: string;
  /** The part that must never reach output. */
  secret: string;
}

const hex40 = "0123456789abcdef0123456789abcdef01234567";
const gh = (prefix: string) => `${prefix}_${"A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"}`;

export const CREDENTIAL_FORMS: CredentialForm[] = [
  { name: "GitHub classic PAT", text: gh("ghp"), secret: gh("ghp") },
  { name: "GitHub OAuth token", text: gh("gho"), secret: gh("gho") },
  { name: "GitHub user-to-server token", text: gh("ghu"), secret: gh("ghu") },
  { name: "GitHub app installation token", text: gh("ghs"), secret: gh("ghs") },
  { name: "GitHub refresh token", text: gh("ghr"), secret: gh("ghr") },
  {
    name: "GitHub fine-grained PAT",
    text: "github_pat_11ABCDEFG0123456789abc_defGHIJKLmnopQRSTuvwxYZ0123456789abcdefGHIJKLMNopqrstu",
    secret: "11ABCDEFG0123456789abc_defGHIJKLmnopQRSTuvwxYZ0123456789abcdefGHIJKLMNopqrstu",
  },
  {
    name: "40-hex OAuth token with x-oauth-basic",
    text: `https://${hex40}:x-oauth-basic@github.com/acme/app.git`,
    secret: hex40,
  },
  {
    name: "x-oauth-basic user, token as password",
    text: `https://x-oauth-basic:${hex40}@github.com/acme/app.git`,
    secret: hex40,
  },
  {
    name: "x-access-token (GitHub Actions)",
    text: `https://x-access-token:${gh("ghs")}@github.com/acme/app.git`,
    secret: gh("ghs"),
  },
  {
    name: "TOKEN:@host (packagecloud)",
    text: "https://9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4:@packagecloud.io/acme/py/pypi/simple",
    secret: "9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4",
  },
  {
    name: "TOKEN@host",
    text: "https://Zq7pXw2Lk9Tm4Rv8@pkgs.example.com/simple",
    secret: "Zq7pXw2Lk9Tm4Rv8",
  },
  {
    name: "user:password",
    text: "https://alice:Tr0ub4dor-3@pypi.corp.example/simple",
    secret: "Tr0ub4dor-3",
  },
  { name: "password holding an @", text: "https://bob:p@ss@w0rd!@host.example/simple", secret: "p@ss@w0rd!" },
  {
    name: "percent-encoded password",
    text: "https://carol:s3cr%40t%3Ax@host.example/simple",
    secret: "s3cr%40t%3Ax",
  },
  {
    name: "GitLab PAT in oauth2 URL",
    text: "https://oauth2:glpat-Ab1Cd2Ef3Gh4Ij5Kl6Mn@gitlab.com/acme/app.git",
    secret: "glpat-Ab1Cd2Ef3Gh4Ij5Kl6Mn",
  },
  {
    name: "gitlab-ci-token",
    text: "https://gitlab-ci-token:Qw3rTy7UiOp2AsDf9GhJ@gitlab.example/acme/app.git",
    secret: "Qw3rTy7UiOp2AsDf9GhJ",
  },
  {
    name: "Gemfury token in the index path",
    text: "--extra-index-url https://pypi.fury.io/1a2B3c4D5e6F7g8H/acme/",
    secret: "1a2B3c4D5e6F7g8H",
  },
  {
    name: "Cloudsmith entitlement token in the path",
    text: "https://dl.cloudsmith.io/Xy9Wv8Ut7Sr6Qp5O/acme/py/python/simple/",
    secret: "Xy9Wv8Ut7Sr6Qp5O",
  },
  {
    name: "Azure DevOps PAT",
    text: "https://build:k3yv4ultpat0123456789abcdefghijklmnop@pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/",
    secret: "k3yv4ultpat0123456789abcdefghijklmnop",
  },
  { name: "AWS access key id", text: "AKIAIOSFODNN7EXAMPLE", secret: "AKIAIOSFODNN7EXAMPLE" },
  { name: "AWS temporary key id", text: "ASIAY34FZKBOKMUTVV7A", secret: "ASIAY34FZKBOKMUTVV7A" },
  {
    name: "AWS secret access key, assigned",
    text: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  },
  {
    name: "PyPI API token",
    text: "pypi-AgEIcHlwaS5vcmcCJDEyMzQ1Njc4LTkwYWItY2RlZi0xMjM0LTU2Nzg5MGFiY2RlZgACKlszLCJhYmMiXQ",
    secret: "AgEIcHlwaS5vcmcCJDEyMzQ1Njc4LTkwYWItY2RlZi0xMjM0LTU2Nzg5MGFiY2RlZgACKlszLCJhYmMiXQ",
  },
  {
    name: "PyPI token as __token__ password",
    text: "https://__token__:pypi-AgENdGVzdC5weXBpLm9yZwIk@upload.pypi.org/legacy/",
    secret: "pypi-AgENdGVzdC5weXBpLm9yZwIk",
  },
  {
    name: "npm token",
    text: "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    secret: "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
  },
  {
    name: "npmrc _authToken",
    text: "//registry.npmjs.org/:_authToken=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    secret: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
  },
  {
    name: "Bearer header",
    text: "Authorization: Bearer eyJraWQiOiJrMSJ9.c2VjcmV0LXBheWxvYWQtMTIz.c2lnbmF0dXJlLXh5eg",
    secret: "eyJraWQiOiJrMSJ9.c2VjcmV0LXBheWxvYWQtMTIz.c2lnbmF0dXJlLXh5eg",
  },
  {
    name: "Basic header",
    text: "Authorization: Basic YWxpY2U6VHIwdWI0ZG9yLTM=",
    secret: "YWxpY2U6VHIwdWI0ZG9yLTM=",
  },
  {
    name: "bare JSON Web Token",
    text: "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.dBjftJeZ4CVPmB92K27uhbUJU1p1rwW1gFWFOEjXk",
    secret: "dBjftJeZ4CVPmB92K27uhbUJU1p1rwW1gFWFOEjXk",
  },
  {
    name: "Slack bot token",
    text: "xoxb-1234567890-0987654321-AbCdEfGhIjKl",
    secret: "1234567890-0987654321-AbCdEfGhIjKl",
  },
  {
    name: "OpenAI-style key",
    text: "sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56",
    secret: "proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56",
  },
  { name: "Stripe secret key", text: "sk_live_4eC39HqLyjWDarjtT1zdp7dc", secret: "4eC39HqLyjWDarjtT1zdp7dc" },
  {
    name: "Google API key",
    text: "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    secret: "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
  },
  {
    name: "Hugging Face token",
    text: "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
    secret: "AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
  },
  {
    name: "Docker Hub PAT",
    text: "dckr_pat_A1b2C3d4E5f6G7h8I9j0K1l2M3n",
    secret: "A1b2C3d4E5f6G7h8I9j0K1l2M3n",
  },
  { name: "query token", text: "https://files.example/simple/?token=7Hq2Lm9Zx4", secret: "7Hq2Lm9Zx4" },
  {
    name: "S3 presigned signature",
    text: "https://bucket.s3.amazonaws.com/pkg.whl?X-Amz-Credential=AKIDEXAMPLE%2F20260101&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027",
    secret: "fe5f80f77d5fa3beca038a248ff027",
  },
  {
    name: "Azure SAS signature",
    text: "https://acct.blob.core.windows.net/c/pkg.whl?sv=2024-01-01&sig=Zm9vYmFyYmF6cXV4MTIz",
    secret: "Zm9vYmFyYmF6cXV4MTIz",
  },
  {
    name: "PEM private key",
    text: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
    secret: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
  },
  { name: "--password flag", text: "twine upload --password Sup3rS3cret dist/*", secret: "Sup3rS3cret" },
];

/** Things that look a little like secrets and must come out exactly as they went in. */
export const NOT_SECRETS: string[] = [
  "git@github.com:acme/app.git",
  "ssh://git@github.com/acme/app.git",
  "https://${PYPI_USER}:${PYPI_TOKEN}@pypi.corp.example/simple",
  "https://pypi.org/simple",
  "django-auth-ldap==4.1",
  "pytest-token-auth>=1.0",
  "app @ git+https://github.com/acme/app.git@0123456789abcdef0123456789abcdef01234567",
  "https://files.pythonhosted.org/packages/b7/ce/149a00dd41f10bc29e5921b496af8b574d8413afcd5e30dfa0ed46c2cc5e/six-1.17.0-py2.py3-none-any.whl",
  "https://dl.cloudsmith.io/public/acme/py/python/simple/",
  "sha256:3f1a9bc2e4d5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd",
];
