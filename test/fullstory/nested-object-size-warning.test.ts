// A top-level nested object whose values are each within FullStory's value limit but whose JSON text is over
// it is sent with a warning (FullStory may count it whole). The size is summed from every kind of entry the
// object holds, so each kind alone can put an object over the limit and must bring the warning.
import { describe, expect, it } from "vitest";
import { FULLSTORY_LIMITS, type FullStoryUser } from "../../src/fullstory/index.js";
import { validateFullStoryRecord } from "../../src/fullstory/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { matching } from "../support/matchers.js";

const LIMIT = FULLSTORY_LIMITS.propertyValueBytes;
const faker = seededFaker("fullstory nested object size");
const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

/** `count` entries `k0`, `k1`… (names padded to `nameLength` characters) holding what `value` gives. */
function entries(count: number, value: (i: number) => unknown, nameLength = 0) {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`k${i}`.padEnd(nameLength, "n"), value(i)]),
  );
}

// Each object is over the limit by what its named kind of entry adds, and within it without that.
const objects: [string, () => Record<string, unknown>][] = [
  ["long property names holding small numbers", () => entries(20, () => 1, 500)],
  ["text of control characters, escaped as \\u0001 in JSON", () => ({ s: "\u0001".repeat(1400) })],
  [
    "arrays of numbers, each within the limit",
    () => entries(2, () => new Array<number>(4000).fill(0)),
  ],
  ["Dates, sent as their ISO text", () => entries(300, () => faker.date.past())],
  ["16-digit integers", () => entries(400, () => 1e15 + faker.number.int(9))],
  ["empty objects", () => entries(400, () => ({}), 15)],
];

describe("a nested object over the value limit as a whole, counted from what it holds", () => {
  it.each(objects)("is warned about when it holds %s", (_, object) => {
    const o = object();
    const bytes = jsonBytes(o);
    expect(bytes).toBeGreaterThan(LIMIT);
    const user: FullStoryUser = { uid: faker.string.uuid(), properties: { o } };
    expect(validateFullStoryRecord(user)).toEqual({
      ok: true,
      item: user,
      warnings: [
        matching(new RegExp(`^properties\\.o: a nested object of ${bytes} bytes as JSON`)),
      ],
    });
  });

  it("is rejected for a value in it that is no JSON, not thrown on while measured", () => {
    const user = {
      uid: faker.string.uuid(),
      properties: { o: { big: 10n, k0: "a".repeat(5000), k1: "b".repeat(5000) } },
    } as unknown as FullStoryUser;
    expect(validateFullStoryRecord(user)).toEqual({
      ok: false,
      problems: [
        {
          rule: "fullstory.field_type",
          message: "properties.o.big: a bigint is not a JSON value",
        },
      ],
    });
  });

  it("is rejected for its count, not thrown on, when it points back to itself past the count", () => {
    // An ORM entity with a back-reference: the walk stops past the count before it reaches the cycle.
    const o: Record<string, unknown> = entries(FULLSTORY_LIMITS.propertyCount + 1, () => 1, 20);
    o["self"] = o;
    const user = { uid: faker.string.uuid(), properties: { o } } as FullStoryUser;
    expect(validateFullStoryRecord(user)).toEqual({
      ok: false,
      problems: [
        {
          rule: "fullstory.property_count",
          message: `properties: ${FULLSTORY_LIMITS.propertyCount + 1} or more properties (counting each nested leaf path), more than ${FULLSTORY_LIMITS.propertyCount}`,
        },
      ],
    });
  });
});
