import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  collectMachineFacts,
  distributionFromOsRelease,
  findTool,
  installedScriptVersion,
  nodePackageVersion,
  parseOsRelease,
  versionIn,
  which,
} from "./machine.js";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dhtl-machine-"));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function script(dir: string, name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

describe("collectMachineFacts on this machine", () => {
  it("reports platform, distribution, interpreters and tools with the versions they print", async () => {
    const facts = await collectMachineFacts();

    expect(facts.platform.key).toBe(`${facts.platform.os}-${facts.platform.arch}`);
    if (process.platform === "linux") {
      expect(facts.platform.os).toBe("linux");
      const osRelease = parseOsRelease(readFileSync("/etc/os-release", "utf8"));
      expect(facts.distribution?.id).toBe(osRelease.ID);
    }
    if (process.arch === "x64") expect(facts.platform.arch).toBe("x86_64");

    expect(facts.interpreters.map((interpreter) => interpreter.version)).toContain("3.12.1");
    expect(findTool(facts, "node")?.version).toBe(process.versions.node);
    const gitVersion = execFileSync("git", ["--version"], { encoding: "utf8" });
    expect(gitVersion).toContain(findTool(facts, "git")!.version!);
    expect(findTool(facts, "uv")?.version).toMatch(/^\d+\.\d+\.\d+$/);
    const names = Object.keys(facts.devTools);
    expect(names).toEqual([...names].sort());
    expect(facts.devTools.git?.name).toBe("git");
  });
});

describe("collectMachineFacts with a controlled PATH", () => {
  it("lists tools that answer, drops the missing and the failing, keeps a hanging one without version", async () => {
    const home = tempDir();
    const bin = join(home, "bin");
    mkdirSync(bin);
    script(bin, "poetry", 'echo "Poetry (version 1.8.2)"');
    script(bin, "pip3", 'echo "pip 24.0 from /somewhere (python 3.12)"');
    script(bin, "brew", 'echo "pyenv: brew: command not found" >&2; exit 127');
    script(bin, "cmake", "exec /bin/sleep 10");
    script(bin, "gcc", 'echo "gcc (Debian 12.2.0-14+deb12u1) 12.2.0"');
    mkdirSync(join(home, ".nvm"));
    writeFileSync(join(home, ".nvm", "nvm.sh"), "# nvm\n");
    writeFileSync(join(home, ".nvm", "package.json"), '{"name":"nvm","version":"0.39.7"}\n');

    const started = Date.now();
    const facts = await collectMachineFacts({
      env: { HOME: home, PATH: bin, PYENV_ROOT: join(home, "none") },
      timeoutMs: 800,
    });
    expect(Date.now() - started).toBeLessThan(4000);

    expect(facts.interpreters).toEqual([]);
    expect(facts.pythonPackageManagers).toEqual({
      pip: { name: "pip", version: "24.0", path: join(bin, "pip3") },
      poetry: { name: "poetry", version: "1.8.2", path: join(bin, "poetry") },
    });
    expect(facts.systemPackageManagers).toEqual({});
    expect(facts.devTools).toEqual({
      cmake: { name: "cmake", version: null, path: join(bin, "cmake") },
      gcc: { name: "gcc", version: "12.2.0", path: join(bin, "gcc") },
      nvm: { name: "nvm", version: "0.39.7", path: join(home, ".nvm") },
    });
  });
});

describe("collectMachineFacts and pyenv shims", () => {
  it("reports the program a shim would run, and nothing for a shim the active version lacks", async () => {
    const pyenvRoot = process.env.PYENV_ROOT || join(homedir(), ".pyenv");
    const home = tempDir();
    const facts = await collectMachineFacts({
      env: {
        HOME: home,
        PYENV_ROOT: pyenvRoot,
        PYENV_VERSION: "3.12.1",
        // pyenv itself is a bash program: /usr/bin and /bin stay on PATH.
        PATH: [join(pyenvRoot, "shims"), join(pyenvRoot, "bin"), "/usr/bin", "/bin"].join(":"),
      },
    });
    expect(facts.pythonPackageManagers.pip?.path).toBe(join(pyenvRoot, "versions", "3.12.1", "bin", "pip"));
    expect(facts.pythonPackageManagers.pip?.version).toMatch(/^\d+\.\d+/);
    // 3.12.1 has no uv of its own: the uv shim would fail there.
    expect(facts.pythonPackageManagers.uv).toBeUndefined();
    const pyenvOnPath = facts.interpreters.filter((i) => i.onPath && i.source === "pyenv");
    expect(pyenvOnPath.map((i) => i.version)).toEqual(["3.12.1"]);
  });
});

describe("parsing helpers", () => {
  it("reads os-release with quotes, escapes and comments", () => {
    const fields = parseOsRelease(
      '# comment\nNAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu \\"Jammy\\""\n',
    );
    expect(distributionFromOsRelease(fields)).toEqual({
      id: "ubuntu",
      versionId: "22.04",
      idLike: ["debian"],
      name: 'Ubuntu "Jammy"',
    });
    expect(distributionFromOsRelease(parseOsRelease("NAME=nothing\n"))).toBeNull();
  });

  it.each([
    ["gcc (Debian 12.2.0-14+deb12u1) 12.2.0", "12.2.0"],
    ["go version go1.22.1 linux/amd64", "1.22.1"],
    ["PDM, version 2.12.4", "2.12.4"],
    ["v20.20.2", "20.20.2"],
    ["Docker version 28.2.2, build e6534b4", "28.2.2"],
    ["\nmamba 1.5.8\nconda 24.1.2", "1.5.8"],
    ["no digits here", null],
  ])("versionIn(%j)", (output, expected) => {
    expect(versionIn(output)).toBe(expected);
  });

  it("reads a console script's version from its environment's dist-info, without running it", () => {
    const prefix = tempDir();
    const site = join(prefix, "lib", "python3.12", "site-packages");
    mkdirSync(join(site, "poetry-1.8.2.dist-info"), { recursive: true });
    mkdirSync(join(site, "poetry_core-1.9.0.dist-info"), { recursive: true });
    mkdirSync(join(prefix, "bin"));
    const shebang = `#!${join(prefix, "bin", "python3.12")}\n`;
    writeFileSync(join(prefix, "bin", "poetry"), `${shebang}import sys\n`);
    writeFileSync(join(prefix, "bin", "trampoline"), "#!/bin/sh\nexec python -m poetry\n");
    expect(installedScriptVersion(join(prefix, "bin", "poetry"), "poetry")).toBe("1.8.2");
    expect(installedScriptVersion(join(prefix, "bin", "poetry"), "poetry-core")).toBe("1.9.0");
    expect(installedScriptVersion(join(prefix, "bin", "trampoline"), "poetry")).toBeNull();
    mkdirSync(join(site, "poetry-1.7.0.dist-info"));
    expect(installedScriptVersion(join(prefix, "bin", "poetry"), "poetry")).toBeNull();
  });

  it("agrees with what the real pip prints", () => {
    const pip = join(process.env.PYENV_ROOT || join(homedir(), ".pyenv"), "versions", "3.12.1", "bin", "pip");
    const printed = execFileSync(pip, ["--version"], { encoding: "utf8" });
    expect(printed.startsWith(`pip ${installedScriptVersion(pip, "pip")} `)).toBe(true);
  });

  it("reads a Node tool's version from its package.json, as the tool prints it", () => {
    const npm = which("npm");
    if (!npm) throw new Error("npm is not on PATH");
    const printed = execFileSync(npm, ["--version"], { encoding: "utf8" }).trim();
    expect(nodePackageVersion(npm, "npm")).toBe(printed);
    expect(nodePackageVersion(npm, "yarn")).toBeNull();
  });

  it("finds executables on PATH without a shell", () => {
    const dir = tempDir();
    script(dir, "mytool", "exit 0");
    writeFileSync(join(dir, "notexec"), "x");
    expect(which("mytool", { PATH: dir })).toBe(join(dir, "mytool"));
    expect(which("notexec", { PATH: dir })).toBeNull();
    expect(which("mytool", { PATH: "" })).toBeNull();
  });
});

describe("probes that start nothing", () => {
  it("answers a native tool's version from the probe cache once it ran, until the binary changes", async () => {
    const make = which("make", process.env);
    if (!make) return;
    const home = tempDir();
    const env = { HOME: home, DHTL_HOME: join(home, "dhtl"), PATH: "/usr/bin:/bin" };
    const first = await collectMachineFacts({ env });
    const cacheFile = join(home, "dhtl", "cache", "tools.json");
    const cache = JSON.parse(readFileSync(cacheFile, "utf8")) as {
      entries: Record<string, { output: string }>;
    };
    const entry = Object.values(cache.entries).find((e) => e.output === first.devTools.make?.version);
    expect(entry).toBeDefined();
    // A remembered answer is used as is: proof that no process was asked.
    for (const value of Object.values(cache.entries)) value.output = "99.0.0";
    writeFileSync(cacheFile, JSON.stringify(cache));
    const second = await collectMachineFacts({ env });
    expect(second.devTools.make?.version).toBe("99.0.0");
  });

  it("reads pyenv's version from its files, and asks pyenv itself when hooks could change the answer", async () => {
    const root = tempDir();
    mkdirSync(join(root, "bin"));
    mkdirSync(join(root, "libexec"));
    script(join(root, "bin"), "pyenv", 'echo "3.9.1:hooked"');
    writeFileSync(join(root, "libexec", "pyenv---version"), 'version="2.4.7"\n');
    writeFileSync(join(root, "version"), "# global\n3.11.2\nsystem\n");
    const { pyenvActiveVersions } = await import("../python/discover.js");
    const project = tempDir();
    expect(await pyenvActiveVersions({ PYENV_ROOT: root, PYENV_DIR: project }, root)).toEqual(["3.11.2"]);
    writeFileSync(join(project, ".python-version"), "3.12.1 ignored\n3.10.4\n../../escape\n");
    expect(await pyenvActiveVersions({ PYENV_ROOT: root, PYENV_DIR: project }, root)).toEqual([
      "3.12.1",
      "3.10.4",
    ]);
    expect(await pyenvActiveVersions({ PYENV_ROOT: root, PYENV_VERSION: "3.13.0" }, root)).toEqual([
      "3.13.0",
    ]);
    mkdirSync(join(root, "pyenv.d", "version-name"), { recursive: true });
    expect(await pyenvActiveVersions({ PYENV_ROOT: root, PATH: "/usr/bin:/bin" }, root)).toEqual([
      "3.9.1",
      "hooked",
    ]);
  });
});
