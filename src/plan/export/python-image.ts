/**
 * The official Python image for an exact CPython version. The `-slim-<debian>` variants are the smallest
 * Debian (apt) images; which Debian release a patch version was published on depends on its date, so the
 * first patch of each minor built on bookworm (Docker's switch, June 2023) decides.
 */
import { DhtlError } from "../../core/errors.js";

/** The first patch release of each minor that the official images publish on Debian 12 (bookworm). */
const FIRST_ON_BOOKWORM: Record<string, number> = {
  "3.7": 17,
  "3.8": 17,
  "3.9": 17,
  "3.10": 12,
  "3.11": 4,
};

/** `3.12.1` → `python:3.12.1-slim-bookworm`; an older patch → its `-slim-bullseye` image. */
export function officialPythonImage(version: string): { image: string; debian: "bookworm" | "bullseye" } {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) {
    throw new DhtlError("badInput", `Python ${JSON.stringify(version)} is not an exact final release`, {
      file: ".dhtconfig",
      hint: "container images exist for final releases (3.12.1); run `dhtl setup` with one, or pass --base-image",
    });
  }
  const [, major, minor, patch] = match.map(Number) as [number, number, number, number];
  const minorKey = `${major}.${minor}`;
  if (major !== 3 || minor < 7) {
    throw new DhtlError(
      "badInput",
      `no official slim Debian image carries Python ${version} with apt and uv`,
      {
        hint: "pass --base-image with a Debian-based image that has this Python",
      },
    );
  }
  const first = FIRST_ON_BOOKWORM[minorKey];
  const debian = first !== undefined && patch < first ? "bullseye" : "bookworm";
  return { image: `python:${version}-slim-${debian}`, debian };
}

/** An image reference a Dockerfile's FROM takes as one word: registry/name:tag[@sha256:…], nothing else. */
const IMAGE_REFERENCE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** Checks a `--base-image`: one well-formed reference to a Debian-based image (dhtl writes apt commands). */
export function checkBaseImage(image: string): string {
  if (!IMAGE_REFERENCE.test(image)) {
    throw new DhtlError("badInput", `--base-image ${JSON.stringify(image)} is not an image reference`, {
      hint: "give one like python:3.12.1-slim-bookworm or registry.example.com/team/python:3.12.1",
    });
  }
  // Names of other distributions as words of the reference (`python:3.12-alpine3.20`), not inside others.
  if (
    /(^|[/:._-])(alpine|distroless|ubi|fedora|centos|rockylinux|almalinux|archlinux|opensuse|wolfi)(?=$|[/:._\d-])/i.test(
      image,
    )
  ) {
    throw new DhtlError(
      "badInput",
      `--base-image ${image}: dhtl writes apt commands, for Debian-based images only`,
      {
        hint: "use a Debian or Ubuntu based image, such as the official python:X.Y.Z-slim-bookworm",
      },
    );
  }
  return image;
}
