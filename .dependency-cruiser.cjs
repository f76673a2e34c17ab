// The layers of src/ (design.md "Layers"), top to bottom. A module imports only from layers below its
// own; the two folders that share a rank (plan/verify, facts/record) do not import each other. Tests
// (`*.test.ts`) may reach up to drive what they test, but take part in the cycle check.
// Checked by scripts/check-layers.mjs, which `npm test` runs.
const LAYERS = [
  ["cli"],
  ["workflows"],
  ["plan", "verify"],
  ["run"],
  ["facts", "record"],
  ["python"],
  ["formats"],
  ["pep"],
  ["core"],
];

const TEST = "\\.test\\.ts$";
const folder = (name) => `^src/${name}/`;

/** For each folder: everything at its own rank (but itself) and above is out of bounds. */
const layerRules = LAYERS.flatMap((rank, index) =>
  rank.map((name) => {
    const above = LAYERS.slice(0, index).flat();
    const peers = rank.filter((other) => other !== name);
    return {
      name: `${name}-imports-only-lower-layers`,
      comment: `${name}/ may import ${LAYERS.slice(index + 1)
        .map((r) => r.join("+"))
        .join(", ")} only`,
      severity: "error",
      from: { path: folder(name), pathNot: TEST },
      to: { path: [...above, ...peers].map(folder) },
    };
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules.filter((rule) => rule.to.path.length > 0),
    {
      name: "no-circular",
      comment: "a cycle makes two modules one; split what both need into a module below them",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "every-module-in-a-layer",
      comment: "a folder of src/ that is not a layer has no place in the order",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/(${LAYERS.flat().join("|")})/` },
      to: {},
    },
    {
      name: "product-code-not-from-tests",
      comment: "test files and test/ support are for tests only",
      severity: "error",
      from: { path: "^src/", pathNot: TEST },
      to: { path: [TEST, "^test/"] },
    },
  ],
  options: {
    includeOnly: "^src/",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // JSON tables (import-map.json, stdlib-modules.json) are data, not modules with imports.
    exclude: { path: "\\.json$" },
  },
};
