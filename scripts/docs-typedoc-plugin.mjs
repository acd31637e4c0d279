// TypeDoc plugin, for what a reader of the API reference sees:
// - each module page is titled by the import path a consumer writes (`bulk-user-import/fullstory`), not by
//   its source file's name;
// - the specs' descriptions, which openapi-typescript writes into generated/ indented by 4 spaces after an
//   `@description` line, are dedented, else Markdown reads each paragraph after the first as a code block;
// - generated/'s `paths` and `components`, which a vendor entry re-exports under its own names and which
//   carry no comment of their own, say what they are;
// - a re-export (a vendor module's `ApiError`, `ImportReport`, …) is listed with its target's summary, so a
//   vendor module page says what each of its types is for.
import path from "node:path";
import { Comment, Converter, ReflectionKind, RendererEvent } from "typedoc";
import { entryPoints } from "./docs-entry-points.mjs";

const GENERATED = {
  paths: (spec) =>
    `The operations of \`${spec}\` by path and method, as openapi-typescript types them.`,
  components: (spec) =>
    `The schemas, parameters and responses of \`${spec}\`, as openapi-typescript types them.`,
};

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
    for (const reflection of Object.values(context.project.reflections)) {
      describeGenerated(context.project, reflection);
      const comments = [reflection.comment];
      if ("signatures" in reflection)
        comments.push(...(reflection.signatures ?? []).map((s) => s.comment));
      for (const comment of comments) {
        for (const tag of comment?.blockTags ?? []) {
          if (tag.tag !== "@description") continue;
          for (const part of tag.content) {
            if (part.kind === "text") part.text = part.text.replace(/\n {4}/g, "\n");
          }
        }
      }
    }
  });
  // After links are resolved, so a shared comment keeps the links its target resolved.
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    for (const reflection of Object.values(event.project.reflections)) {
      if (!reflection.isReference() || reflection.comment) continue;
      const target = reflection.getTargetReflectionDeep();
      const comment =
        target.comment ?? ("signatures" in target ? target.signatures?.[0]?.comment : undefined);
      if (comment) reflection.comment = comment;
    }
  });
}

/**
 * @param {import("typedoc").ProjectReflection} project
 * @param {import("typedoc").Reflection} reflection
 */
function describeGenerated(project, reflection) {
  if (reflection.comment || !reflection.kindOf(ReflectionKind.Interface)) return;
  const file = reflection.sources?.[0]?.fullFileName;
  const symbol = project.getSymbolIdFromReflection(reflection);
  const describe = symbol === undefined ? undefined : GENERATED[symbol.qualifiedName];
  if (file === undefined || describe === undefined) return;
  const generated = path.relative(process.cwd(), file).split(path.sep);
  if (generated.length !== 2 || generated[0] !== "generated") return;
  const spec = `specs/${generated[1].replace(/\.ts$/, ".yaml")}`;
  reflection.comment = new Comment([{ kind: "text", text: describe(spec) }]);
}
