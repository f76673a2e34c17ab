/** `dhtl export`: which files each target writes, rendered from the export inputs alone (pure). */
import { renderWorkflow } from "./ci.js";
import { renderDevcontainerDockerfile, renderDevcontainerJson } from "./devcontainer.js";
import { renderDockerfile, renderDockerignore } from "./dockerfile.js";
import type { ExportInputs, ExportRendering, ExportTarget } from "./types.js";

export type { ExportFile, ExportInputs, ExportRendering, ExportTarget } from "./types.js";
export { EXPORT_TARGETS } from "./types.js";

export function renderExport(target: ExportTarget, inputs: ExportInputs): ExportRendering {
  const notes = commonNotes(inputs);
  switch (target) {
    case "docker":
      return {
        files: [renderDockerfile(inputs), renderDockerignore()],
        notes: [
          ...notes,
          `the image runs ${inputs.command ? `\`${inputs.command}\` (the project's console script)` : "`python`"} by default; build with \`docker build -t ${inputs.name} .\``,
        ],
      };
    case "devcontainer":
      return {
        files: [renderDevcontainerJson(inputs), renderDevcontainerDockerfile(inputs)],
        notes: [
          ...notes,
          `the container installs dhtl ${inputs.dhtlVersion} from PyPI and runs \`dhtl regenerate\` once created`,
        ],
      };
    case "ci":
      return {
        files: [renderWorkflow(inputs)],
        notes: [
          ...notes,
          `tests run with ${inputs.testRunner.kind} (${inputs.testRunner.evidence}); dhtl ${inputs.dhtlVersion} comes from PyPI through uvx`,
        ],
      };
  }
}

function commonNotes(inputs: ExportInputs): string[] {
  const notes: string[] = [];
  if (inputs.lock.kind === "requirements" && inputs.packages.build.length > 0) {
    notes.push(
      `a hashed requirements lock names no wheel files, so the build packages (${inputs.packages.build.join(", ")}) are installed in case a distribution builds from source`,
    );
  }
  return notes;
}
