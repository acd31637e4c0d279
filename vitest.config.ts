import { readFileSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

/** Every test file and helper under test/, by path relative to the root. */
const files = readdirSync("test", { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .map((name) => path.join("test", name));
const MOCKS = /\bvi\.(mock|doMock|unmock|doUnmock|resetModules|stubEnv|stubGlobal)\(/;

/**
 * Files that replace modules or globals, or import a helper that does: each needs modules of its own.
 * Every other file shares its worker's modules with the files before it, which saves most of the suite's time
 * (each file evaluated the library's modules again: about 300 s of a 400 s run).
 */
function needingFreshModules(): string[] {
  const imports = new Map(
    files.map((file) => {
      const text = readFileSync(file, "utf8");
      const relative = [...text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map((m) =>
        path.join(path.dirname(file), m[1]!.replace(/\.js$/, ".ts")),
      );
      return [file, { mocks: MOCKS.test(text), relative }] as const;
    }),
  );
  const fresh = new Set<string>();
  const needs = (file: string, seen: Set<string>): boolean => {
    if (fresh.has(file)) return true;
    const entry = imports.get(file);
    if (entry === undefined || seen.has(file)) return false;
    seen.add(file);
    return entry.mocks || entry.relative.some((next) => needs(next, seen));
  };
  for (const file of files) if (needs(file, new Set())) fresh.add(file);
  return [...fresh].filter((file) => file.endsWith(".test.ts"));
}

const isolated = needingFreshModules();

export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 20_000,
    // Evaluated again for each test file, shared modules or not: removes the file's temporary directories,
    // and fails a file that leaves global state (fake timers, process.env, a listener, a spy) behind.
    setupFiles: ["test/support/after-each-file.ts"],
    // Vitest's default leaves a core to its main process, which on a two-core machine runs one file at a
    // time; the tests spend much of their time waiting on sockets and child processes, so every core takes a
    // file.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        extends: true,
        test: { name: "shared", include: ["test/**/*.test.ts"], exclude: isolated, isolate: false },
      },
      { extends: true, test: { name: "isolated", include: isolated, isolate: true } },
    ],
  },
});
