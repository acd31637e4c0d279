/**
 * The export `name` of `vendor`'s module at `pattern` (`%s` its name, from the repository root): each
 * vendor's files are where CONTRIBUTING's "Adding a vendor" puts them, so tests find them by name. A module
 * without the export is an error naming both, as a static import's type error would. The URL is built at run
 * time, as Vite reads a template in `import()` as a glob of the files as written (`.js`, `.ts` on disk).
 */
export async function vendorExport(
  vendor: string,
  pattern: string,
  name: string,
): Promise<unknown> {
  const file = pattern.replace("%s", vendor);
  const module = (await import(new URL(`../../${file}`, import.meta.url).href)) as Record<
    string,
    unknown
  >;
  if (module[name] === undefined)
    throw new Error(`${file.replace(/\.js$/, ".ts")} has no export ${name} (CONTRIBUTING.md)`);
  return module[name];
}
