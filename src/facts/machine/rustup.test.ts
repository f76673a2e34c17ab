import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/temp-dirs.js";
import { programBehindRustupProxy } from "./rustup.js";

/** A rustup home with the given settings and toolchains (each with an executable bin/cargo), and a proxy. */
function rustupHome(settings: string, toolchains: string[]): { proxy: string; home: string } {
  const root = tempDir("dhtl-rustup-");
  const home = join(root, "rustup");
  mkdirSync(join(root, "cargo-bin"));
  // The proxy is what rustup installs: a link named after the tool, to the rustup binary.
  mkdirSync(join(root, "bin"));
  writeFileSync(join(root, "bin", "rustup"), "#!/bin/sh\n");
  chmodSync(join(root, "bin", "rustup"), 0o755);
  symlinkSync(join(root, "bin", "rustup"), join(root, "cargo-bin", "cargo"));
  mkdirSync(home);
  writeFileSync(join(home, "settings.toml"), settings);
  for (const toolchain of toolchains) {
    mkdirSync(join(home, "toolchains", toolchain, "bin"), { recursive: true });
    writeFileSync(join(home, "toolchains", toolchain, "bin", "cargo"), "#!/bin/sh\n");
    chmodSync(join(home, "toolchains", toolchain, "bin", "cargo"), 0o755);
  }
  return { proxy: join(root, "cargo-bin", "cargo"), home };
}

const STABLE = "stable-x86_64-unknown-linux-gnu";

describe("programBehindRustupProxy", () => {
  it("gives the default toolchain's own binary when nothing else can apply in /", () => {
    const { proxy, home } = rustupHome(`version = "12"\ndefault_toolchain = "${STABLE}"\n[overrides]\n`, [
      STABLE,
    ]);
    expect(programBehindRustupProxy(proxy, "cargo", { RUSTUP_HOME: home })).toBe(
      join(home, "toolchains", STABLE, "bin", "cargo"),
    );
  });

  it("finds the host's toolchain for a short name only when one alone matches", () => {
    const one = rustupHome(`default_toolchain = "stable"\n`, [STABLE]);
    expect(programBehindRustupProxy(one.proxy, "cargo", { RUSTUP_HOME: one.home })).toBe(
      join(one.home, "toolchains", STABLE, "bin", "cargo"),
    );
    const two = rustupHome(`default_toolchain = "stable"\n`, [STABLE, "stable-aarch64-unknown-linux-gnu"]);
    expect(programBehindRustupProxy(two.proxy, "cargo", { RUSTUP_HOME: two.home })).toBeNull();
  });

  it("leaves the choice to the proxy when RUSTUP_TOOLCHAIN or an override for / may apply", () => {
    const { proxy, home } = rustupHome(`default_toolchain = "${STABLE}"\n[overrides]\n"/" = "nightly"\n`, [
      STABLE,
    ]);
    expect(programBehindRustupProxy(proxy, "cargo", { RUSTUP_HOME: home })).toBeNull();
    const plain = rustupHome(`default_toolchain = "${STABLE}"\n`, [STABLE]);
    expect(
      programBehindRustupProxy(plain.proxy, "cargo", {
        RUSTUP_HOME: plain.home,
        RUSTUP_TOOLCHAIN: "nightly",
      }),
    ).toBeNull();
  });

  it("is null for a program that is not a rustup proxy, or a toolchain without the tool", () => {
    const { proxy, home } = rustupHome(`default_toolchain = "${STABLE}"\n`, [STABLE]);
    expect(programBehindRustupProxy(join(home, "settings.toml"), "cargo", { RUSTUP_HOME: home })).toBeNull();
    expect(programBehindRustupProxy(proxy, "rustc", { RUSTUP_HOME: home })).toBeNull();
  });

  const realProxy = join(homedir(), ".cargo", "bin", "cargo");
  it.skipIf(!existsSync(realProxy))("answers what this machine's proxy answers, when it resolves one", () => {
    const program = programBehindRustupProxy(realProxy, "cargo", process.env);
    if (program === null) return; // an override or RUSTUP_TOOLCHAIN here: the proxy keeps the choice
    const run = (file: string) => execFileSync(file, ["--version"], { cwd: "/", encoding: "utf8" });
    expect(run(program)).toBe(run(realProxy));
  });
});
