// Consumer files that export, with no type annotation, what a vendor entry's API hands out: each value, each
// function's result, each client member and method's result, and one level deeper (a report, the options, an
// answer, an adapter, spread so that every property's type is written out). Emitting their declarations
// fails with TS2742 when one of those types is reachable only through a path the package does not export.
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

/**
 * Options `create<Vendor>Client` accepts without a network call, by vendor entry (CONTRIBUTING.md, step 7;
 * test/readme/contributing-checklist.test.ts holds every entry to one).
 */
const CLIENT_OPTIONS = {
  fullstory: { apiKey: "k" },
  slashid: { apiKey: "k", orgId: "o" },
  propeller: { clientId: "a", clientSecret: "b" },
  userpilot: { apiKey: "k" },
};

/** A client's functions that call no vendor operation, so answer no `{ ok, error }` result. */
const NOT_OPERATIONS = new Set(["scrub", "whenCredentialAccepted"]);

/**
 * The probe file for a vendor entry: imports only `bulk-user-import/<vendor>`.
 * @param {string} vendor
 * @param {string} entryFile the built entry (dist/src/<vendor>/index.js) to list the exports and members of
 * @returns {Promise<string>}
 */
export async function declarationProbe(vendor, entryFile) {
  const mod = await import(pathToFileURL(entryFile).href);
  const names = Object.keys(mod);
  const create = names.find((name) => /^create\w+Client$/.test(name));
  const adapter = names.find((name) => /^create\w+Adapter$/.test(name));
  if (!Object.hasOwn(CLIENT_OPTIONS, vendor))
    throw new Error(
      `scripts/declaration-probes.mjs: CLIENT_OPTIONS has no options for ${vendor}: add the options ${create} takes without a network call`,
    );
  const options = JSON.stringify(CLIENT_OPTIONS[vendor]);
  const client = mod[create](JSON.parse(options));
  const lines = [
    `import * as V from "bulk-user-import/${vendor}";`,
    `const client = V.${create}(${options});`,
    `type Args = Parameters<typeof V.importUsers>;`,
    `export const report = async (...a: Args) => { const r = await V.importUsers(...a); return { ...r, outcome: r.outcomes[0], chunks: { ...r.chunks } }; };`,
    `export const options = (o: NonNullable<Args[2]>) => ({ ...o });`,
    `export const clientOptions = (o: Parameters<typeof V.${create}>[0]) => ({ ...o, rateLimit: o.rateLimit === false ? undefined : { ...o.rateLimit } });`,
    `export const adapter = (...a: Parameters<typeof V.${adapter}>) => ({ ...V.${adapter}(...a) });`,
  ];
  for (const [name, value] of Object.entries(mod)) {
    lines.push(`export const value_${name} = V.${name};`);
    if (typeof value === "function")
      lines.push(
        `export const call_${name} = (...a: Parameters<typeof V.${name}>) => V.${name}(...a);`,
      );
  }
  for (const [name, value] of Object.entries(client)) {
    lines.push(`export const member_${name} = client.${name};`);
    if (typeof value !== "function") continue;
    const args = `(...a: Parameters<typeof client.${name}>)`;
    lines.push(`export const invoke_${name} = ${args} => client.${name}(...a);`);
    if (!NOT_OPERATIONS.has(name))
      lines.push(
        `export const answer_${name} = async ${args} => { const r = await client.${name}(...a); return r.ok ? { ...r } : { error: r.error, fields: { ...r.error } }; };`,
      );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The errors of emitting each probe's declarations in a program of its own (in one program, a type one
 * vendor entry lacks would be named through another's), under node16 and bundler resolution.
 * @param {readonly string[]} probes the probe files, in a consumer folder where the package is installed
 * @returns {string[]} formatted diagnostics; none when every probe emits
 */
export function declarationErrors(probes) {
  const errors = [];
  for (const [module, moduleResolution] of [
    [ts.ModuleKind.Node16, ts.ModuleResolutionKind.Node16],
    [ts.ModuleKind.ESNext, ts.ModuleResolutionKind.Bundler],
  ]) {
    const options = {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      target: ts.ScriptTarget.ES2022,
      module,
      moduleResolution,
      moduleDetection: ts.ModuleDetectionKind.Force,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      skipLibCheck: true,
      declaration: true,
      emitDeclarationOnly: true,
    };
    // The same declaration files in each program: parsed once.
    const host = ts.createCompilerHost(options);
    const parsed = new Map();
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      if (!parsed.has(fileName))
        parsed.set(fileName, getSourceFile(fileName, languageVersion, ...rest));
      return parsed.get(fileName);
    };
    let program;
    for (const probe of probes) {
      program = ts.createProgram([probe], options, host, program);
      // With `declaration` on, these hold the declaration emitter's errors (TS2742) as well.
      const diagnostics = ts.getPreEmitDiagnostics(program);
      if (diagnostics.length > 0)
        errors.push(
          ts.formatDiagnostics(diagnostics, {
            getCanonicalFileName: (name) => name,
            getCurrentDirectory: () => path.dirname(probe),
            getNewLine: () => "\n",
          }),
        );
    }
  }
  return errors;
}
