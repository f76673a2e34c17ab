import { describe, expect, it } from "vitest";
import { DhtlError } from "../../core/errors.js";
import { run } from "../../core/exec.js";
import { installPackages } from "../../run/system-packages.js";
import { which } from "../machine.js";
import {
  ADAPTERS,
  detectSystemPackageManager,
  formatCommand,
  installCommand,
  isRoot,
  missingPackages,
} from "./index.js";

const onDebian = which("dpkg-query") !== null && which("apt-get") !== null;

describe("installCommand", () => {
  it("prepends sudo only when not root", () => {
    expect(installCommand("dnf", ["libpq-devel", "gcc"], { root: true })).toEqual([
      ["dnf", "install", "-y", "--", "gcc", "libpq-devel"],
    ]);
    expect(installCommand("pacman", ["postgresql-libs"], { root: false })).toEqual([
      ["sudo", "pacman", "-S", "--needed", "--noconfirm", "--", "postgresql-libs"],
    ]);
  });

  it("updates apt's lists before installing, non-interactively", () => {
    const commands = installCommand("apt", ["libpq-dev", "libpq-dev"], { root: false });
    expect(commands.map(formatCommand)).toEqual([
      "sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update",
      "sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends -- libpq-dev",
    ]);
  });

  it("never gives Homebrew sudo", () => {
    expect(installCommand("brew", ["libpq", "openssl@3"], { root: false })).toEqual([
      ["brew", "install", "--formula", "--", "libpq", "openssl@3"],
    ]);
  });

  it("has one adapter per manager, each with an install command", () => {
    for (const [name, adapter] of Object.entries(ADAPTERS)) {
      expect(adapter.name).toBe(name);
      expect(installCommand(adapter.name, ["zlib"], { root: true }).at(-1)?.at(-1)).toBe("zlib");
    }
  });

  it.each([
    ["apt", "libpq-dev; rm -rf /"],
    ["apt", "-o"],
    ["dnf", "gcc && id"],
    ["brew", "--HEAD"],
    ["apk", "a b"],
  ] as const)("refuses %s name %j before running anything", (manager, name) => {
    expect(() => installCommand(manager, ["zlib1g", name], { root: true })).toThrow(DhtlError);
    try {
      installCommand(manager, [name], { root: true });
    } catch (error) {
      expect((error as DhtlError).code).toBe("badInput");
    }
  });
});

describe("formatCommand", () => {
  it("quotes what a shell would misread", () => {
    expect(formatCommand(["echo", "a b", "it's", "x;y", "plain-1.0"])).toBe(
      `echo 'a b' 'it'\\''s' 'x;y' plain-1.0`,
    );
  });
});

describe.skipIf(!onDebian)("on this Debian machine", () => {
  it("detects apt", () => {
    expect(detectSystemPackageManager()).toBe("apt");
    expect(detectSystemPackageManager({ PATH: "" })).toBeNull();
  });

  it("asks dpkg-query which packages are missing", async () => {
    expect(await missingPackages("apt", ["dpkg", "coreutils", "dhtl-no-such-package", "dpkg"])).toEqual([
      "dhtl-no-such-package",
    ]);
    expect(await missingPackages("apt", [])).toEqual([]);
  });

  it("refuses to install without consent, naming the command", async () => {
    const attempt = installPackages("apt", ["dhtl-no-such-package"], { consent: false, root: true });
    await expect(attempt).rejects.toMatchObject({
      code: "refused",
      hint: expect.stringContaining(
        "apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends -- dhtl-no-such-package",
      ),
    });
  });

  it("does nothing when nothing is missing", async () => {
    expect(await installPackages("apt", ["dpkg"], { consent: false })).toEqual({
      installed: [],
      commands: [],
    });
  });

  // A real install of Debian's tiny `hello` package (root only; removed first so the install really runs).
  it.skipIf(!isRoot())(
    "installs a missing package with consent",
    async () => {
      await run("dpkg", ["-r", "hello"], { timeoutMs: 120_000 });
      expect(await missingPackages("apt", ["hello"])).toEqual(["hello"]);
      const ran: string[] = [];
      const result = await installPackages("apt", ["hello", "dpkg"], {
        consent: true,
        onCommand: (argv) => ran.push(formatCommand(argv)),
      });
      expect(result.installed).toEqual(["hello"]);
      expect(ran).toHaveLength(2);
      expect(await missingPackages("apt", ["hello"])).toEqual([]);
      const hello = await run("hello", []);
      expect(hello.stdout.trim()).toBe("Hello, world!");
    },
    300_000,
  );
});
