// TypeDoc settings for `npm run docs`: one module per package entry point, and zero warnings.
import { OptionDefaults } from "typedoc";

export default {
  name: "bulk-user-import",
  // Paths here are relative to this file.
  tsconfig: "../tsconfig.build.json",
  // The API reference opens on README.md, as the package's page does.
  readme: "../README.md",
  // README links CONTRIBUTING.md: rendered as a page of its own rather than copied as a raw .md file.
  projectDocuments: ["../CONTRIBUTING.md"],
  // A module page lists each export with the first paragraph of its comment, so an integrator sees what
  // each client, option type and failure code is for without opening every page.
  useFirstParagraphOfCommentAsSummary: true,
  excludePrivate: true,
  // openapi-typescript writes the specs' descriptions and constants as these tags in generated/.
  blockTags: [...OptionDefaults.blockTags, "@description", "@constant"],
  // Source links go to the public repository whatever remote (if any) this clone has.
  sourceLinkTemplate:
    "https://github.com/bulk-user-import/bulk-user-import/blob/{gitRevision}/{path}#L{line}",
  gitRevision: "main",
  // A public signature may use only types some entry point exports, so a consumer can name what the API
  // hands them (CI runs `npm run docs`).
  validation: { notExported: true, invalidLink: true, notDocumented: false },
  // Every generated/<vendor>.operations.ts table: a runtime constant the package keeps internal, whose type
  // consumers name as `<Vendor>OperationTable` (declared as `typeof operations`).
  intentionallyNotExported: [".operations.ts:operations"],
  treatWarningsAsErrors: true,
  sort: ["source-order"],
  plugin: ["./docs-typedoc-plugin.mjs"],
};
