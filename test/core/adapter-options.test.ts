// Every adapter refuses a bad numeric option the same way: a RangeError naming the option, its range and
// the value, when the adapter is made (not minutes later, inside a poll loop).
import { describe, expect, it } from "vitest";
import { durationOption, MAX_TIMER_MS, wholeNumberOption } from "../../src/core/options.js";
import { createFullStoryAdapter } from "../../src/fullstory/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers as importFullStory } from "../../src/fullstory/import.js";
import { createPropellerAdapter } from "../../src/propeller/adapter.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers as importPropeller } from "../../src/propeller/import.js";
import { createSlashIdAdapter } from "../../src/slashid/adapter.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { importUsers as importSlashId } from "../../src/slashid/import.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createUserpilotAdapter } from "../../src/userpilot/adapter.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { importUsers as importUserpilot } from "../../src/userpilot/import.js";

const faker = seededFaker("adapter options");
const baseUrl = "http://127.0.0.1:9";
const secret = () => faker.string.alphanumeric(32);

const fullstory = createFullStoryClient({ apiKey: secret(), baseUrl });
const slashid = createSlashIdClient({ apiKey: secret(), orgId: "org", baseUrl });
const propeller = createPropellerClient({ clientId: "id", clientSecret: secret(), baseUrl });
const userpilot = createUserpilotClient({ apiKey: secret(), baseUrl });

const WHOLE = /^(\w+): expected a whole number ≥ 1, got (.+)$/;
const DURATION = new RegExp(
  `^(\\w+): expected a duration in ms from 1 to ${MAX_TIMER_MS}, got (.+)$`,
);

/** The RangeError `make` throws, with the option and value it names. */
function refusal(make: () => unknown): {
  name: string;
  value: string;
  style: "whole" | "duration";
} {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    const message = (error as RangeError).message;
    const whole = WHOLE.exec(message);
    const duration = DURATION.exec(message);
    const match = whole ?? duration;
    if (match === null) throw new Error(`not in the one style: ${message}`, { cause: error });
    return { name: match[1]!, value: match[2]!, style: whole === null ? "duration" : "whole" };
  }
  throw new Error("no RangeError");
}

describe("adapter options", () => {
  it.each([
    ["pollIntervalMs", -1],
    ["maxPollIntervalMs", 0],
    ["jobTimeoutMs", Number.NaN],
    ["maxPollIntervalMs", MAX_TIMER_MS + 1],
  ])("fullstory: refuses %s = %s as a duration", (name, value) => {
    expect(refusal(() => createFullStoryAdapter(fullstory, { [name]: value }))).toEqual({
      name,
      value: String(value),
      style: "duration",
    });
  });

  it("fullstory: refuses a fractional maxPollsPerJob", () => {
    expect(refusal(() => createFullStoryAdapter(fullstory, { maxPollsPerJob: 1.5 }))).toEqual({
      name: "maxPollsPerJob",
      value: "1.5",
      style: "whole",
    });
  });

  it.each([
    ["pollIntervalMs", 0, "duration"],
    ["conflictWaitMs", Number.POSITIVE_INFINITY, "duration"],
    ["clockSkewMs", -5, "duration"],
    ["maxPollsPerJob", 2.5, "whole"],
    ["maxBodyBytes", 10.5, "whole"],
  ])("userpilot: refuses %s = %s", (name, value, style) => {
    expect(refusal(() => createUserpilotAdapter(userpilot, { [name]: value }))).toEqual({
      name,
      value: String(value),
      style,
    });
  });

  it("slashid and propeller: refuse maxRecords that is not a whole number ≥ 1", () => {
    for (const value of [0, 2.5, -3]) {
      const expected = { name: "maxRecords", value: String(value), style: "whole" };
      expect(refusal(() => createSlashIdAdapter(slashid, { maxRecords: value }))).toEqual(expected);
      expect(refusal(() => createPropellerAdapter(propeller, { maxRecords: value }))).toEqual(
        expected,
      );
    }
  });

  it("keep the documented defaults and accept values in range", () => {
    expect(createPropellerAdapter(propeller).limits.maxRecords).toBe(10_000);
    expect(createSlashIdAdapter(slashid, { maxRecords: 7 }).limits.maxRecords).toBe(7);
    expect(() =>
      createFullStoryAdapter(fullstory, { pollIntervalMs: 1.5, maxPollsPerJob: 1 }),
    ).not.toThrow();
    expect(() => createUserpilotAdapter(userpilot, { maxBodyBytes: 1_000 })).not.toThrow();
  });
});

describe("option checks", () => {
  it("give the fallback for undefined and the value within bounds", () => {
    expect(wholeNumberOption("n", undefined, 3)).toBe(3);
    expect(wholeNumberOption("n", 5, 3, { min: 5, max: 5 })).toBe(5);
    expect(durationOption("ms", 0, 10, { min: 0 })).toBe(0);
  });

  it("name the range with both bounds when there is a maximum", () => {
    expect(() => wholeNumberOption("concurrency", 9, 1, { max: 8 })).toThrow(
      new RangeError("concurrency: expected a whole number from 1 to 8, got 9"),
    );
  });
});

describe("client and engine options", () => {
  it("a client refuses a bad timeout, retry count or response cap the same way, when it is made", () => {
    const key = secret();
    expect(() => createFullStoryClient({ apiKey: key, baseUrl, timeoutMs: -5 })).toThrow(
      new RangeError(`timeoutMs: expected a duration in ms from 1 to ${MAX_TIMER_MS}, got -5`),
    );
    expect(() => createUserpilotClient({ apiKey: key, baseUrl, maxRetries: 1.5 })).toThrow(
      new RangeError("maxRetries: expected a whole number ≥ 0, got 1.5"),
    );
    expect(() =>
      createSlashIdClient({ apiKey: key, orgId: "org", baseUrl, maxResponseBytes: 0 }),
    ).toThrow(new RangeError("maxResponseBytes: expected a whole number ≥ 1, got 0"));
    expect(() => createFullStoryClient({ apiKey: key, baseUrl, maxRetries: 0 })).not.toThrow();
  });
});

describe("a flag option", () => {
  it('Userpilot\'s soleImporter takes true or false only: the text "false" from a config file is refused', () => {
    expect(() =>
      createUserpilotAdapter(userpilot, { soleImporter: "false" as unknown as boolean }),
    ).toThrow(new TypeError('soleImporter: expected true or false, got "false"'));
    expect(() => createUserpilotAdapter(userpilot, { soleImporter: false })).not.toThrow();
  });
});

describe("importUsers", () => {
  // An adapter's option threw from the call itself, while an engine option's made the promise reject: a
  // caller's `.catch`, or `Promise.allSettled` over several imports, missed the first kind.
  it.each([
    ["fullstory", () => importFullStory(fullstory, [], { pollIntervalMs: 0 }), "pollIntervalMs"],
    ["slashid", () => importSlashId(slashid, [], { maxRecords: 0 }), "maxRecords"],
    ["propeller", () => importPropeller(propeller, [], { maxRecords: 0 }), "maxRecords"],
    ["userpilot", () => importUserpilot(userpilot, [], { clockSkewMs: 0 }), "clockSkewMs"],
  ])(
    "%s: a bad adapter option rejects the import, as a bad engine option does",
    async (_, run, name) => {
      let settled: Promise<unknown> | undefined;
      expect(() => (settled = run())).not.toThrow();
      await expect(settled).rejects.toThrow(new RegExp(`^${name}: expected `));
    },
  );
});
