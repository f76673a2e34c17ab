import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * Real container builds of exported Dockerfiles with buildah (Debian's package; no daemon, chroot
 * isolation, vfs storage), as root. The official `python:X.Y.Z-slim-bookworm` images live on Docker Hub,
 * which this machine cannot reach, so the base is a local stand-in made the way that image is made:
 * Debian bookworm (debootstrap, from Debian's own mirror) with CPython X.Y.Z under /usr/local (the
 * machine's pyenv build of that exact version), plus the machine's CA certificates, as a company's base
 * image carries its proxy's. Everything the Dockerfile itself does — apt, uv from PyPI, the lock, the
 * user, the layers — runs for real.
 */
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "dhtl-ci", "containers");
let storage: string[] | null = null;

/**
 * buildah's storage options: the tests' own store in the CI cache, apart from the machine's; overlay where
 * the kernel lets buildah mount it (a build takes seconds), else vfs (which copies every layer: minutes).
 */
function storageOptions(): string[] {
  if (storage) return storage;
  const options = (driver: string) => [
    "--root",
    join(CACHE, `storage-${driver}`),
    "--runroot",
    join(CACHE, `run-${driver}`),
    "--storage-driver",
    driver,
  ];
  const probe = run("buildah", [...options("overlay"), "from", "scratch"]);
  if (probe.code === 0) run("buildah", [...options("overlay"), "rm", probe.output.trim().split("\n").pop()!]);
  storage = options(probe.code === 0 ? "overlay" : "vfs");
  return storage;
}
const ROOTFS_TAR = join(CACHE, "bookworm-minbase.tar");
const MIRROR = "http://deb.debian.org/debian";
/** What the official slim images add to a minimal Debian for CPython's extension modules and TLS. */
const BASE_PACKAGES = [
  "ca-certificates",
  "netbase",
  "tzdata",
  "libssl3",
  "libffi8",
  "libsqlite3-0",
  "libbz2-1.0",
  "liblzma5",
  "zlib1g",
  "libreadline8",
  "libncursesw6",
  "libuuid1",
  "libexpat1",
];

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Why container builds cannot run here, or null when they can. */
export function containerBuildsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "container builds need root (buildah's chroot isolation)";
  for (const tool of ["buildah", "debootstrap", "chroot"]) {
    if (!which(tool)) return `${tool} is not installed (.ci/run installs it from Debian)`;
  }
  return null;
}

export interface RunResult {
  code: number;
  output: string;
}

function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    code: result.status ?? -1,
    output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ?? ""}`,
  };
}

function checked(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): string {
  const result = run(command, args, options);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.output.slice(-4000)}`);
  return result.output;
}

/** Runs argv inside a root file system with a clean environment (the test run's TMPDIR does not exist there). */
function inChroot(dir: string, argv: string[]): string {
  const env = [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/root",
    "LANG=C.UTF-8",
  ];
  return checked("chroot", [dir, "/usr/bin/env", "-i", ...env, ...argv], { timeoutMs: 900_000 });
}

/** buildah with the tests' own storage (kept in the CI cache, apart from the machine's). */
export function buildah(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): RunResult {
  return run("buildah", [...storageOptions(), ...args], options);
}

/** Debian bookworm, minimal, with the base packages: made once, kept as a tarball in the cache. */
function bookwormRootfs(): string {
  if (existsSync(ROOTFS_TAR)) return ROOTFS_TAR;
  mkdirSync(CACHE, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "dhtl-bookworm-"));
  try {
    checked("debootstrap", ["--variant=minbase", "bookworm", dir, MIRROR], { timeoutMs: 900_000 });
    checked("cp", ["/etc/resolv.conf", join(dir, "etc", "resolv.conf")]);
    inChroot(dir, [
      "/bin/sh",
      "-c",
      `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends ${BASE_PACKAGES.join(" ")} && apt-get clean && rm -rf /var/lib/apt/lists/*`,
    ]);
    const staged = `${ROOTFS_TAR}.${process.pid}.tmp`;
    checked("tar", ["-C", dir, "-cf", staged, "."]);
    renameSync(staged, ROOTFS_TAR);
    return ROOTFS_TAR;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stand-in for `python:<version>-slim-bookworm`; null when the machine has no pyenv build of it. */
export function pythonBaseImage(version: string): string | null {
  const image = `docker.io/library/python:${version}-slim-bookworm`;
  if (buildah(["inspect", "--type", "image", image]).code === 0) return image;
  const python = join(homedir(), ".pyenv", "versions", version);
  if (!existsSync(join(python, "bin", "python3"))) return null;
  const tar = bookwormRootfs();
  const container = checked("buildah", [...storageOptions(), "from", "scratch"])
    .trim()
    .split("\n")
    .pop()!;
  try {
    const mount = checked("buildah", [...storageOptions(), "mount", container])
      .trim()
      .split("\n")
      .pop()!;
    checked("tar", ["-C", mount, "-xf", tar]);
    checked("cp", ["-a", `${python}/.`, join(mount, "usr", "local")]);
    const certs = "/usr/local/share/ca-certificates";
    for (const cert of existsSync(certs) ? readdirSync(certs).filter((f) => f.endsWith(".crt")) : [])
      checked("cp", [join(certs, cert), join(mount, certs)]);
    inChroot(mount, ["/usr/sbin/update-ca-certificates"]);
    inChroot(mount, ["/sbin/ldconfig"]);
    checked("buildah", [...storageOptions(), "umount", container]);
    checked("buildah", [
      ...storageOptions(),
      "config",
      "--env",
      "PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
      "--env",
      "LANG=C.UTF-8",
      "--env",
      "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
      "--cmd",
      "python3",
      container,
    ]);
    checked("buildah", [...storageOptions(), "commit", "--quiet", container, image]);
  } finally {
    run("buildah", [...storageOptions(), "rm", container]);
  }
  return image;
}
