// Type-checked lint rules (typescript-eslint) over the library, its tests and scripts; `npm run check` runs it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeGlobals = Object.fromEntries(
  [
    "process",
    "console",
    "Buffer",
    "URL",
    "URLSearchParams",
    "setTimeout",
    "clearTimeout",
    "fetch",
    "Response",
    "Request",
    "Headers",
    "TextDecoder",
    "TextEncoder",
    "AbortController",
    "structuredClone",
  ].map((name) => [name, "readonly"]),
);

export default tseslint.config(
  { ignores: ["dist/**", "docs/**", "generated/**", "node_modules/**", "docs-screenshots/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: nodeGlobals,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
