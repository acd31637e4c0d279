// `npm run bench -- --only <names>` and `npm run soak -- --only <names>` pick what runs. A misspelt name
// (`pipline`, `fulstory`) picked nothing: the bench overwrote bench-results.json with no entries and said
// "every target holds", the soak said "soak passed", both exit 0. Either must refuse the name before it
// runs or writes anything.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { tempDir } from "../support/temp-dir.js";

const argv = process.argv;
const exitCode = process.exitCode;

afterEach(() => {
  process.argv = argv;
  process.exitCode = exitCode;
});

/** Imports `script` with `args`; what it wrote to stderr and the code it exited with, if it did. */
async function run(script: string, args: readonly string[]) {
  process.argv = [...argv.slice(0, 2), ...args];
  vi.resetModules();
  let stderr = "";
  const exited: unknown[] = [];
  const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
    exited.push(code);
    throw new Error("process.exit");
  });
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, "write").mockImplementation((text) => {
    stderr += String(text);
    return true;
  });
  try {
    await import(script).catch((error: unknown) => {
      if (!(error instanceof Error && error.message === "process.exit")) throw error;
    });
  } finally {
    exit.mockRestore();
    out.mockRestore();
    err.mockRestore();
  }
  return { stderr, exited };
}

it("the bench refuses an unknown name in --only, and writes no results", async () => {
  const results = path.join(tempDir("bench-only-"), "results.json");
  const { stderr, exited } = await run("../../scripts/bench/main.js", [
    "--only",
    "csv,pipline",
    "--results",
    results,
  ]);
  expect(exited).toEqual([2]);
  expect(stderr).toContain('no benchmark is called "pipline"');
  expect(existsSync(results)).toBe(false);
});

it("the soak refuses an unknown name in --only", async () => {
  const { stderr, exited } = await run("../../scripts/soak/main.js", ["--only", "fulstory"]);
  expect(exited).toEqual([2]);
  expect(stderr).toContain('nothing is called "fulstory"');
});
