import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runChecked } from "../../core/exec.js";

const repo = join(import.meta.dirname, "..", "..", "..");
const fixtures = join(repo, "test", "fixtures", "mapping");
const dir = mkdtempSync(join(tmpdir(), "dhtl-import-map-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real generator on a tiny Contents/Packages pair (no network: --no-wheels). */
async function generate(output: string): Promise<string> {
  await runChecked("python3", [
    join(repo, "scripts", "build-import-map.py"),
    "--contents",
    join(fixtures, "Contents-fixture"),
    "--packages",
    join(fixtures, "Packages-fixture"),
    "--no-wheels",
    "--output",
    output,
  ]);
  return readFileSync(output, "utf8");
}

const SECRET_MANAGER = "debian:python3-google-cloud-secret-manager";

describe("scripts/build-import-map.py", () => {
  it("pairs imports with distributions per Debian package", async () => {
    const text = await generate(join(dir, "a.json"));
    const map = JSON.parse(text) as { namespaces: string[]; imports: Record<string, [string, string][]> };
    expect(map.imports).toEqual({
      _yaml: [["PyYAML", "debian:python3-yaml"]],
      yaml: [["PyYAML", "debian:python3-yaml"]],
      // attrs has a differing import, so its same-name one is kept for the reverse lookup.
      attr: [["attrs", "debian:python3-attr"]],
      attrs: [["attrs", "debian:python3-attr"]],
      // python3-bson has no metadata of its own: its source package builds only pymongo.
      bson: [["pymongo", "debian:python3-bson"]],
      pymongo: [["pymongo", "debian:python3-pymongo"]],
      "google.auth": [["google-auth", "debian:python3-google-auth"]],
      "google.oauth2": [["google-auth", "debian:python3-google-auth"]],
      "google.protobuf": [["protobuf", "debian:python3-protobuf"]],
      // Versions of one API stay apart in the namespace other distributions share (google.cloud) …
      "google.cloud.secretmanager": [["google-cloud-secret-manager", SECRET_MANAGER]],
      "google.cloud.secretmanager_v1": [["google-cloud-secret-manager", SECRET_MANAGER]],
      "google.cloud.secretmanager_v1beta1": [["google-cloud-secret-manager", SECRET_MANAGER]],
      "google.cloud.secretmanager_v1beta2": [["google-cloud-secret-manager", SECRET_MANAGER]],
      // … while one distribution's many packages under one name are that name.
      ansible_collections: [["ansible", "debian:ansible"]],
    });
    // Not there: same-name pairs (requests, twisted), shipped test suites, plugins dropped into twisted/.
    expect(map.namespaces).toEqual(["google", "google.cloud"]);
  });

  it("writes the same bytes every time", async () => {
    expect(await generate(join(dir, "b.json"))).toBe(await generate(join(dir, "c.json")));
  });
});
