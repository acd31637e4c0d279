// A file's format is told by its extension whatever its case: Windows tools and old exports save `USERS.CSV`
// or `Export.JSON`, which a case-sensitive check refused as of no known format (exit 2, nothing read).
import { describe, expect, it } from "vitest";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-extension-case-");
const ONE_USER: Record<string, string> = {
  ndjson: '{"uid":"u-1"}\n',
  json: '[{"uid":"u-1"}]',
  csv: "uid\nu-1\n",
};

describe("an input file's extension in capitals", () => {
  for (const [name, format] of [
    ["USERS.NDJSON", "ndjson"],
    ["users.JSONL", "ndjson"],
    ["Export.Json", "json"],
    ["USERS.CSV", "csv"],
  ] as const) {
    it(`${name}: read as ${format}`, async () => {
      const result = await cli(["import", "fullstory", file(name, ONE_USER[format]), "--dry-run"]);
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe("dry run: 1 records, 1 valid, 0 rejected; nothing was sent\n");
      expect(result.code).toBe(0);
    });
  }
});
