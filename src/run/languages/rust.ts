import { run } from "../../core/exec.js";
import type { ComponentInstall, InstallOutcome, LanguageAdapter } from "./types.js";

/**
 * Rust uses the machine's toolchain (rustup/cargo): no maintained wheel ships cargo. dhtl only checks it is
 * there: `cargo build` fetches the crates Cargo.lock pins on its own, and crates.io may be out of reach.
 */
export const rustAdapter: LanguageAdapter = {
  language: "rust",
  installDependencies: checkCargo,
};

async function checkCargo(component: ComponentInstall): Promise<InstallOutcome> {
  const where = component.dir === "." ? "the project root" : `${component.dir}/`;
  const result = await run("cargo", ["--version"], { cwd: component.root, timeoutMs: 30_000 });
  if (result.notFound || result.code !== 0) {
    return {
      outcome: "cargo not found",
      warning:
        `${where} is a Rust component but cargo is not installed: install Rust with rustup ` +
        "(https://rustup.rs), then run `cargo build` there; the Python environment is ready",
    };
  }
  return { outcome: `${result.stdout.trim()} found; \`cargo build\` in ${where} fetches the locked crates` };
}
