// Most tools write an .ndjson file's last record without a line end. The report names the line each record
// came from, blank lines counted: that last record's line is its own, not the line of the record before it,
// whether it was imported or rejected (its reason names the same line).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { containing } from "../support/matchers.js";
import {
  cli,
  fullStoryUsers,
  servedFullStory,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-ndjson-last-line-");
const serve = useServedSimulators();

/** The report file's outcome lines, by record index: each one's outcome, line and reason. */
function outcomesOf(report: string) {
  return readFileSync(report, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l["kind"] === "outcome")
    .sort((a, b) => Number(a["index"]) - Number(b["index"]))
    .map(({ outcome, line, reason }) => ({ outcome, line, reason }));
}

describe("an .ndjson file whose last line has no line end", () => {
  const [a, b] = fullStoryUsers(2, "ll").map((user) => JSON.stringify(user));

  it("the report gives its record that line, after a blank line", async () => {
    const input = file("last-imported.ndjson", `${a}\n\n${b}`);
    const report = file("last-imported-report.ndjson");
    const { base } = await servedFullStory(serve);

    const run = await cli(["import", "fullstory", input, ...base, "--report", report]);

    expect(run.code).toBe(0);
    expect(outcomesOf(report)).toEqual([
      { outcome: "imported", line: 1, reason: undefined },
      { outcome: "imported", line: 3, reason: undefined },
    ]);
  });

  it("rejected, it is named by that line in the report as in its reason", async () => {
    const input = file("last-rejected.ndjson", `${a}\n${b}\n\n{"uid": ll-x}`);
    const report = file("last-rejected-report.ndjson");
    const { base } = await servedFullStory(serve);

    const run = await cli(["import", "fullstory", input, ...base, "--report", report]);

    expect(run.code).toBe(1);
    expect(outcomesOf(report)).toEqual([
      { outcome: "imported", line: 1, reason: undefined },
      { outcome: "imported", line: 2, reason: undefined },
      { outcome: "rejected", line: 4, reason: containing(": line 4: ") },
    ]);
  });
});
