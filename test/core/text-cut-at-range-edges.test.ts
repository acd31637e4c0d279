// The cuts of a report's text at their edges: the first and the last characters beyond U+FFFF (U+10000, whose
// halves are the lowest of their ranges, and U+10FFFF, the highest) are whole characters as an emoji is, and
// a text exactly as long as its limit is kept whole, with no `…` standing for nothing cut.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { outcomeOfThrowingRecord, testAdapter } from "../support/test-adapter.js";

const FIRST = "\u{10000}";
const LAST = "\u{10FFFF}";

/** A reason longer than the report keeps (1,500 code units of each end), `start` and `end` astride its cuts. */
const astride = (start: string, end: string) =>
  `${"a".repeat(1_499)}${start}${"b".repeat(3_000)}${end}${"c".repeat(1_499)}`;

const wellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

describe("a long vendor reason cut for the report", () => {
  it.each([
    ["U+10000 at the start's cut, U+10FFFF at the end's", FIRST, LAST],
    ["U+10FFFF at the start's cut, U+10000 at the end's", LAST, FIRST],
  ])("%s: whole characters at both cuts", async (_name, start, end) => {
    const reason = astride(start, end);
    const adapter = testAdapter<{ id: string }>((chunk) =>
      Promise.resolve({
        kind: "done",
        outcomes: chunk.items.map(() => ({ ok: false, code: "refused", reason })),
      }),
    );

    const report = await runImport(adapter, [{ id: "u0" }]);

    const [outcome] = report.outcomes;
    const cut = outcome?.outcome === "failed" ? outcome.reason : "";
    expect(cut).toMatch(/characters cut/);
    expect(wellFormed(cut)).toBe(true);
  });
});

describe("a record that throws a message exactly as long as a rejection quotes (200 characters)", () => {
  it("is quoted whole", async () => {
    const thrown = `${"a".repeat(199)}z`;
    expect(await outcomeOfThrowingRecord(thrown)).toMatchObject({
      outcome: "rejected",
      reason: `record 0 (#0): reading it threw: ${thrown}`,
    });
  });
});
