// README's first table gives each vendor of src/vendors.ts a row: its operations (each client has one method
// per operationId of its spec) and its import path. An operation added to a spec, or a vendor added, must
// show there.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VENDOR_NAMES } from "../../src/vendors.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const readme = read("README.md");

describe("README's table of vendors", () => {
  it.each(VENDOR_NAMES)("has a row for %s naming every operation of its spec", (vendor) => {
    const row = readme
      .split("\n")
      .find((line) => line.startsWith("|") && line.includes(`\`bulk-user-import/${vendor}\``));
    expect(
      row,
      `README's table of vendors has no row naming \`bulk-user-import/${vendor}\``,
    ).toBeDefined();
    const named = [...(row ?? "").matchAll(/`(\w+)`/g)].map((m) => m[1]).sort();
    const operations = [...read(`specs/${vendor}.yaml`).matchAll(/^\s+operationId: (\w+)\s*$/gm)]
      .map((m) => m[1])
      .sort();
    expect(operations.length).toBeGreaterThan(0);
    expect(named).toEqual(operations);
  });
});
