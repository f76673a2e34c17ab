/**
 * Distributions a project declares and really uses without importing them. Reporting them as "unused"
 * would tell the user to delete something that works. The facts come from metadata (the installed
 * environment's dist-info, else the table built from real wheels, see dist-metadata.ts) and from the
 * project's own files (usage-evidence.ts):
 * - a plugin of a host program the project uses (an entry point in `pytest11`, `flake8.extension`;
 *   for hosts that load plugins only by name — Sphinx, MkDocs, Pylint — the name must be configured);
 * - a command the project runs (a console script named in a Procfile, Dockerfile, Makefile, CI workflow,
 *   tox/nox task, pre-commit hook …) or a module its configuration names (INSTALLED_APPS, mypy plugins);
 * - a developer tool: a development group's distribution that provides a command;
 * - a stub distribution for a module the code imports;
 * - an optional backend of a library the project uses (one of that library's extras: pandas[excel] →
 *   openpyxl, uvicorn[standard] → uvloop);
 * and a few facts no metadata states, each with its reason (database drivers chosen by a connection URL,
 * notebook kernels, the time-zone database).
 */

import { normalizeName } from "../../pep/names.js";
import { specifierAllows } from "../../pep/pep440.js";
import { tryParseRequirement } from "../../pep/pep508.js";
import type { ImportFacts, ProjectModel } from "../types.js";
import { type DistMetadata, installedMetadata, tableMetadata } from "./dist-metadata.js";
import { importsProvidedBy } from "./index.js";
import { collectUsageEvidence, type UsageEvidence } from "./usage-evidence.js";

/** What inference knows when it asks: the distributions the imports map to and the imported modules. */
export interface ImportContext {
  /** Normalised distributions that may provide an import of the code. */
  importedDistributions: ReadonlySet<string>;
  /** Every imported module, dotted (`yaml`, `google.cloud.storage`). */
  importedModules: ReadonlySet<string>;
}

/** How a declared distribution nothing imports is used, or why dhtl cannot tell (then it is not called unused). */
export type UsageVerdict = { used: string } | { uncertain: string } | null;

export type UsedWithoutImport = (
  distribution: string,
  sections: string[],
  context: ImportContext,
) => UsageVerdict;

/** Extras and groups for development rather than for running: their commands are the developers'. */
const DEV_SECTION =
  /^(group:.*|extra:(dev|develop|development|devel|test|tests|testing|lint|linting|linters|docs?|documentation|typing|types|mypy|style|check|checks|qa|ci|format|formatting|pre-commit|tox|nox|release|build|coverage|cov|bench|benchmarks?|profile|profiling|debug|tools?|all-dev|dev-.*|test-.*|.*-dev|.*-test|.*-tests|.*-docs?))$/;

/** Extras of a library that list its own test or build needs, not optional backends it loads. */
const NOT_A_BACKEND_EXTRA =
  /^(dev|develop|development|devel|test|tests|testing|lint|linting|docs?|documentation|typing|types|mypy|style|check|checks|qa|ci|format|release|build|coverage|cov|bench|benchmarks?|all-dev|dev-.*|test-.*|.*-dev|.*-test|.*-tests|.*-docs?|doc-.*|docs-.*)$/;

const CATCH_ALL_EXTRA = /^(all|full|complete|everything|standard)$/;

/** Entry point groups whose plugins the host loads by itself once installed. */
const AUTO_LOADED: { group: RegExp; host: string }[] = [
  { group: /^pytest11$/, host: "pytest" },
  { group: /^flake8\./, host: "flake8" },
  { group: /^tox$/, host: "tox" },
  { group: /^hatch$/, host: "hatch" },
  { group: /^pdm$/, host: "pdm" },
  { group: /^poetry\.(application\.)?plugin$/, host: "poetry" },
  { group: /^opentelemetry_instrumentor$/, host: "opentelemetry-instrumentation" },
  { group: /^(distutils\.|setuptools\.|egg_info\.)/, host: "setuptools" },
  { group: /^pre_commit/, host: "pre-commit" },
  { group: /^jupyter/, host: "jupyter" },
];

/** Hosts whose plugins count only when the project's configuration names them. */
const NAMED_PLUGIN_HOSTS: { group: RegExp; host: string }[] = [
  { group: /^sphinx[._]/, host: "sphinx" },
  { group: /^mkdocs[._]/, host: "mkdocs" },
  { group: /^markdown\.extensions$/, host: "markdown" },
  { group: /^pylint\./, host: "pylint" },
  { group: /^babel\./, host: "babel" },
  { group: /^sqlalchemy\./, host: "sqlalchemy" },
  { group: /^pygments\./, host: "pygments" },
];

/** Name conventions of plugin ecosystems, for distributions no metadata describes. */
const NAMED_LIKE_PLUGIN: { pattern: RegExp; host: string; what: string }[] = [
  { pattern: /^pytest-/, host: "pytest", what: "pytest plugin" },
  { pattern: /^flake8-/, host: "flake8", what: "flake8 plugin" },
  { pattern: /^(sphinx-|sphinxcontrib-)/, host: "sphinx", what: "Sphinx extension or theme" },
  { pattern: /^(mkdocs-|mkdocstrings-)/, host: "mkdocs", what: "MkDocs plugin or theme" },
  { pattern: /^pylint-/, host: "pylint", what: "Pylint plugin" },
  { pattern: /^tox-/, host: "tox", what: "tox plugin" },
  { pattern: /^(hatch-|setuptools-|poetry-dynamic-|pdm-)/, host: "", what: "build backend plugin" },
];

/** Database drivers: an ORM or framework loads them from a connection URL or ENGINE setting. */
const DATABASE_DRIVERS = new Set([
  "psycopg2",
  "psycopg2-binary",
  "psycopg",
  "psycopg-binary",
  "psycopg-c",
  "psycopg-pool",
  "asyncpg",
  "pg8000",
  "mysqlclient",
  "pymysql",
  "aiomysql",
  "asyncmy",
  "mysql-connector-python",
  "mariadb",
  "aiosqlite",
  "cx-oracle",
  "oracledb",
  "pymssql",
  "pyodbc",
  "ibm-db",
  "snowflake-sqlalchemy",
  "sqlalchemy-redshift",
  "redshift-connector",
  "clickhouse-sqlalchemy",
  "duckdb-engine",
  "sqlalchemy-bigquery",
  "pybigquery",
]);
/** What loads a driver by URL: Django's ENGINE, SQLAlchemy's create_engine and what builds on them. */
const DRIVER_LOADERS = [
  "django",
  "sqlalchemy",
  "flask-sqlalchemy",
  "sqlmodel",
  "alembic",
  "databases",
  "tortoise-orm",
  "peewee",
  "pony",
  "ormar",
  "piccolo",
  "dj-database-url",
  "django-environ",
  "records",
  "dataset",
  "celery",
  "pandas",
  "prefect",
  "apache-airflow",
  "jupysql",
  "ipython-sql",
];

/** Kernels and front ends Jupyter runs the project's notebooks with. */
const NOTEBOOK_RUNTIMES = new Set([
  "ipykernel",
  "jupyter",
  "jupyterlab",
  "notebook",
  "nbclassic",
  "voila",
  "jupyter-server",
  "jupyterlab-server",
  "nbconvert",
  "ipywidgets",
  "jupytext",
  "nbstripout",
  "papermill",
]);

/**
 * Builds the question inference asks for each declared distribution nothing imports. Reads the project's
 * evidence files once; metadata of an installed `.venv` overrides the table.
 */
export function usedWithoutImportFinder(
  root: string,
  project: ProjectModel,
  imports: ImportFacts,
  venvPath: string | undefined,
  files: { python: readonly string[]; notebooks: readonly string[]; projectDirs?: readonly string[] },
): UsedWithoutImport {
  // The project's evidence files and the environment's metadata are read on the first question only:
  // most projects import everything they declare.
  let evidence: UsageEvidence | null = null;
  let installed: Map<string, DistMetadata> | null = null;
  const metadata = (name: string) => {
    installed ??= venvPath ? installedMetadata(venvPath) : new Map<string, DistMetadata>();
    return installed.get(normalizeName(name)) ?? tableMetadata(name);
  };
  const declared = new Set(
    [
      ...project.dependencies,
      ...Object.values(project.optionalDependencies).flat(),
      ...Object.values(project.dependencyGroups).flat(),
    ]
      .map((entry) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(entry)?.[1])
      .filter((name): name is string => name !== undefined)
      .map(normalizeName),
  );
  const importedStdlib = new Set(imports.stdlib);
  const frozen = isFrozenList(project.dependencies);
  const otherPlatformOnly = declaredForOtherPlatformsOnly(project);
  const runtimeNames = project.dependencies
    .map((entry) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(entry)?.[1])
    .filter((name): name is string => name !== undefined);
  const runtimeDeclarations = project.dependencies.flatMap((text) => {
    const requirement = tryParseRequirement(text);
    return requirement
      ? [{ name: normalizeName(requirement.name), specifier: requirement.specifier, text: text.trim() }]
      : [];
  });
  return (distribution, sections, context) => {
    evidence ??= collectUsageEvidence(root, files, files.projectDirs ?? []);
    const ctx = { ...context, evidence, metadata, declared, importedStdlib };
    const reason = whyUsed(distribution, sections, ctx);
    if (reason) return { used: reason };
    // Declared only for some platform (`; sys_platform == "win32"`): what uses it runs there, maybe in another
    // distribution (PySocks imports win_inet_pton on Windows), where this scan cannot see it.
    const marker = otherPlatformOnly.get(normalizeName(distribution));
    if (marker)
      return {
        uncertain: `declared only for \`${marker}\`: what uses it may run only there, inside another distribution`,
      };
    // A frozen list (pip freeze) pins every dependency of every dependency: an entry nothing imports is
    // unused only when the metadata of every other entry is known and none of them requires it.
    if (frozen && sections.includes("dependencies")) {
      const unknown = runtimeNames.filter(
        (name) => normalizeName(name) !== normalizeName(distribution) && !metadata(name),
      );
      if (unknown.length > 0)
        return {
          uncertain: `pinned in a frozen requirements list; it may be a dependency of ${unknown.slice(0, 3).join(", ")}${unknown.length > 3 ? ` or ${unknown.length - 3} more` : ""}, whose metadata dhtl does not have (analyze again after dhtl setup to know)`,
        };
    }
    // What dhtl knows of a runtime neighbour is the newest wheel's metadata; a project pinned to another
    // version (starlette==0.12.*, whose staticfiles imports aiofiles) may need what the newer one dropped,
    // and a neighbour nothing describes may require this one (records caps openpyxl for tablib's sake).
    if (sections.includes("dependencies")) {
      const stale = runtimeDeclarations.filter(
        (entry) => entry.name !== normalizeName(distribution) && tableVersionExcluded(entry, metadata),
      );
      if (stale.length > 0)
        return {
          uncertain: `dhtl knows the requirements of ${stale.map((entry) => `${entry.name} ${tableVersion(metadata(entry.name))}`).join(", ")} only, not of the ${stale.length === 1 ? "version" : "versions"} declared (${stale.map((entry) => entry.text).join(", ")}): ${stale.length === 1 ? "it" : "they"} may need it`,
        };
      const own = runtimeDeclarations.find((entry) => entry.name === normalizeName(distribution));
      const unknown = runtimeDeclarations.filter(
        (entry) => entry.name !== normalizeName(distribution) && !metadata(entry.name),
      );
      if (own && capsVersion(own.specifier) && unknown.length > 0)
        return {
          uncertain: `capped (${own.specifier}) though nothing imports it — the usual fix for a dependency's dependency — and dhtl does not know the requirements of ${unknown
            .slice(0, 3)
            .map((entry) => entry.name)
            .join(", ")}${unknown.length > 3 ? ` or ${unknown.length - 3} more` : ""}`,
        };
    }
    // In a development section, a distribution nothing describes may well be a command.
    if (!metadata(distribution) && sections.some((s) => DEV_SECTION.test(s)))
      return {
        uncertain: `declared in ${sections.join(", ")}, and no metadata says whether it provides a command or plugin (analyze again after dhtl setup to know)`,
      };
    return null;
  };
}

/** The version of the wheel the table's facts come from (`starlette-1.10.0-py3-none-any.whl` → 1.10.0). */
function tableVersion(meta: DistMetadata | null): string | null {
  if (!meta || meta.source === "installed") return null;
  return /^[^-]+-([^-]+)-/.exec(meta.source)?.[1] ?? null;
}

/** The declaration excludes the version the table describes: its facts are not the project's. */
function tableVersionExcluded(
  entry: { name: string; specifier: string },
  metadata: (name: string) => DistMetadata | null,
): boolean {
  const version = tableVersion(metadata(entry.name));
  return version !== null && entry.specifier.trim() !== "" && !specifierAllows(entry.specifier, version);
}

/** An upper bound or an exact pin (`<2.5.0`, `==1.2`, `~=1.2`, `<=3`). */
function capsVersion(specifier: string): boolean {
  return /(^|,)\s*(<|<=|==|~=|===)/.test(specifier);
}

/** Platform markers: a declaration guarded by one is for a particular operating system or implementation. */
const PLATFORM_MARKER =
  /\b(sys_platform|platform_system|os_name|platform_machine|implementation_name|platform_python_implementation)\b/;

/** Normalised name → marker, for distributions every declaration of which carries a platform marker. */
function declaredForOtherPlatformsOnly(project: ProjectModel): Map<string, string> {
  const markers = new Map<string, string | null>();
  const entries = [
    ...project.dependencies,
    ...Object.values(project.optionalDependencies).flat(),
    ...Object.values(project.dependencyGroups).flat(),
  ];
  for (const entry of entries) {
    const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(entry)?.[1];
    if (!name) continue;
    const marker = entry.includes(";") ? entry.slice(entry.indexOf(";") + 1).trim() : "";
    const key = normalizeName(name);
    const platform = PLATFORM_MARKER.test(marker) ? marker : null;
    markers.set(key, markers.has(key) && markers.get(key) === null ? null : platform);
  }
  return new Map([...markers].filter((entry): entry is [string, string] => entry[1] !== null));
}

/** A dependency list as pip freeze writes it: ten or more entries, nearly all pinned to one version. */
function isFrozenList(entries: readonly string[]): boolean {
  const pinned = entries.filter((entry) =>
    /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*===?\s*[^,;*]+$/.test(entry.split(";")[0]?.trim() ?? ""),
  ).length;
  return entries.length >= 10 && pinned >= entries.length * 0.8;
}

interface Context extends ImportContext {
  evidence: UsageEvidence;
  metadata: (name: string) => DistMetadata | null;
  declared: ReadonlySet<string>;
  importedStdlib: ReadonlySet<string>;
}

function whyUsed(distribution: string, sections: string[], ctx: Context): string | null {
  const direct = directUse(distribution, sections, ctx);
  if (direct) return direct;
  const name = normalizeName(distribution);
  const meta = ctx.metadata(distribution);
  // A distribution with no command or plugin of its own may be how the project gets one it does not declare
  // itself (tox-uv installs tox-uv-bare's tox plugin, meson-python installs the meson CI runs). A pure
  // meta-distribution (no code of its own: bs4 for beautifulsoup4) is used whenever what it installs is.
  const pluginOrCommand =
    meta !== null && (meta.scripts.length > 0 || Object.keys(meta.entryPoints).length > 0);
  const metaOnly = meta?.modules.every((module) => /_meta$/.test(module)) ?? false;
  for (const required of pluginOrCommand ? [] : (meta?.requires ?? [])) {
    if (ctx.declared.has(required)) continue;
    const how = directUse(required, [], ctx, "installed") ?? (metaOnly ? backendOf(required, ctx) : null);
    if (how) return `installs ${ctx.metadata(required)?.name ?? required}: ${how}`;
  }
  const parent = requiredBy(name, ctx);
  if (parent) return `a dependency of ${parent}, pinned here`;
  return null;
}

/**
 * How a distribution is used by itself. For what another one installs (`installed`), only what installing
 * it does counts: plugins, start-up files and commands the project runs (meson-python installs meson).
 */
function directUse(
  distribution: string,
  sections: string[],
  ctx: Context,
  scope: "declared" | "installed" = "declared",
): string | null {
  const name = normalizeName(distribution);
  const meta = ctx.metadata(distribution);
  const from = meta ? (meta.source === "installed" ? " (installed metadata)" : ` (${meta.source})`) : "";
  // Without metadata, Django apps are often the name without separators (wagtail-font-awesome-svg →
  // wagtailfontawesomesvg) rather than with underscores.
  const modules = meta?.modules.length
    ? meta.modules
    : [...importsProvidedBy(distribution), name.replace(/-/g, "")];
  // Without metadata the command is guessed from the name — only for what the project declares itself.
  const scripts = meta ? meta.scripts : scope === "declared" ? [name] : [];

  for (const [group, names] of Object.entries(meta?.entryPoints ?? {})) {
    const auto = AUTO_LOADED.find((entry) => entry.group.test(group));
    if (auto && hostUsed(auto.host, ctx))
      return `${auto.host} plugin: entry point ${group}${from}, loaded by ${auto.host}`;
    const named = NAMED_PLUGIN_HOSTS.find((entry) => entry.group.test(group));
    const mention = named ? [...names, ...modules].find((word) => ctx.evidence.words.has(word)) : undefined;
    if (named && mention)
      return `${named.host} plugin \`${mention}\` (entry point ${group}${from}), named in ${ctx.evidence.words.get(mention)}`;
  }
  if (meta?.startup?.length) return `runs at interpreter start-up (${meta.startup.join(", ")}${from})`;
  const command = scripts.find((script) => ctx.evidence.words.has(script));
  if (command) {
    const file = ctx.evidence.words.get(command) as string;
    const how = file.endsWith(".py") ? "named in" : "run in";
    return `command \`${command}\`${meta ? ` (console script${from})` : ""} ${how} ${file}`;
  }
  if (scope === "installed") return null;
  const module = modules.find((m) => ctx.evidence.words.has(m));
  if (module) return `module \`${module}\` named in ${ctx.evidence.words.get(module)}`;
  if (meta && meta.scripts.length > 0 && sections.some((s) => DEV_SECTION.test(s)))
    return `developer tool: provides the command${meta.scripts.length === 1 ? "" : "s"} ${meta.scripts
      .slice(0, 3)
      .map((s) => `\`${s}\``)
      .join(", ")}${from}, declared in ${sections.join(", ")}`;

  const stubbed = stubTargets(name, meta);
  const typed = stubbed.find((target) => isImported(target, ctx));
  if (typed) return `type stubs for \`${typed}\`, which the code imports`;

  const host = backendOf(name, ctx);
  if (host) return host;

  if (!meta) {
    for (const convention of NAMED_LIKE_PLUGIN) {
      if (!convention.pattern.test(name)) continue;
      if (convention.host === "" || hostUsed(convention.host, ctx))
        return `${convention.what} by its name${convention.host ? `, and the project uses ${convention.host}` : ""}`;
    }
  }
  if (DATABASE_DRIVERS.has(name)) {
    const loader = DRIVER_LOADERS.find(
      (candidate) => ctx.declared.has(candidate) || ctx.importedDistributions.has(candidate),
    );
    if (loader) return `database driver: ${loader} loads it from a connection URL or ENGINE setting`;
  }
  if (NOTEBOOK_RUNTIMES.has(name) && ctx.evidence.hasNotebooks)
    return "runs the project's notebooks (Jupyter kernel or front end)";
  if (
    name === "tzdata" &&
    (ctx.importedStdlib.has("zoneinfo") || ctx.declared.has("django") || ctx.declared.has("pandas"))
  )
    return "time-zone database read by zoneinfo, never imported";
  return null;
}

/** The declared or imported distribution that always requires `name` (from its metadata), or null. */
function requiredBy(name: string, ctx: Context): string | null {
  const hosts = [...new Set([...ctx.declared, ...ctx.importedDistributions])].sort();
  for (const host of hosts) {
    if (host === name) continue;
    const meta = ctx.metadata(host);
    if (meta?.requires?.includes(name)) return meta.name;
  }
  return null;
}

/** A host program counts as used when declared, imported, run, or configured (tests exist for pytest). */
function hostUsed(host: string, ctx: Context): boolean {
  if (ctx.declared.has(host) || ctx.importedDistributions.has(host) || ctx.evidence.words.has(host))
    return true;
  if (ctx.evidence.hostConfigs.has(host)) return true;
  return host === "pytest" && ctx.evidence.hasTests;
}

/**
 * Modules a stub distribution types: from its files, else from its name, by the conventions typeshed and
 * stub authors follow (types-PyYAML → PyYAML's yaml, pandas-stubs, trio-typing, celery-types).
 */
function stubTargets(name: string, meta: DistMetadata | null): string[] {
  if (meta?.stubs?.length) return meta.stubs;
  const match = /^types-(.+)$|^(.+)-(?:stubs|typing|types)$/.exec(name);
  const base = match ? (match[1] ?? match[2] ?? null) : null;
  if (base === null) return [];
  return [...new Set([...importsProvidedBy(base), base.replace(/-/g, "_")])];
}

function isImported(module: string, ctx: Context): boolean {
  for (const imported of ctx.importedModules) {
    if (imported === module || imported.startsWith(`${module}.`)) return true;
  }
  return ctx.importedStdlib.has(module);
}

/** `optional backend of pandas (pandas[excel])` when a library the project uses lists it in an extra. */
function backendOf(name: string, ctx: Context): string | null {
  const hosts = [...new Set([...ctx.declared, ...ctx.importedDistributions])].sort();
  for (const host of hosts) {
    if (host === name) continue;
    const meta = ctx.metadata(host);
    if (!meta) continue;
    // A feature extra (`excel`) says more than a catch-all one (`all`).
    const extras = Object.entries(meta.extras).sort(
      ([a], [b]) => Number(CATCH_ALL_EXTRA.test(a)) - Number(CATCH_ALL_EXTRA.test(b)),
    );
    for (const [extra, members] of extras) {
      if (NOT_A_BACKEND_EXTRA.test(extra)) continue;
      if (members.includes(name))
        return `optional backend of ${meta.name} (${meta.name}[${extra}]), loaded by it when installed`;
    }
  }
  return null;
}
