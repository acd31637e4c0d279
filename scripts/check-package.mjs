// `npm run check:package`: packs the tarball npm would publish into a temp dir, from a tree without dist/
// as a fresh clone has (its prepack builds), and checks it as a consumer would get it: it holds every
// file package.json's exports and bin name, every source map's sources are in it, the types resolve for ESM
// consumers (@arethetypeswrong/cli, esm-only profile) and package.json agrees with the files (publint); it
// holds no test file and no path of this machine; npm publish would upload its package.json unchanged;
// it imports no package outside its dependencies and peers; every entry point imports (the library's and
// the CLI's import without the optional peers) while require() fails; README.md's ts blocks compile
// against it, and its declarations type-check without skipLibCheck; a consumer that imports one vendor
// entry only can emit declarations for what that entry hands out (each type is named by an export).
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { codeBlocks } from "./code-blocks.mjs";
import { declarationErrors, declarationProbe } from "./declaration-probes.mjs";
import { undeclaredImports } from "./package-imports.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (command, args, options = {}) =>
  execFileSync(command, args, { cwd: root, stdio: "inherit", ...options });

// No build beforehand: `npm pack` and `npm publish` must build dist/ themselves (prepack), or a fresh clone
// publishes a package without it, or a stale dist/ of an older commit.
rmSync(path.join(root, "dist"), { recursive: true, force: true });
const temp = mkdtempSync(path.join(tmpdir(), "bulk-user-import-pack-"));
try {
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", temp], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const tarball = path.join(temp, packed[0].filename);
  const files = new Set(packed[0].files.map((file) => file.path));
  run("tar", ["-xzf", tarball, "-C", temp]);
  const unpacked = path.join(temp, "package");
  const pkg = JSON.parse(readFileSync(path.join(unpacked, "package.json"), "utf8"));

  // Every target of exports and bin, a wildcard's by its folder holding a file of that kind.
  const leaves = (target) =>
    typeof target === "string" ? [target] : Object.values(target).flatMap(leaves);
  const targets = [
    ...Object.values(pkg.exports).flatMap(leaves),
    ...Object.values(pkg.bin ?? {}),
  ].map((target) => path.posix.normalize(target));
  const unshipped = targets.filter((target) => {
    const [before, after] = target.split("*");
    if (after === undefined) return !files.has(target);
    return ![...files].some((file) => file.startsWith(before) && file.endsWith(after));
  });
  if (unshipped.length > 0) {
    console.error(`exports or bin name files the tarball lacks: ${unshipped.join(", ")}`);
    process.exitCode = 1;
  } else {
    console.log(`exports and bin: all ${targets.length} targets are packed`);
  }

  const missing = [];
  for (const file of files) {
    if (!file.endsWith(".map")) continue;
    const map = JSON.parse(readFileSync(path.join(unpacked, file), "utf8"));
    for (const source of map.sources) {
      const resolved = path.posix.join(path.posix.dirname(file), map.sourceRoot ?? "", source);
      if (!files.has(resolved) || !existsSync(path.join(unpacked, resolved))) {
        missing.push(`${file} -> ${resolved}`);
      }
    }
  }
  if (missing.length > 0) {
    console.error(`source maps whose sources are not in the tarball:\n  ${missing.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    console.log(
      `source maps: every source of ${[...files].filter((f) => f.endsWith(".map")).length} maps is packed`,
    );
  }

  // attw does not expand a wildcard export: each fixture module is named as an entry point of its own.
  const fixtures = [...files]
    .filter((file) => /^dist\/src\/testing\/fixtures\/[^/]+\.js$/.test(file))
    .map((file) => `./testing/fixtures/${path.posix.basename(file, ".js")}`);
  run(bin("attw"), [
    ...["--profile", "esm-only", "--format", "table-flipped", "--no-color"],
    ...["--include-entrypoints", ...fixtures, "--", tarball],
  ]);
  run(bin("publint"), ["run", "--strict", tarball]);

  // What an integrator installs: no tests, and no path of the machine that packed it (a source map's
  // absolute `sources`, a build's `__dirname` baked in).
  const stray = [...files].filter(
    (file) => /^test\//.test(file) || /\.(test|spec)\.[cm]?[jt]s(\.map)?$/.test(file),
  );
  const machinePaths = [...files].filter((file) =>
    readFileSync(path.join(unpacked, file), "utf8").includes(root),
  );
  if (stray.length > 0 || machinePaths.length > 0) {
    for (const file of stray) console.error(`a test file is packed: ${file}`);
    for (const file of machinePaths) console.error(`${file} names this machine's path ${root}`);
    process.exitCode = 1;
  } else {
    console.log(`contents: no test files, and none of ${files.size} files names ${root}`);
  }

  // npm publish silently rewrites, in the manifest it uploads, what `npm pkg fix` would (a bin path
  // written "./dist/…"), so the published package.json would not be this one.
  const manifest = path.join(unpacked, "package.json");
  const packedManifest = readFileSync(manifest, "utf8");
  run("npm", ["pkg", "fix"], { cwd: unpacked });
  const fixedManifest = JSON.parse(readFileSync(manifest, "utf8"));
  writeFileSync(manifest, packedManifest);
  const rewritten = Object.keys({ ...pkg, ...fixedManifest }).filter(
    (key) => !isDeepStrictEqual(pkg[key], fixedManifest[key]),
  );
  if (rewritten.length > 0) {
    console.error(
      `npm publish would rewrite package.json's ${rewritten.join(", ")}: run npm pkg fix`,
    );
    process.exitCode = 1;
  } else {
    console.log("package.json: npm publish uploads it as it is (npm pkg fix changes nothing)");
  }

  // The checks below run with this repo's node_modules, which would hide a devDependency that a built
  // file or a declaration imports: a consumer's install has only the dependencies and the peers.
  const declared = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const undeclared = [...files]
    .filter((file) => /\.(js|d\.ts)$/.test(file))
    .flatMap((file) =>
      undeclaredImports(readFileSync(path.join(unpacked, file), "utf8"), declared).map(
        (name) => `${file} imports ${name}`,
      ),
    );
  if (undeclared.length > 0) {
    console.error(
      `packages imported but not in dependencies or peers:\n  ${undeclared.join("\n  ")}`,
    );
    process.exitCode = 1;
  } else {
    console.log(
      "imports: every package a built file or declaration names is a dependency or a peer",
    );
  }

  // A consumer's view: the tarball under node_modules, its dependencies taken from this repo's.
  const consumer = path.join(temp, "consumer");
  mkdirSync(path.join(consumer, "node_modules"), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(unpacked, "node_modules"), "dir");
  symlinkSync(unpacked, path.join(consumer, "node_modules", "bulk-user-import"), "dir");
  const library = ["", "/fullstory", "/slashid", "/propeller", "/userpilot"];
  const entries = [...library, "/testing", "/testing/msw", ...fixtures.map((f) => f.slice(1))];
  const importsOf = (list) =>
    list.map((entry) => `await import("bulk-user-import${entry}");`).join("");
  run("node", ["--input-type=module", "--eval", importsOf(entries)], { cwd: consumer });

  // The optional peers (ajv, ajv-formats, @faker-js/faker, msw) are for the simulators and fixtures only: the
  // library's entry points and the CLI's import must work without them, as the README says. A resolve hook
  // makes each of them missing, as in a project that did not install it.
  const hooks = path.join(temp, "without-peers-hooks.mjs");
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
      if (/^(ajv|ajv-formats|@faker-js\\/faker|msw)(\\/|$)/.test(specifier)) {
        const error = new Error("optional peer loaded: " + specifier);
        throw Object.assign(error, { code: "ERR_MODULE_NOT_FOUND" });
      }
      return next(specifier, context);
    }\n`,
  );
  const register = path.join(temp, "without-peers.mjs");
  writeFileSync(
    register,
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const withoutPeers = ["--import", pathToFileURL(register).href];
  const cli = path.join(unpacked, pkg.bin["bulk-user-import"]);
  const input = path.join(consumer, "users.ndjson");
  writeFileSync(input, '{"uid":"u-1","email":"a@example.com"}\n');
  const peerless = [
    ["--input-type=module", "--eval", importsOf(library)],
    [cli, "--version"],
    [cli, "import", "fullstory", input, "--dry-run"],
  ].map((args) =>
    spawnSync("node", [...withoutPeers, ...args], { cwd: consumer, encoding: "utf8" }),
  );
  const failed = peerless.filter((result) => result.status !== 0);
  const hookWorks = spawnSync(
    "node",
    [...withoutPeers, "--input-type=module", "--eval", importsOf(["/testing"])],
    { cwd: consumer, encoding: "utf8" },
  );
  if (failed.length > 0 || hookWorks.status === 0) {
    for (const result of failed) console.error(`without the optional peers:\n${result.stderr}`);
    if (hookWorks.status === 0)
      console.error("the peer-hiding hook did not hide ajv from /testing");
    process.exitCode = 1;
  } else {
    console.log(
      "without the optional peers: the library's entry points import and the CLI imports",
    );
  }
  const required = spawnSync("node", ["--eval", 'require("bulk-user-import/fullstory")'], {
    cwd: consumer,
    encoding: "utf8",
  });
  if (required.status === 0 || !required.stderr.includes("ERR_PACKAGE_PATH_NOT_EXPORTED")) {
    console.error(`require() should fail with ERR_PACKAGE_PATH_NOT_EXPORTED:\n${required.stderr}`);
    process.exitCode = 1;
  } else {
    console.log(
      "ESM only: every entry point imports; require() fails with ERR_PACKAGE_PATH_NOT_EXPORTED",
    );
  }

  // README.md's TypeScript blocks against the packed types (test/readme compiles them against src/), in a
  // strict consumer project under both module resolutions an ESM consumer uses.
  const blocks = codeBlocks(readFileSync(path.join(root, "README.md"), "utf8"), "ts");
  const readme = path.join(consumer, "readme");
  mkdirSync(readme);
  for (const block of blocks) {
    writeFileSync(path.join(readme, `README-line-${block.line}.ts`), block.code);
  }
  // What the blocks import besides this package (msw) and @types/node, as the consumer installed them.
  for (const dependency of ["msw", "@types"]) {
    symlinkSync(
      path.join(root, "node_modules", dependency),
      path.join(consumer, "node_modules", dependency),
      "dir",
    );
  }
  writeFileSync(path.join(consumer, "package.json"), '{ "type": "module" }\n');
  // skipLibCheck, which msw's declarations need (they want the DOM lib), would skip ours too, where an
  // error (a type that does not resolve) reaches the consumer as `any`: every entry point but msw's is
  // checked again with it off, and the library's also with the DOM lib in place of @types/node, the
  // other way README.md gives to have the fetch types (this repo builds with both).
  const exporting = (list) =>
    list.map((entry, i) => `export * as entry${i} from "bulk-user-import${entry}";\n`).join("");
  for (const [folder, list] of [
    ["declarations", entries.filter((entry) => entry !== "/testing/msw")],
    ["dom", library],
  ]) {
    mkdirSync(path.join(consumer, folder));
    writeFileSync(path.join(consumer, folder, "entries.ts"), exporting(list));
  }
  const passes = [
    { include: "readme", skipLibCheck: true, lib: ["es2023"], types: ["node"] },
    { include: "declarations", skipLibCheck: false, lib: ["es2023"], types: ["node"] },
    { include: "dom", skipLibCheck: false, lib: ["es2023", "dom"], types: [] },
  ];
  const broken = [];
  for (const [module, moduleResolution] of [
    ["node16", "node16"],
    ["esnext", "bundler"],
  ]) {
    for (const { include, ...options } of passes) {
      const config = path.join(consumer, `tsconfig.${moduleResolution}.${include}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            target: "es2022",
            module,
            moduleResolution,
            moduleDetection: "force",
            noEmit: true,
            ...options,
          },
          include: [include],
        }),
      );
      const compiled = spawnSync(bin("tsc"), ["-p", config], { cwd: consumer, encoding: "utf8" });
      if (compiled.status !== 0)
        broken.push(`${moduleResolution}, ${include}:\n${compiled.stdout}`);
    }
  }
  if (blocks.length === 0 || broken.length > 0) {
    console.error(
      `README.md's ts blocks or the declarations, in a consumer:\n${broken.join("\n")}`,
    );
    process.exitCode = 1;
  } else {
    console.log(
      `README.md: its ${blocks.length} ts blocks compile against the packed types (node16, bundler); the declarations check without skipLibCheck (with @types/node, and the library's with the DOM lib alone)`,
    );
  }

  // A CommonJS file's static import is a require(), which fails (no export has a CommonJS entry): tsc must
  // say so, also under `nodenext`, which takes require() of ESM as fine and found types listed outside
  // `import`; an `await import()` from CommonJS, as README.md offers, must compile.
  const cjsConfig = (include) => {
    const config = path.join(consumer, `tsconfig.${include}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: { strict: true, module: "nodenext", noEmit: true, types: ["node"] },
        include: [include],
      }),
    );
    return config;
  };
  const cjsEntries = entries.filter((entry) => entry !== "/testing/msw");
  for (const [folder, code] of [
    ["commonjs", (entry, i) => `import * as entry${i} from "bulk-user-import${entry}";\n`],
    [
      "commonjs-import",
      (entry, i) => `export const entry${i} = import("bulk-user-import${entry}");\n`,
    ],
  ]) {
    mkdirSync(path.join(consumer, folder));
    writeFileSync(path.join(consumer, folder, "entries.cts"), cjsEntries.map(code).join(""));
  }
  const staticImports = spawnSync(bin("tsc"), ["-p", cjsConfig("commonjs")], {
    cwd: consumer,
    encoding: "utf8",
  });
  const typedAnyway = cjsEntries.filter(
    (entry, i) => !staticImports.stdout.includes(`entries.cts(${i + 1},`),
  );
  const dynamic = spawnSync(bin("tsc"), ["-p", cjsConfig("commonjs-import")], {
    cwd: consumer,
    encoding: "utf8",
  });
  if (typedAnyway.length > 0 || dynamic.status !== 0) {
    for (const entry of typedAnyway) {
      console.error(`a CommonJS file compiles require("bulk-user-import${entry}"), which fails`);
    }
    if (dynamic.status !== 0) console.error(`await import() from CommonJS:\n${dynamic.stdout}`);
    process.exitCode = 1;
  } else {
    console.log(
      `CommonJS (nodenext): tsc refuses a static import of each of ${cjsEntries.length} entries, and compiles await import()`,
    );
  }

  // A consumer with `declaration` or `composite` that imports one vendor entry: tsc must name every type
  // that entry's API hands out through a path the package exports, or it fails with TS2742.
  const probes = [];
  mkdirSync(path.join(consumer, "probes"));
  for (const entry of library.filter(Boolean)) {
    const vendor = entry.slice(1);
    const probe = path.join(consumer, "probes", `${vendor}.ts`);
    const built = path.join(unpacked, pkg.exports[`./${vendor}`].import.default);
    writeFileSync(probe, await declarationProbe(vendor, built));
    probes.push(probe);
  }
  const unnamed = declarationErrors(probes);
  if (unnamed.length > 0) {
    console.error(`declarations of a consumer of one vendor entry:\n${unnamed.join("\n")}`);
    process.exitCode = 1;
  } else {
    console.log(
      `declarations: a consumer of one vendor entry emits them (${probes.length} entries, node16, bundler)`,
    );
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
