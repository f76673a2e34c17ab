import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { helperName, parseConfigList } from "./user/git.js";
import { collectUserFacts } from "./user.js";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dhtl-user-"));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Every secret planted below; none may appear anywhere in the collected facts. */
const SECRETS = [
  "s3cr3t",
  "pypiPassw0rd",
  "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAw",
  "npmTok3nValue",
  "npmBasicAuth",
  "pipSecret",
  "envTok123",
  "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
  "remoteSecret",
  "uvIndexSecret",
  "uvEnvPassword",
  "helperSecret",
  "proxyPass",
];

/** A home and a project full of credentials, the way real machines have them. */
function plantSecrets(): { home: string; root: string; env: NodeJS.ProcessEnv } {
  const home = tempDir();
  const root = join(home, "work", "app");
  mkdirSync(root, { recursive: true });
  write(
    join(home, ".pypirc"),
    [
      "[distutils]",
      "index-servers =",
      "    pypi",
      "    internal",
      "",
      "[pypi]",
      "username = __token__",
      "password = pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAw",
      "",
      "[internal]",
      "repository = https://upload.corp.example/legacy/",
      "username = alice",
      "password = pypiPassw0rd",
      "",
    ].join("\n"),
  );
  write(
    join(home, ".npmrc"),
    [
      "registry=https://npm.corp.example/",
      "@acme:registry=https://npm.acme.example/",
      "//npm.corp.example/:_authToken=npmTok3nValue",
      "_auth=npmBasicAuth",
      "",
    ].join("\n"),
  );
  write(
    join(home, ".gitconfig"),
    [
      "[user]",
      "\tname = Alice Example",
      "\temail = alice@example.com",
      "[init]",
      "\tdefaultBranch = main",
      '[url "https://user:s3cr3t@host.example/"]',
      "\tinsteadOf = https://host.example/",
      '[url "https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/"]',
      "\tinsteadOf = gh:",
      "[credential]",
      '\thelper = "!f() { echo password=helperSecret; }; f"',
      "\thelper = store --file ~/.git-credentials",
      "",
    ].join("\n"),
  );
  write(
    join(home, ".config", "pip", "pip.conf"),
    [
      "[global]",
      "index-url = https://piper:pipSecret@pypi.corp.example/simple",
      "extra-index-url =",
      "    https://piper:pipSecret@mirror.corp.example/simple",
      "    https://pypi.org/simple",
      "trusted-host = pypi.corp.example",
      "",
    ].join("\n"),
  );
  write(
    join(home, ".config", "uv", "uv.toml"),
    [
      'python-preference = "only-managed"',
      "[[index]]",
      'name = "corp"',
      'url = "https://uvuser:uvIndexSecret@uv.corp.example/simple"',
      "default = true",
      "",
    ].join("\n"),
  );
  write(join(root, "ruff.toml"), "line-length = 100\n");
  write(join(root, ".pre-commit-config.yaml"), "repos: []\n");
  write(join(home, ".config", "flake8"), "[flake8]\n");
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, env: { ...gitEnv(home) }, stdio: "pipe" });
  git("init", "-q");
  git("remote", "add", "origin", "https://bob:remoteSecret@git.example.com/org/repo.git");
  git("remote", "add", "upstream", "git@github.com:org/repo.git");
  const env: NodeJS.ProcessEnv = {
    ...gitEnv(home),
    SHELL: "/usr/bin/zsh",
    EDITOR: "code --wait",
    PIP_INDEX_URL: "https://__token__:envTok123@pypi.env.example/simple",
    UV_INDEX_CORP_USERNAME: "uvuser",
    UV_INDEX_CORP_PASSWORD: "uvEnvPassword",
    HTTPS_PROXY: "http://proxyuser:proxyPass@proxy.example:3128",
    VIRTUAL_ENV: join(root, ".venv"),
  };
  return { home, root, env };
}

/** Git must read only the temporary home: no system config, no real ~/.gitconfig. */
function gitEnv(home: string): NodeJS.ProcessEnv {
  return { HOME: home, PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: "1" };
}

describe("collectUserFacts", () => {
  it("never lets a secret out, while keeping user names, hosts and settings", async () => {
    const { home, root, env } = plantSecrets();
    const facts = await collectUserFacts(root, { home, env, includeSystem: false });
    const json = JSON.stringify(facts);
    for (const secret of SECRETS) expect(json, `leaked ${secret}`).not.toContain(secret);

    expect(facts.git).toMatchObject({
      available: true,
      userName: "Alice Example",
      userEmail: "alice@example.com",
      defaultBranch: "main",
      credentialHelpers: ["(inline)", "store"],
    });
    expect(facts.git.urlRewrites).toEqual([
      { url: "https://****@github.com/", insteadOf: "gh:", pushOnly: false },
      { url: "https://user:****@host.example/", insteadOf: "https://host.example/", pushOnly: false },
    ]);
    expect(facts.git.remotes).toEqual([
      { name: "origin", url: "https://bob:****@git.example.com/org/repo.git" },
      { name: "upstream", url: "git@github.com:org/repo.git" },
    ]);
    expect(facts.git.files).toEqual(["~/.gitconfig", ".git/config"]);

    // PIP_INDEX_URL overrides pip.conf's index-url; both had credentials.
    expect(facts.pip).toEqual({
      files: ["~/.config/pip/pip.conf"],
      indexUrl: "https://__token__:****@pypi.env.example/simple",
      extraIndexUrls: ["https://piper:****@mirror.corp.example/simple", "https://pypi.org/simple"],
      trustedHosts: ["pypi.corp.example"],
      findLinks: [],
      fromEnv: ["PIP_INDEX_URL"],
    });
    expect(facts.uv.indexes).toEqual([
      { name: "corp", url: "https://uvuser:****@uv.corp.example/simple", default: true, explicit: false },
    ]);
    expect(facts.uv.settings).toEqual({ "python-preference": "only-managed" });
    expect(facts.uv.fromEnv).toEqual(["UV_INDEX_CORP_PASSWORD", "UV_INDEX_CORP_USERNAME"]);

    expect(facts.pypirc).toEqual({
      file: "~/.pypirc",
      repositories: [
        {
          name: "internal",
          url: "https://upload.corp.example/legacy/",
          username: "alice",
          hasPassword: true,
        },
        { name: "pypi", url: "https://upload.pypi.org/legacy/", username: "__token__", hasPassword: true },
      ],
    });
    expect(facts.npm).toEqual({
      files: ["~/.npmrc"],
      registry: "https://npm.corp.example/",
      scopedRegistries: { "@acme": "https://npm.acme.example/" },
      authConfiguredFor: ["(default registry)", "//npm.corp.example/"],
    });

    expect(facts.shell).toBe("zsh");
    expect(facts.editor).toBe("code --wait");
    expect(facts.toolConfigs).toEqual([
      { tool: "flake8", file: "~/.config/flake8", scope: "home" },
      { tool: "pre-commit", file: ".pre-commit-config.yaml", scope: "project" },
      { tool: "ruff", file: "ruff.toml", scope: "project" },
    ]);
    const environment = Object.fromEntries(facts.environment.map((v) => [v.name, v.value]));
    expect(environment).toEqual({
      HTTPS_PROXY: "http://proxyuser:****@proxy.example:3128",
      PIP_INDEX_URL: "https://__token__:****@pypi.env.example/simple",
      UV_INDEX_CORP_PASSWORD: "****",
      UV_INDEX_CORP_USERNAME: "uvuser",
      VIRTUAL_ENV: join(root, ".venv"),
    });
    expect(facts.diagnostics).toEqual([]);
  });

  it("turns malformed config files into diagnostics that quote nothing from them", async () => {
    const home = tempDir();
    const root = join(home, "proj");
    mkdirSync(root);
    write(join(home, ".pypirc"), "[pypi]\npassword hunter2secret\n");
    write(join(home, ".config", "pip", "pip.conf"), "index-url = https://u:pipLeak@h/simple\n");
    write(join(home, ".config", "uv", "uv.toml"), 'index-url = "https://u:uvLeak@h/simple" oops\n');
    write(join(home, ".npmrc"), Buffer.from([0x72, 0x00, 0x01]).toString("latin1"));
    const facts = await collectUserFacts(root, { home, env: gitEnv(home), includeSystem: false });
    const json = JSON.stringify(facts);
    for (const secret of ["hunter2secret", "pipLeak", "uvLeak"]) expect(json).not.toContain(secret);
    expect(facts.diagnostics.map((d) => [d.file, d.line, d.severity])).toEqual([
      ["~/.config/pip/pip.conf", 1, "warning"],
      ["~/.config/uv/uv.toml", 1, "warning"],
      ["~/.npmrc", null, "warning"],
      ["~/.pypirc", 2, "warning"],
    ]);
    expect(facts.pypirc).toEqual({ file: "~/.pypirc", repositories: [] });
    expect(facts.pip.indexUrl).toBeNull();
  });

  it("works without git config, a repository or any file", async () => {
    const home = tempDir();
    const facts = await collectUserFacts(home, { home, env: gitEnv(home), includeSystem: false });
    expect(facts.git).toMatchObject({ available: true, userName: null, remotes: [], credentialHelpers: [] });
    expect(facts.pypirc).toBeNull();
    expect(facts.npm).toEqual({ files: [], registry: null, scopedRegistries: {}, authConfiguredFor: [] });
    expect(facts.shell).toBeNull();
    expect(facts.toolConfigs).toEqual([]);
  });

  it("reports git as unavailable when it is not installed", async () => {
    const home = tempDir();
    const facts = await collectUserFacts(home, {
      home,
      env: { HOME: home, PATH: home },
      includeSystem: false,
    });
    expect(facts.git.available).toBe(false);
  });
});

describe("git helpers", () => {
  it("parses --show-origin --null records, including keys without a value", () => {
    const output = "file:/h/.gitconfig\0user.name\nAlice\0file:.git/config\0core.bare\0";
    expect(parseConfigList(output)).toEqual([
      { origin: "file:/h/.gitconfig", key: "user.name", value: "Alice" },
      { origin: "file:.git/config", key: "core.bare", value: "" },
    ]);
  });

  it.each([
    ["store --file ~/.git-credentials", "store"],
    ["/usr/lib/git-core/git-credential-libsecret", "libsecret"],
    ["manager", "manager"],
    ["!gh auth git-credential", "(inline)"],
  ])("helperName(%j)", (value, expected) => {
    expect(helperName(value)).toBe(expected);
  });
});
