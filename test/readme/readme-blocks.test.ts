// Every ```ts block of README.md compiles as a consumer's module: each is its own file, imports the
// package by its published subpaths (`bulk-user-import/fullstory`, …) and may use only what it declares
// or imports, plus Node's globals.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { codeBlocks } from "../../scripts/code-blocks.mjs";
import { sourcePathsFromExports } from "./package-paths.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const blocks = codeBlocks(readme, "ts");

// Inside node_modules so that the blocks' own imports (`msw/node`, …) and @types/node resolve as they would
// in a consumer's project that installed this package.
const cache = path.join(root, "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(path.join(cache, "readme-blocks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: true,
    // A snippet may make a value it does not go on to use (a server, a client to show how it is made).
    noUnusedLocals: false,
    noUnusedParameters: false,
    moduleDetection: ts.ModuleDetectionKind.Force,
    paths: sourcePathsFromExports(root),
  };
}

function diagnosticsByBlock(): Map<number, string[]> {
  const files = blocks.map((block, i) => {
    const file = path.join(dir, `block-${i + 1}-line-${block.line}.ts`);
    writeFileSync(file, block.code);
    return file;
  });
  const program = ts.createProgram(files, compilerOptions());
  const byBlock = new Map<number, string[]>();
  files.forEach((file, i) => {
    const source = program.getSourceFile(file);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    byBlock.set(
      i,
      diagnostics.map((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
        if (d.file === undefined || d.start === undefined) return message;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        const where =
          d.file === source
            ? `README.md:${(blocks[i]?.line ?? 0) + line}`
            : `${path.relative(root, d.file.fileName)}:${line + 1}`;
        return `${where}: ${message}`;
      }),
    );
  });
  return byBlock;
}

describe("README.md's TypeScript blocks", () => {
  it("has blocks to check", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  const diagnostics = diagnosticsByBlock();
  it.each(blocks.map((block, i) => ({ i, line: block.line })))(
    "the block at README.md:$line compiles as a consumer's module",
    ({ i }) => {
      expect(diagnostics.get(i)).toEqual([]);
    },
  );
});
