// TypeDoc plugin: each module page is titled by the import path a consumer writes
// (`bulk-user-import/fullstory`), not by its source file's name.
import path from "node:path";
import { Converter, ReflectionKind } from "typedoc";
import { entryPoints } from "./docs-entry-points.mjs";

/** @param {import("typedoc").Application} app */
export function load(app) {
  const root = process.cwd();
  const bySource = new Map(
    entryPoints(root).map(({ importPath, source }) => [path.resolve(root, source), importPath]),
  );
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const symbol = context.project.getSymbolIdFromReflection(module);
      const file = symbol?.fileName ?? module.sources?.[0]?.fullFileName;
      const importPath = file === undefined ? undefined : bySource.get(path.resolve(file));
      if (importPath === undefined) {
        app.logger.error(`no import path for the TypeDoc module ${module.name} (${file})`);
        continue;
      }
      module.name = importPath;
    }
  });
}
