import { paint } from "../core/output.js";
import type { MachineFacts } from "../facts/machine.js";
import type { Facts } from "../facts/types.js";
import type { UserFacts } from "../facts/user.js";

/** The `--json` shape of `dhtl analyze`: Facts minus the raw per-manifest dump (kept small and stable). */
export function factsToJson(facts: Facts): Record<string, unknown> {
  const { manifests, ...project } = facts.project;
  return {
    ...facts,
    project: { ...project, manifests: manifests.map((m) => ({ file: m.file, kind: m.kind })) },
  };
}

const MAX_LIST = 8;

function list(items: string[], max = MAX_LIST): string {
  if (items.length === 0) return "none";
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} … (+${items.length - max} more)` : shown;
}

/** Short sections for people; everything else is in --json. */
export function renderFacts(facts: Facts, color: boolean): string[] {
  const head = (label: string) => paint(color, "bold", label.padEnd(14));
  const dim = (text: string) => paint(color, "dim", text);
  const p = facts.project;
  const lines: string[] = [];
  const title = [p.name ?? "(unnamed)", p.version].filter(Boolean).join(" ");
  lines.push(`${head("Project")}${title} ${dim(facts.root)}`);
  lines.push(
    `${head("  manager")}${p.packageManager ?? "none detected"}${p.isPackage ? " · installable package" : ""}`,
  );
  lines.push(`${head("  files")}${list(p.sources.map((s) => `${s.file} (${s.kind})`))}`);
  const groups = Object.entries(p.dependencyGroups).map(([g, deps]) => `${g}(${deps.length})`);
  const extras = Object.entries(p.optionalDependencies).map(([g, deps]) => `${g}(${deps.length})`);
  lines.push(
    `${head("  deps")}${p.dependencies.length} main${extras.length ? ` · extras ${extras.join(", ")}` : ""}${groups.length ? ` · groups ${groups.join(", ")}` : ""}`,
  );

  const chosen = facts.python.chosen;
  lines.push(
    `${head("Python")}${chosen ? `${chosen.value} ${dim(`— ${chosen.reason}`)}` : "no version stated by the project"}`,
  );
  const interpreter = facts.python.interpreter;
  if (interpreter)
    lines.push(
      `${head("  uses")}${interpreter.version ?? "none installed"} ${dim(`— ${interpreter.reason}`)}`,
    );
  for (const conflict of facts.python.conflicts)
    lines.push(`${head("")}${paint(color, "yellow", `! ${conflict}`)}`);

  const best = facts.type.candidates[0];
  lines.push(
    `${head("Type")}${facts.type.name}${best && best.name === facts.type.name ? ` ${dim(`(score ${best.score}: ${list(best.evidence, 3)})`)}` : ""}`,
  );

  const im = facts.imports;
  lines.push(
    im
      ? `${head("Imports")}${im.filesScanned} files · ${im.thirdParty.length} third-party · ${im.local.length} local · ${im.stdlib.length} stdlib`
      : `${head("Imports")}${dim("not scanned")}`,
  );
  const inf = facts.inferred;
  if (inf?.undeclared.length) {
    lines.push(
      `${head("  undeclared")}${paint(color, "yellow", list(inf.undeclared.map((u) => `${u.import} → ${u.candidates[0] ?? "?"}`)))}`,
    );
  }
  if (inf?.undeclaredOptional.length)
    lines.push(`${head("  optional")}${list(inf.undeclaredOptional.map((u) => u.import))}`);
  if (inf?.undeclaredTooling.length)
    lines.push(
      `${head("  tooling")}${list(inf.undeclaredTooling.map((u) => `${u.import} (${(u.roles ?? []).join(", ")})`))}`,
    );
  if (inf?.notImportable.length)
    lines.push(
      `${head("  unresolved")}${list(inf.notImportable.map((u) => `${u.import} (only ${u.module})`))}`,
    );
  if (inf?.unused.length) lines.push(`${head("  unused")}${list(inf.unused)}`);
  if (inf?.unusedUncertain.length)
    lines.push(`${head("  unused?")}${list(inf.unusedUncertain.map((u) => `${u.name} (${u.reason})`))}`);

  if (facts.systemDependencies.length) {
    lines.push(
      `${head("System deps")}${list(facts.systemDependencies.map((d) => `${d.manager}:${d.name} (${d.phase}, ${d.because})`))}`,
    );
  }
  if (facts.subprojects?.length) {
    lines.push(
      `${head("Subprojects")}${list(facts.subprojects.map((s) => `${s.dir}/${s.name ? ` (${s.name})` : ""}${s.kind === "workspace-member" ? " · workspace member" : ""}`))}`,
    );
  }
  if (facts.components?.length) {
    lines.push(
      `${head("Components")}${list(facts.components.map((c) => `${c.language} (${c.dir === "." ? "./" : `${c.dir}/`}${c.version ? `, ${c.version.value} from ${c.version.file}` : ""})`))}`,
    );
  }
  lines.push(...renderMachine(facts.system, head));
  lines.push(...renderUser(facts.user, head));
  const notes = facts.diagnostics.filter((d) => d.severity !== "error");
  if (notes.length) {
    lines.push(head("Notes"));
    for (const d of notes.slice(0, 12)) {
      lines.push(`  ${d.severity}: ${d.file}${d.line ? `:${d.line}` : ""}: ${d.message}`);
    }
    if (notes.length > 12) lines.push(dim(`  … ${notes.length - 12} more in --json`));
  }
  return lines;
}

function renderMachine(system: MachineFacts | null, head: (label: string) => string): string[] {
  if (!system) return [];
  const interpreters = system.interpreters.map((i) => `${i.version} (${i.source})`);
  const managers = Object.keys(system.systemPackageManagers);
  const tools = ["uv", "poetry", "pipenv", "conda"].filter((name) => name in system.pythonPackageManagers);
  return [
    `${head("Machine")}${system.platform.key}${system.distribution ? ` ${system.distribution.id} ${system.distribution.versionId ?? ""}`.trimEnd() : ""} · system packages: ${list(managers)}`,
    `${head("  python")}${list(interpreters, 6)}`,
    `${head("  tools")}${list(tools)}`,
  ];
}

function renderUser(user: UserFacts | null, head: (label: string) => string): string[] {
  if (!user) return [];
  const who = [user.git.userName, user.git.userEmail && `<${user.git.userEmail}>`].filter(Boolean).join(" ");
  const index = user.uv.indexUrl ?? user.pip.indexUrl ?? "PyPI";
  return [`${head("User")}${who || "no git identity"} · index ${index} · shell ${user.shell ?? "unknown"}`];
}
