import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREDENTIAL_FORMS } from "../../src/core/redact-corpus.js";
import { type CliRun, describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { git, writeTree } from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, item 7: the corpus of credential forms (src/core/redact-corpus.ts) planted where dhtl reads and
 * echoes them — manifests, git remotes, the user's configuration files and environment, command-line
 * arguments — then every output channel (stdout, stderr, --json, --debug) and every file dhtl writes is
 * searched for each secret.
 */
const URL_FORMS = CREDENTIAL_FORMS.filter((form) => /https:\/\//.test(form.text));
const urlOf = (text: string) => text.slice(text.indexOf("https://"));

function leaks(text: string): string[] {
  return CREDENTIAL_FORMS.filter((form) => text.includes(form.secret)).map((form) => form.name);
}

function expectNoLeak(run: CliRun, what: string): void {
  expect(leaks(run.stdout + run.stderr), `${what}\n${describeRun(run)}`).toEqual([]);
}

let project: string;
let home: string;
let userEnv: Record<string, string>;

beforeAll(() => {
  project = tempDir("dhtl-secrets-");
  writeTree(project, {
    "requirements.txt": [
      ...URL_FORMS.map((form) => `--extra-index-url ${urlOf(form.text)}`),
      "six==1.16.0",
      "",
    ].join("\n"),
    ".python-version": "3.11\n",
  });
  git(project, "init", "-q", "-b", "main");
  const token = CREDENTIAL_FORMS.find((form) => form.name.startsWith("40-hex"))!;
  git(project, "remote", "add", "origin", token.text);
  home = tempDir("dhtl-secrets-home-");
  const form = (name: string) => CREDENTIAL_FORMS.find((f) => f.name === name)!.text;
  writeTree(home, {
    ".npmrc": `${form("npmrc _authToken")}\nregistry=${urlOf(form("TOKEN@host"))}\n`,
    ".pypirc": `[distutils]\nindex-servers = corp\n[corp]\nrepository = ${form("user:password")}\nusername = alice\npassword = ${form("PyPI API token")}\n`,
    ".config/pip/pip.conf": `[global]\nindex-url = ${urlOf(form("Gemfury token in the index path"))}\nextra-index-url = ${form("S3 presigned signature")}\n`,
    ".config/uv/uv.toml": `[[index]]\nname = "corp"\nurl = "${form("Cloudsmith entitlement token in the path")}"\n`,
    ".gitconfig": `[url "${form("x-access-token (GitHub Actions)")}"]\n\tinsteadOf = https://github.com/\n`,
  });
  userEnv = {
    HOME: home,
    UV_INDEX_URL: form("Azure DevOps PAT"),
    PIP_EXTRA_INDEX_URL: urlOf(form("TOKEN:@host (packagecloud)")),
    UV_INDEX_CORP_PASSWORD: form("Stripe secret key"),
    GH_TOKEN: form("GitHub fine-grained PAT"),
    NPM_TOKEN: form("npm token"),
    AWS_ACCESS_KEY_ID: form("AWS access key id"),
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    HF_TOKEN: form("Hugging Face token"),
    TWINE_PASSWORD: form("Slack bot token"),
    EDITOR: `vim --cmd ${form("query token")}`,
  };
});

describe("item 7: no credential reaches any output channel", () => {
  it("command-line arguments echoed in errors, with --debug stack traces", () => {
    for (const form of CREDENTIAL_FORMS) {
      const run = runCli(["migrate", "--from", form.text, "--debug", project], project);
      expect(run.code, form.name).toBe(2);
      expectNoLeak(run, form.name);
    }
  });

  it("analyze (text, --json, --debug) of a project and user configuration full of credentials", () => {
    for (const args of [["analyze"], ["analyze", "--json"], ["analyze", "--debug", "--no-imports"]]) {
      const run = runCli(args, project, userEnv);
      expect(run.code, describeRun(run)).toBe(0);
      expectNoLeak(run, args.join(" "));
    }
  });

  it("setup --dry-run, migrate --dry-run (diff and --json), clone --dry-run", () => {
    const runs: [string[], CliRun][] = [
      ["setup --dry-run", "setup --dry-run --json", "migrate --dry-run", "migrate --dry-run --json"].map(
        (line) => [line.split(" "), runCli(line.split(" "), project, userEnv)] as [string[], CliRun],
      ),
      URL_FORMS.map(
        (form) =>
          [["clone"], runCli(["clone", urlOf(form.text), "x", "--dry-run"], tempDir(), userEnv)] as [
            string[],
            CliRun,
          ],
      ),
    ].flat();
    for (const [args, run] of runs) {
      expect(run.code, describeRun(run)).toBe(0);
      expectNoLeak(run, args.join(" "));
    }
  });

  it("standardize diffs of a pyproject.toml holding credentialed index URLs (text and --json)", () => {
    const root = tempDir("dhtl-secrets-std-");
    writeTree(root, {
      "pyproject.toml": [
        "[project]",
        'name = "demo"',
        'version = "0.1.0"',
        'requires-python = ">=3.11"',
        "",
        ...URL_FORMS.flatMap((form, i) => [
          "[[tool.uv.index]]",
          `name = "i${i}"`,
          `url = "${urlOf(form.text)}"`,
          "",
        ]),
      ].join("\n"),
    });
    for (const args of [
      ["standardize", "--dry-run"],
      ["standardize", "--dry-run", "--json"],
    ]) {
      const run = runCli(args, root);
      expect(run.code, describeRun(run)).toBe(0);
      expectNoLeak(run, args.join(" "));
    }
  });

  it("a failing clone of a credentialed URL: progress, git's error and --debug", () => {
    for (const form of URL_FORMS.slice(0, 4)) {
      const url = urlOf(form.text).replace(/@[^/]+/, "@127.0.0.1:9");
      const run = runCli(["clone", url, "x", "--debug"], tempDir());
      expect(run.code, describeRun(run)).toBe(3);
      expectNoLeak(run, form.name);
    }
  });
});

describe("item 7: no credential reaches a file dhtl writes", () => {
  /** Every file under `dir` that dhtl wrote (the user's own manifests and dhtl's byte copies of them aside). */
  function writtenFiles(dir: string, skip: string[]): string[] {
    const found: string[] = [];
    const walk = (path: string) => {
      for (const entry of readdirSync(path)) {
        const full = join(path, entry);
        const rel = relative(dir, full);
        if (skip.includes(rel)) continue;
        if (statSync(full).isDirectory()) walk(full);
        else found.push(rel);
      }
    };
    walk(dir);
    return found;
  }

  it("setup and migrate --yes: .dhtconfig, .dhtl/*, pyproject.toml and uv.lock hold none", () => {
    const root = tempDir("dhtl-secrets-write-");
    writeTree(root, {
      "requirements.txt": [
        `--extra-index-url ${urlOf(CREDENTIAL_FORMS.find((f) => f.name.startsWith("Gemfury"))!.text)}`,
        // Reachable once its credentials are stripped (PyPI itself): migrate's `uv lock` must succeed.
        `--extra-index-url ${CREDENTIAL_FORMS.find((f) => f.name === "user:password")!.text.replace(/@[^/]+/, "@pypi.org")}`,
        "six==1.16.0",
        "",
      ].join("\n"),
      ".python-version": "3.11\n",
    });
    const setup = runCli(["setup", "--yes", "--debug"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expectNoLeak(setup, "setup");
    const migrate = runCli(["migrate", "--yes", "--debug"], root);
    expect(migrate.code, describeRun(migrate)).toBe(0);
    expectNoLeak(migrate, "migrate");
    const files = writtenFiles(root, ["requirements.txt", ".venv", ".dhtl/envs", ".dhtl/migrate-backup"]);
    expect(files).toEqual(expect.arrayContaining([".dhtconfig", "pyproject.toml", "uv.lock"]));
    for (const file of files) expect(leaks(readFileSync(join(root, file), "utf8")), file).toEqual([]);
  });
});
