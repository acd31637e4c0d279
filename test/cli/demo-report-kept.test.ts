// demo --report opens the report before the imports (so an unwritable one stops it early) without emptying
// it: a demo that ends early (an import that throws, a missing fixture, a Ctrl-C) leaves an earlier report
// as it was, and no empty "report" it created.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { demoCommand } from "../../src/cli/demo-command.js";
import { tempDir } from "../support/temp-dir.js";

const stream = () => new PassThrough() as unknown as NodeJS.WriteStream;
// No fixtures: the demo stops at its first vendor, after opening the report.
const noFixtures = () => Promise.resolve(new Map());

describe("demo --report when the demo ends before writing it", () => {
  it("leaves an earlier report as it was", async () => {
    const file = path.join(tempDir("review-demo-"), "report.json");
    writeFileSync(file, "[] (the report of an earlier demo)\n");
    await expect(demoCommand(3, stream(), stream(), file, noFixtures)).rejects.toThrow(
      /no demo fixtures/,
    );
    expect(readFileSync(file, "utf8")).toBe("[] (the report of an earlier demo)\n");
  });

  it("leaves no empty report behind", async () => {
    const file = path.join(tempDir("review-demo-"), "report.json");
    await expect(demoCommand(3, stream(), stream(), file, noFixtures)).rejects.toThrow(
      /no demo fixtures/,
    );
    expect(existsSync(file)).toBe(false);
  });
});
