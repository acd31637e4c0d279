// A long text is cut for the report (a vendor's reason, a record's thrown message, a field's path), and a cut
// by UTF-16 code units could fall inside a character beyond U+FFFF: the report then held a lone surrogate,
// which a report file shows as U+FFFD and a strict reader refuses. Every cut keeps whole characters, also at
// the edges of the surrogate ranges (U+10000, whose halves are the lowest of their ranges, and U+10FFFF, the
// highest), and a text exactly as long as its limit is kept whole, with no `…` standing for nothing cut.
import { describe, expect, it } from "vitest";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { validateFullStoryUser } from "../../src/fullstory/validate.js";
import { outcomeOfRefusal, outcomeOfThrowingRecord } from "../support/test-adapter.js";

const EMOJI = "😀";
const FIRST = "\u{10000}";
const LAST = "\u{10FFFF}";

/** `length` code units of `a` with an emoji whose two halves sit at `at - 1` and `at`. */
const straddling = (at: number, length: number) =>
  `${"a".repeat(at - 1)}${EMOJI}${"a".repeat(length - at - 1)}`;

/** A reason longer than the report keeps (1,500 code units of each end), `start`, `end` astride its cuts. */
const astride = (start: string, end: string) =>
  `${"a".repeat(1_499)}${start}${"b".repeat(3_000)}${end}${"c".repeat(1_499)}`;

const wellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

describe("a text cut for the report", () => {
  it("a very long vendor reason keeps whole characters at both edges of its cut", async () => {
    // The report keeps 1,500 code units of each end: an emoji straddles both edges.
    const reason = `${straddling(1_500, 1_600)}${"b".repeat(2_000)}${EMOJI}${"c".repeat(1_499)}`;
    const outcome = await outcomeOfRefusal(reason);

    expect(outcome).toMatchObject({ outcome: "failed", code: "refused" });
    const cut = outcome?.outcome === "failed" ? outcome.reason : "";
    expect(cut).toMatch(/characters cut/);
    expect(wellFormed(cut)).toBe(true);
    // What was cut is counted in characters (both emoji are in it): kept and cut make up the vendor's text.
    const [, count] = /\[…(\d+) characters cut…\]/.exec(cut) ?? [];
    const characters = (text: string) => [...text].length;
    expect(characters(cut) - characters(` […${count} characters cut…] `) + Number(count)).toBe(
      characters(reason),
    );
  });

  it("a cut of emoji counts each as one character, not as its two UTF-16 halves", async () => {
    const outcome = await outcomeOfRefusal(
      `${"a".repeat(1_500)}${EMOJI.repeat(1_000)}${"c".repeat(1_500)}`,
    );

    const cut = outcome?.outcome === "failed" ? outcome.reason : "";
    expect(/\[…(\d+) characters cut…\]/.exec(cut)?.[1]).toBe("1000");
    expect(cut.startsWith(`${"a".repeat(1_500)} […`)).toBe(true);
    expect(cut).toMatch(/…\] c{1500}/);
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

describe("a long vendor reason cut for the report", () => {
  it.each([
    ["U+10000 at the start's cut, U+10FFFF at the end's", FIRST, LAST],
    ["U+10FFFF at the start's cut, U+10000 at the end's", LAST, FIRST],
  ])("%s: whole characters at both cuts", async (_name, start, end) => {
    const outcome = await outcomeOfRefusal(astride(start, end));

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
