import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureOutput } from "../../test/support/capture-output.js";
import { uvEnv } from "../../test/support/make-venv.js";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import { DhtlError } from "../core/errors.js";
import { run } from "../core/exec.js";
import { dhtlDataDir } from "../core/paths.js";
import { ensureUv, explainUvFailure, isNewEnough, runUv, UV_PINNED_VERSION } from "./uv.js";

afterAll(removeTempDirs);

async function uvFailure(uv: string, args: string[], cwd: string, env = uvEnv()): Promise<DhtlError> {
  const error = await runUv(uv, args, { cwd, env }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DhtlError);
  expect((error as DhtlError).code).toBe("toolFailed");
  return error as DhtlError;
}

describe("ensureUv", () => {
  it("uses the uv on PATH, resolving a pyenv shim to the real binary", async () => {
    const info = await ensureUv();
    expect(info.bootstrapped).toBe(false);
    expect(isNewEnough(info.version)).toBe(true);
    expect(info.path.startsWith("/")).toBe(true);
    expect(info.path).not.toContain("/shims/");
    const direct = await run(info.path, ["--version"]);
    expect(direct.stdout).toContain(info.version);
  });

  it("refuses a DHTL_UV that is not uv", async () => {
    await expect(ensureUv({ env: { ...process.env, DHTL_UV: "/bin/false" } })).rejects.toThrow(
      /not a working uv/,
    );
  });

  it("compares versions with the minimum", () => {
    expect(isNewEnough("0.13.9")).toBe(true);
    expect(isNewEnough("0.5.0")).toBe(true);
    expect(isNewEnough("0.4.30")).toBe(false);
    expect(isNewEnough("garbage")).toBe(false);
  });

  it("finds its data directory from DHTL_HOME, XDG_DATA_HOME or HOME", () => {
    expect(dhtlDataDir({ DHTL_HOME: "/x/dhtl", XDG_DATA_HOME: "/y" })).toBe("/x/dhtl");
    expect(dhtlDataDir({ XDG_DATA_HOME: "/y" })).toBe("/y/dhtl");
    expect(dhtlDataDir({ HOME: "/home/me" })).toBe("/home/me/.local/share/dhtl");
  });

  it("bootstraps the pinned uv from PyPI when PATH has none, then reuses it", async () => {
    const bin = tempDir("dhtl-nouv-");
    const python = (await run("python3", ["-c", "import sys; print(sys.executable)"])).stdout.trim();
    symlinkSync(python, join(bin, "python3"));
    const home = tempDir("dhtl-home-");
    const env = { HOME: process.env.HOME, PATH: bin, DHTL_HOME: home };
    const out = captureOutput();
    const info = await ensureUv({ out, env });
    expect(info).toEqual({
      path: join(home, `uv-${UV_PINNED_VERSION}`, "bin", "uv"),
      version: UV_PINNED_VERSION,
      bootstrapped: true,
    });
    expect(out.warnings.join("\n")).toContain(`installing uv ${UV_PINNED_VERSION} from PyPI`);
    const again = captureOutput();
    expect(await ensureUv({ out: again, env })).toEqual(info);
    expect(again.warnings).toEqual([]);
  }, 300_000);
});

describe("runUv failures name the package", () => {
  let uv: string;
  let dir: string;
  beforeAll(async () => {
    uv = (await ensureUv()).path;
    dir = tempDir();
    const result = await run(uv, ["venv", "--quiet", join(dir, ".venv")], { env: uvEnv() });
    expect(result.code).toBe(0);
  });
  const pipArgs = (...rest: string[]) => ["pip", ...rest, "--python", join(dir, ".venv", "bin", "python")];

  it("hash mismatch", async () => {
    writeFileSync(join(dir, "bad.lock"), `six==1.16.0 \\\n    --hash=sha256:${"0".repeat(64)}\n`);
    const error = await uvFailure(uv, pipArgs("sync", "bad.lock"), dir);
    expect(error.message.split("\n")[0]).toContain("hash mismatch for six");
    expect(error.hint).toBeTruthy();
  });

  it("a package that does not exist", async () => {
    const error = await uvFailure(uv, pipArgs("install", "dhtl-no-such-package-7c1e9a==1.0"), dir);
    expect(error.message.split("\n")[0]).toContain("dhtl-no-such-package-7c1e9a was not found");
  });

  it("a version that does not exist", async () => {
    const error = await uvFailure(uv, pipArgs("install", "six==99.0"), dir);
    expect(error.message.split("\n")[0]).toContain("six was not found");
  });

  it("a build failure", async () => {
    const pkg = join(dir, "broken");
    mkdirSync(pkg);
    writeFileSync(
      join(pkg, "pyproject.toml"),
      '[project]\nname = "broken-pkg"\nversion = "0.1"\n[build-system]\nrequires = []\nbuild-backend = "no_such_backend_dhtl"\n',
    );
    const error = await uvFailure(uv, pipArgs("install", "--no-cache", "./broken"), dir);
    expect(error.message.split("\n")[0]).toBe("failed to build broken-pkg");
  });

  it("a network failure, without leaking credentials", async () => {
    const env = { ...uvEnv(), UV_HTTP_RETRIES: "0" };
    const args = pipArgs(
      "install",
      "--no-cache",
      "--index-url",
      "http://user:s3cret@127.0.0.1:9/simple",
      "idna==3.6",
    );
    const error = await uvFailure(uv, args, dir, env);
    expect(error.message.split("\n")[0]).toContain("network error while fetching idna");
    expect(error.message).not.toContain("s3cret");
  });

  it("names the package when a wheel download fails mid-install", () => {
    const stderr = [
      "error: Failed to download `idna==3.7`",
      "  Caused by: Request failed after 3 retries",
      "  Caused by: error sending request for url (https://files.pythonhosted.org/packages/e5/3e/idna-3.7-py3-none-any.whl)",
      "  Caused by: tcp connect error",
    ].join("\n");
    expect(explainUvFailure(stderr)).toMatchObject({ kind: "network", package: "idna" });
  });

  it("explains nothing it does not recognise", () => {
    expect(explainUvFailure("error: something else entirely")).toBeNull();
  });
});
