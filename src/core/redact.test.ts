// biome-ignore-all lint/suspicious/noTemplateCurlyInString: pip and uv expand ${VAR} in URLs literally.
import { describe, expect, it } from "vitest";
import { isSecretKey, MASK, redactText, redactUrl, redactUrlsIn, redactValue } from "./redact.js";

describe("redactUrl", () => {
  it.each([
    ["https://alice:s3cr3t@pypi.example.com/simple", "https://alice:****@pypi.example.com/simple"],
    ["https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/o/r", "https://****@github.com/o/r"],
    ["https://TOKENVALUE@host/x", "https://****@host/x"],
    ["https://user:p@ss@word@host/", "https://user:****@host/"],
    ["ssh://git@github.com/org/repo.git", "ssh://git@github.com/org/repo.git"],
    ["https://host/simple?token=abc123&page=2", "https://host/simple?token=****&page=2"],
    ["https://host/a?access_token=abc&x=1", "https://host/a?access_token=****&x=1"],
    [
      "https://acct.blob.core.windows.net/c?sv=1&sig=XYZ",
      "https://acct.blob.core.windows.net/c?sv=1&sig=****",
    ],
    ["https://pypi.org/simple", "https://pypi.org/simple"],
    ["file:///opt/pypi/simple", "file:///opt/pypi/simple"],
  ])("%s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe("redactUrlsIn", () => {
  it("hides passwords and token user names, keeps ${VAR} references and git@", () => {
    expect(redactUrlsIn("https://user:pw@h/simple")).toBe("https://user:****@h/simple");
    expect(redactUrlsIn("https://ghp_abc@github.com/o/r")).toBe("https://****@github.com/o/r");
    expect(redactUrlsIn("https://${USER}:${TOKEN}@h/s")).toBe("https://${USER}:${TOKEN}@h/s");
    expect(redactUrlsIn("https://${TOKEN}@h/s")).toBe("https://${TOKEN}@h/s");
    expect(redactUrlsIn("git+ssh://git@github.com/o/r")).toBe("git+ssh://git@github.com/o/r");
    expect(redactUrlsIn("https://h/simple")).toBe("https://h/simple");
    expect(redactUrlsIn("https://u:p@ss@h/s")).toBe("https://u:****@h/s");
    expect(redactUrlsIn("git+https://h/o/r.git@v1#egg=x")).toBe("git+https://h/o/r.git@v1#egg=x");
  });

  it("masks only the URLs of a requirement, never a package name that looks like a key", () => {
    expect(redactUrlsIn("tool @ git+https://tok@h/o/tool.git@main")).toBe(
      "tool @ git+https://****@h/o/tool.git@main",
    );
    expect(redactUrlsIn("django-auth-ldap==4.1; python_version >= '3.9'")).toBe(
      "django-auth-ldap==4.1; python_version >= '3.9'",
    );
    expect(redactUrlsIn("pkg @ https://h/p.whl?token=abc ; os_name == 'nt'")).toBe(
      "pkg @ https://h/p.whl?token=**** ; os_name == 'nt'",
    );
  });
});

describe("isSecretKey", () => {
  it.each([
    "password",
    "PASSWORD",
    "passwd",
    "token",
    "GITHUB_TOKEN",
    "secret",
    "client_secret",
    "_authToken",
    "//registry.npmjs.org/:_authToken",
    "_auth",
    "_password",
    "api_key",
    "apiKey",
    "API-KEY",
    "credential",
    "private_key",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "UV_INDEX_INTERNAL_PASSWORD",
    "TWINE_PASSWORD",
    "Authorization",
  ])("%s is secret", (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    "username",
    "index-url",
    "PIP_INDEX_URL",
    "author",
    "path",
    "registry",
    "user.email",
    "UV_KEYRING_PROVIDER",
  ])("%s is not secret", (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe("redactValue", () => {
  it("masks secret keys entirely and scrubs URLs in others", () => {
    expect(redactValue("password", "hunter2")).toBe(MASK);
    expect(redactValue("index-url", "https://u:pw@host/simple")).toBe("https://u:****@host/simple");
    expect(redactValue("username", "alice")).toBe("alice");
  });
});

describe("redactText", () => {
  it.each([
    ["token ghp_abcdefghijklmnopqrstuvwxyz0123 here", "token **** here"],
    ["github_pat_11ABCDEFG0123456789_abcdefghijklmnop", MASK],
    ["password: pypi-AgEIcHlwaS5vcmcCJGFiY2RlZg", "password: ****"],
    ["key AKIAIOSFODNN7EXAMPLE used", "key **** used"],
    ["slack xoxb-123456789012-abcdefghij", "slack ****"],
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "Authorization: Bearer ****"],
    ["curl -H 'Bearer eyJhbGciOiJIUzI1NiJ9'", "curl -H 'Bearer ****'"],
    [
      "pip install --index-url https://me:pw@h/simple x",
      "pip install --index-url https://me:****@h/simple x",
    ],
    ["twine --password hunter2 upload", "twine --password **** upload"],
    ["//registry.npmjs.org/:_authToken=abcdef", "//registry.npmjs.org/:_authToken=****"],
    ["nothing secret here, just text", "nothing secret here, just text"],
  ])("%s", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});
