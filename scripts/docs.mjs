// `npm run docs`: docs/<vendor>.html (each spec's reference, built by Redocly), docs/api/ (the library's
// API reference, built by TypeDoc from the sources' JSDoc) and docs/index.html linking them.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const docs = path.join(root, "docs");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (command, args) =>
  execFileSync(command, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
mkdirSync(docs, { recursive: true });

const vendors = readdirSync(path.join(root, "specs"))
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => file.replace(/\.yaml$/, ""))
  .sort();
for (const vendor of vendors) {
  run(bin("redocly"), ["build-docs", `specs/${vendor}.yaml`, "--output", `docs/${vendor}.html`]);
}
run(bin("typedoc"), [
  "--out",
  "docs/api",
  "--tsconfig",
  "tsconfig.build.json",
  "--name",
  "bulk-user-import",
  "--readme",
  "none",
  "--excludePrivate",
  "--validation.notExported",
  "false",
  "--entryPoints",
  "src/index.ts",
  "src/testing/index.ts",
]);

const items = vendors.map(
  (v) => `<li><a href="${v}.html">${v}</a>: the vendor API as our spec describes it</li>`,
);
writeFileSync(
  path.join(docs, "index.html"),
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bulk-user-import reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;line-height:1.5}</style></head>
<body>
<h1>bulk-user-import reference</h1>
<h2>Vendor APIs (from <code>specs/</code>)</h2>
<ul>${items.join("")}</ul>
<h2>Library</h2>
<ul><li><a href="api/index.html">API reference</a>: clients, error unions, the import engine, simulators</li></ul>
</body></html>
`,
);
console.log(`docs/: ${vendors.map((v) => `${v}.html`).join(", ")}, api/, index.html`);
