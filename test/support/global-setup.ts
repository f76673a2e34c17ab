import { existsSync } from "node:fs";
import { join } from "node:path";

/** CLI tests run the bundled file; `npm test` builds it first, this guards direct `vitest` runs. */
export default function setup(): void {
  const bundle = join(import.meta.dirname, "..", "..", "dist", "dhtl.cjs");
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run \`npm run build\` before vitest`);
  }
}
