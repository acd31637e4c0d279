// A long text is cut for the report (a vendor's reason, a record's thrown message, a field's path), and a cut
// by UTF-16 code units could fall inside a character beyond U+FFFF: the report then held a lone surrogate,
// which a report file shows as U+FFFD and a strict reader refuses. Every cut keeps whole characters.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { validateFullStoryUser } from "../../src/fullstory/validate.js";
import { outcomeOfThrowingRecord, testAdapter } from "../support/test-adapter.js";

const EMOJI = "😀";

/** `length` code units of `a` with an emoji whose two halves sit at `at - 1` and `at`. */
const straddling = (at: number, length: number) =>
  `${"a".repeat(at - 1)}${EMOJI}${"a".repeat(length - at - 1)}`;

const wellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

describe("a text cut for the report", () => {
  it("a very long vendor reason keeps whole characters at both edges of its cut", async () => {
    // The report keeps 1,500 code units of each end: an emoji straddles both edges.
    const reason = `${straddling(1_500, 1_600)}${"b".repeat(2_000)}${EMOJI}${"c".repeat(1_499)}`;
    const adapter = testAdapter<{ id: string }>((chunk) =>
      Promise.resolve({
        kind: "done",
        outcomes: chunk.items.map(() => ({ ok: false, code: "refused", reason })),
      }),
    );

    const report = await runImport(adapter, [{ id: "u0" }]);

    const [outcome] = report.outcomes;
    expect(outcome).toMatchObject({ outcome: "failed", code: "refused" });
    const cut = outcome?.outcome === "failed" ? outcome.reason : "";
    expect(cut).toMatch(/characters cut/);
    expect(wellFormed(cut)).toBe(true);
    // What was cut is counted: what is kept and what is cut make up the vendor's text.
    const [, count] = /\[…(\d+) characters cut…\]/.exec(cut) ?? [];
    expect(cut.length - ` […${count} characters cut…] `.length + Number(count)).toBe(reason.length);
  });

  it("a record that throws a long message when read is rejected quoting whole characters", async () => {
    const outcome = await outcomeOfThrowingRecord(straddling(199, 300));

    expect(outcome).toMatchObject({ outcome: "rejected", rule: "test.unreadable_record" });
    expect(wellFormed(outcome?.outcome === "rejected" ? outcome.reason : "")).toBe(true);
  });

  it("a record that throws a long message when read is rejected quoting its first 200 characters", async () => {
    // A lazy source's error may carry a whole response body: each rejection quotes a bounded start of it.
    const thrown = `${"a".repeat(199)}${"b".repeat(301)}`;
    expect(await outcomeOfThrowingRecord(thrown)).toMatchObject({
      outcome: "rejected",
      rule: "test.unreadable_record",
      reason: `record 0 (#0): reading it threw: ${"a".repeat(199)}…`,
    });
  });

  it("a vendor's words clipped into an error keep whole characters", () => {
    const secrets = new SecretSet();
    secrets.add("a-client-secret-value");
    expect(wellFormed(secrets.clip(straddling(300, 400), 300))).toBe(true);
  });

  it("a field named in a rejection is cut between characters", () => {
    const name = straddling(77, 90);
    const problems = validateFullStoryUser({ uid: "u", properties: { [name]: 1 } });
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(wellFormed(problem.message)).toBe(true);
  });
});
