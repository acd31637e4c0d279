/**
 * The module of `vendor` at `pattern` (`%s` its name) under the repository root, for `import()`: each
 * vendor's files are where CONTRIBUTING's "Adding a vendor" puts them, so tests find them by name. A path
 * built at run time, as Vite reads a template in `import()` as a glob of the files as written (`.js`).
 */
export const vendorFile = (vendor: string, pattern: string): string =>
  new URL(`../../${pattern.replace("%s", vendor)}`, import.meta.url).href;
