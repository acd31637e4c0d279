// TypeDoc settings for `npm run docs`: one module per package entry point, and zero warnings.
import { OptionDefaults } from "typedoc";

export default {
  name: "bulk-user-import",
  // Paths here are relative to this file.
  tsconfig: "../tsconfig.build.json",
  readme: "none",
  excludePrivate: true,
  // openapi-typescript writes the specs' descriptions and constants as these tags in generated/.
  blockTags: [...OptionDefaults.blockTags, "@description", "@constant"],
  // Source links go to the public repository whatever remote (if any) this clone has.
  sourceLinkTemplate:
    "https://github.com/bulk-user-import/bulk-user-import/blob/{gitRevision}/{path}#L{line}",
  gitRevision: "main",
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  treatWarningsAsErrors: true,
  sort: ["source-order"],
  plugin: ["./docs-typedoc-plugin.mjs"],
};
