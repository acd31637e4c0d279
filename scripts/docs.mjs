// `npm run docs`: docs/<vendor>.html (each spec's reference, rendered by Redoc), docs/api/ (the library's
// API reference, built by TypeDoc from the sources' JSDoc, one module per import path) and docs/index.html
// linking them. Every page works offline and from file://: Redoc's script and the spec are inlined, and
// its links are #fragments.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { checkDocsHtml } from "./docs-html-check.mjs";
import { entryPoints } from "./docs-entry-points.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const docs = path.join(root, "docs");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (command, args) =>
  execFileSync(command, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
rmSync(docs, { recursive: true, force: true });
mkdirSync(docs, { recursive: true });

// The bundle's one remote asset is the "API docs by Redocly" logo: an empty image in its place keeps the
// pages off the network (docs:check fails on any request that leaves the machine).
const REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const redocBundle = readFileSync(
  createRequire(import.meta.url).resolve("redoc/bundles/redoc.standalone.js"),
  "utf8",
);
if (!redocBundle.includes(REDOCLY_LOGO))
  throw new Error(`redoc's bundle no longer names ${REDOCLY_LOGO}`);
const redoc = redocBundle.replaceAll(
  REDOCLY_LOGO,
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E",
);
// JSON inside <script> must not close the element or open a comment.
const scriptSafe = (value) => JSON.stringify(value).replace(/</g, "\\u003c");
const escapeHtml = (text) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

const vendors = readdirSync(path.join(root, "specs"))
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => file.replace(/\.yaml$/, ""))
  .sort();
const titles = {};
for (const vendor of vendors) {
  const spec = parse(readFileSync(path.join(root, "specs", `${vendor}.yaml`), "utf8"));
  titles[vendor] = spec.info?.title ?? vendor;
  const options = { hideHostname: false, expandResponses: "200,201,202", disableSearch: false };
  writeFileSync(
    path.join(docs, `${vendor}.html`),
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(titles[vendor])}: bulk-user-import reference</title>
<style>body{margin:0;padding:0}</style></head>
<body><div id="redoc"></div>
<script>${redoc}</script>
<script>Redoc.init(${scriptSafe(spec)}, ${scriptSafe(options)}, document.getElementById("redoc"));</script>
</body></html>
`,
  );
}

const modules = entryPoints(root);
run(bin("typedoc"), [
  "--options",
  "scripts/docs-typedoc.config.mjs",
  "--out",
  "docs/api",
  "--entryPoints",
  ...modules.map((m) => m.source),
]);

const specItems = vendors.map(
  (v) =>
    `<li><a href="${v}.html">${escapeHtml(titles[v])}</a>: the vendor API as <code>specs/${v}.yaml</code> describes it</li>`,
);
writeFileSync(
  path.join(docs, "index.html"),
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bulk-user-import reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;line-height:1.5}</style></head>
<body>
<h1>bulk-user-import reference</h1>
<h2>Vendor APIs (from <code>specs/</code>)</h2>
<ul>${specItems.join("")}</ul>
<h2>Library</h2>
<p><a href="api/index.html">API reference</a>: clients, error unions, the import engine, simulators,
one module per import path:</p>
<ul>${modules.map((m) => `<li><code>${m.importPath}</code></li>`).join("")}</ul>
</body></html>
`,
);
console.log(`docs/: ${vendors.map((v) => `${v}.html`).join(", ")}, api/, index.html`);

// Without a browser in seconds, so CI's build of the docs fails on a broken link or anchor (README's too).
const { links, problems } = checkDocsHtml(docs);
console.log(`docs/: ${links} links checked`);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exitCode = 1;
}
