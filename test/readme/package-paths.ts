// TypeScript `paths` that resolve each of package.json's subpath exports to the source file it is built
// from, so README code compiles exactly as a consumer's would import it, without a build.
import { readFileSync } from "node:fs";
import path from "node:path";

type ExportTarget = string | { import?: { types?: string; default?: string } };

export function sourcePathsFromExports(root: string): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, ExportTarget>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typeof target === "string" ? undefined : target.import?.types;
    if (!types) continue;
    const source = types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts");
    const specifier = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    paths[specifier] = [path.join(root, source)];
  }
  return paths;
}
