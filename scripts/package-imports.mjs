// The packages a built file names in its imports, as TypeScript's scanner reads them (comments and
// strings aside): static imports, `export … from`, and `import("…")`, which covers the CLI's lazy imports
// of the optional peers (a resolve hook sees only the ones a run reaches) and a declaration's type imports.
// Calls named require are left out: this package is ESM, and its CLI has a `settings.require(flag)`.
import { builtinModules } from "node:module";
import ts from "typescript";

/** @param {string} specifier a bare specifier: `pkg`, `pkg/sub`, `@scope/pkg/sub` */
function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * The packages that `code` imports which are neither Node builtins nor in `declared`.
 * @param {string} code
 * @param {ReadonlySet<string>} declared
 * @returns {string[]}
 */
export function undeclaredImports(code, declared) {
  const found = new Set();
  for (const { fileName } of ts.preProcessFile(code, true, false).importedFiles) {
    if (/^(\.|\/|node:|file:|data:)/.test(fileName)) continue;
    const name = packageOf(fileName);
    if (!declared.has(name) && !builtinModules.includes(name)) found.add(name);
  }
  return [...found];
}
