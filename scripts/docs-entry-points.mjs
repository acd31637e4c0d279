// The package's public entry points, read from package.json's exports: each import path with the source
// file it is built from (a wildcard export expands to every module it matches).
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/** @returns {{ importPath: string, source: string }[]} sources relative to `root` */
export function entryPoints(root) {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    // Types sit under `import`, as the package has no CommonJS entry (see check-package's CommonJS pass).
    const types = typeof target === "string" ? undefined : target.import?.types;
    if (!types) continue;
    const source = types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts");
    const importPath = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    if (!source.includes("*")) {
      entries.push({ importPath, source });
      continue;
    }
    const [before, after] = source.split("*");
    for (const file of readdirSync(path.join(root, before)).sort()) {
      if (!file.endsWith(after)) continue;
      const name = file.slice(0, -after.length);
      entries.push({
        importPath: importPath.replace("*", name),
        source: `${before}${name}${after}`,
      });
    }
  }
  return entries;
}
