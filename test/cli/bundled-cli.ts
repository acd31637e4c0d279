// src/cli/main.ts bundled to JavaScript, so the CLI runs as a process of its own, as an operator runs it.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * Bundles the CLI before the file's tests and removes it after them; the returned function gives the path of
 * its main.js. The optional peers (faker, ajv: the demo's) are left out of the bundle and found through a
 * link to the project's node_modules beside it.
 */
export function useBundledCli(): () => string {
  const dir = mkdtempSync(path.join(tmpdir(), "bui-bundle-"));
  beforeAll(async () => {
    symlinkSync(path.resolve("node_modules"), path.join(dir, "node_modules"), "dir");
    const { build } = await import("rolldown");
    await build({
      input: "src/cli/main.ts",
      platform: "node",
      logLevel: "silent",
      external: [/^node:/, "@faker-js/faker", "ajv", "ajv-formats", "msw"],
      output: { dir, format: "esm" },
    });
  }, 60_000);
  // The link goes, not what it leads to: rm does not follow links.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => path.join(dir, "main.js");
}
