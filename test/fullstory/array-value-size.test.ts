// FullStory's per-value byte limit for an array property is measured on the array's JSON text (the spec's
// `x-max-value-bytes`): an array of exactly the limit is sent, one byte more is refused before sending, and
// the message states the true size, whatever the items (escaped or multi-byte text, decimals, exponents).
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { FULLSTORY_LIMITS, importUsers, validateFullStoryUser } from "../../src/fullstory/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();
const LIMIT = FULLSTORY_LIMITS.propertyValueBytes;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

/**
 * `items` followed by single-digit and two-digit integers (2 and 3 bytes with their comma) that bring the
 * array's JSON text to exactly `target` bytes; `items` must leave at least 2 bytes to fill.
 */
function padded(items: readonly unknown[], target: number): unknown[] {
  const array = [...items];
  let rest = target - jsonBytes(array);
  if (rest < 2) throw new Error(`items take ${jsonBytes(array)} bytes, too many for ${target}`);
  if (rest % 2 === 1) {
    array.push(10);
    rest -= 3;
  }
  for (; rest > 0; rest -= 2) array.push(0);
  return array;
}

/** As many copies of `item` as fit in `target` bytes with room to pad, then padded to exactly `target`. */
function filledWith(item: unknown, target: number): unknown[] {
  const each = jsonBytes(item) + 1;
  const copies = Math.max(1, Math.floor((target - 5) / each));
  return padded(
    Array.from({ length: copies }, () => item),
    target,
  );
}

function sizeProblems(tags: unknown[]) {
  return validateFullStoryUser({ uid: "u", properties: { tags } });
}

const items: [string, unknown][] = [
  ["a decimal", 0.5],
  ["a repeating decimal", 1 / 3],
  ["the longest number text", -1.2345678901234567e-6],
  ["an exponent", 1e21],
  ["a negative exponent", 1e-7],
  ["the smallest double", 5e-324],
  ["the largest double", Number.MAX_VALUE],
  ["negative zero", -0],
  ["an integer of 16 digits", 1e15 + 1],
  ["the largest integer below 1e21", 999999999999999900000],
  ["a negative integer of 21 digits", -1e20],
  ["a quote", '"'],
  ["a backslash", "\\"],
  ["a newline", "\n"],
  ["a control character", "\u0001"],
  ["the last control character (U+001F)", "\u001f"],
  ["DEL (not escaped)", "\u007f"],
  ["a two-byte letter", "é"],
  ["a three-byte sign", "€"],
  ["an astral emoji", "😀"],
  ["a line separator (not escaped)", "\u2028"],
  ["64 quotes", '"'.repeat(64)],
  ["65 quotes", '"'.repeat(65)],
  ["4,000 quotes", '"'.repeat(4000)],
  ["1,300 control characters", "\u001f".repeat(1300)],
  ["mixed text", 'a"b\\c\td\u0000é€😀'],
  ["true", true],
  ["false", false],
  ["null", null],
  ["a Date", new Date("2024-02-29T12:00:00.000Z")],
  ["a Date of year 275760", new Date(8.64e15)],
];

describe("FullStory array property values at the byte limit (JSON text)", () => {
  it.each(items)("an array of %s: the limit passes, one byte more is refused", (_, item) => {
    const atLimit = filledWith(item, LIMIT);
    const over = filledWith(item, LIMIT + 1);
    expect([jsonBytes(atLimit), jsonBytes(over)]).toEqual([LIMIT, LIMIT + 1]);

    expect(sizeProblems(atLimit)).toEqual([]);
    expect(sizeProblems(over)).toEqual([
      {
        rule: "fullstory.property_value_size",
        message: `properties.tags: value of ${LIMIT + 1} bytes (UTF-8 of its JSON text), more than ${LIMIT}`,
      },
    ]);
  });

  it("agrees with the JSON text's size on random arrays near the limit", () => {
    const f = seededFaker("fullstory-array-bytes");
    const item = (): unknown =>
      f.helpers.arrayElement([
        () => f.string.sample({ min: 0, max: 90 }), // printable ASCII, quotes and backslashes included
        () => f.string.fromCharacters('\u0000\u0008\u001f"\\é€😀a', { min: 1, max: 80 }),
        () => f.number.float({ min: -1e6, max: 1e6, fractionDigits: f.number.int(8) }),
        () => f.number.float({ min: -1e300, max: 1e300 }),
        () => f.number.int({ min: -1e20, max: 1e20 }),
        () => f.datatype.boolean(),
      ])();
    const verdicts = { under: 0, over: 0 };
    for (let run = 0; run < 300; run++) {
      const target = LIMIT + f.number.int({ min: -3, max: 3 });
      const tags: unknown[] = [];
      let size = 2;
      const push = (value: unknown) => {
        size += jsonBytes(value) + (tags.length > 0 ? 1 : 0);
        tags.push(value);
      };
      // One item takes at most 482 bytes: stop short of the target and pad to it, or go on past it.
      while (size < target - 500) push(item());
      if (f.datatype.boolean()) tags.push(...padded(tags, target).slice(tags.length));
      else while (size < target - 3) push(item());
      const bytes = jsonBytes(tags);
      const problems = sizeProblems(tags);
      if (bytes <= LIMIT) expect(problems, JSON.stringify(tags)).toEqual([]);
      else expect(problems[0]?.message).toContain(`value of ${bytes} bytes`);
      verdicts[bytes <= LIMIT ? "under" : "over"] += 1;
    }
    expect(Math.min(verdicts.under, verdicts.over)).toBeGreaterThan(50);
  });

  it("sends an array of decimals under the limit, and refuses before sending one that escaping puts over it", async () => {
    const sim = mountFullStory(server);
    const fullstory = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
    const scores = Array.from({ length: 400 }, () => 0.5); // 1,601 bytes as JSON
    const quotes = ['"'.repeat(5000)]; // 10,004 bytes as JSON
    const report = await importUsers(
      fullstory,
      [
        { uid: "quotes", properties: { quotes } },
        { uid: "scores", properties: { scores } },
      ],
      { pollIntervalMs: 10, maxPollIntervalMs: 20, sleep: async () => {} },
    );

    expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual([
      ["quotes", "rejected"],
      ["scores", "imported"],
    ]);
    expect(report.outcomes[0]).toHaveProperty("reason", expect.stringContaining("10004 bytes"));
    expect(sim.users().map((u) => [u.uid, u.properties])).toEqual([["scores", { scores }]]);
  });
});

describe("a nested object over the limit as a whole, every value in it within", () => {
  it("is sent and imported, and its user's outcome warns that FullStory may not have stored it", async () => {
    const sim = mountFullStory(server);
    const fullstory = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
    const address = { street: "s".repeat(5000), city: "c".repeat(5000) }; // 10,023 bytes as JSON
    const report = await importUsers(
      fullstory,
      [
        { uid: "big", properties: { address } },
        { uid: "small", properties: { address: { city: "c" } } },
      ],
      { pollIntervalMs: 10, maxPollIntervalMs: 20, sleep: async () => {} },
    );

    expect(report.outcomes).toEqual([
      expect.objectContaining({
        key: "big",
        outcome: "imported",
        warning: matching(
          /^properties\.address: a nested object of 10023 bytes as JSON text; .*it did not store this property$/,
        ),
      }),
      expect.not.objectContaining({ warning: expect.anything() as unknown }),
    ]);
    expect(sim.users().map((u) => u.uid)).toEqual(["big", "small"]);
  });
});
