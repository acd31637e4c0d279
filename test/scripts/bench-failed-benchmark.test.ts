// `npm run bench` runs for some 13 minutes. A benchmark that throws (a child that crashes) must fail the run
// (exit code 1) without losing what the benchmarks that ran measured: bench-results.json is still written,
// naming the one that failed. Uncaught, the throw ended the run before anything was written.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { tempDir } from "../support/temp-dir.js";

const argv = process.argv;
const exitCode = process.exitCode;

afterEach(() => {
  process.argv = argv;
  process.exitCode = exitCode;
});

it("a benchmark that throws fails the run, and the results are still written", async () => {
  const out = path.join(tempDir("bench-failed-"), "results.json");
  // Run from the sources, the bench finds no built child script (`slashid-placement.js`): its child exits 1,
  // and the benchmark throws, as one whose child crashed does.
  process.argv = [...argv.slice(0, 2), "--only", "slashid-placement", "--results", out];
  vi.resetModules();
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await import("../../scripts/bench/main.js");
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const failedRun = process.exitCode;
  expect(existsSync(out)).toBe(true);
  const results = JSON.parse(readFileSync(out, "utf8")) as { failed: { name: string }[] };
  expect(results.failed.map((f) => f.name)).toEqual(["slashid-placement"]);
  expect(failedRun).toBe(1);
});
