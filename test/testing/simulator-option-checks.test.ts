// The simulators' options are refused by name when the simulator is made, as the library's own are. Before,
// they were taken as given or clamped without a word: a NaN `stepMs` left every Userpilot job queued for
// ever, a NaN `pageSize` served FullStory result pages of nothing, a `retention` or `existingPersons`
// misspelt ran the other world, a NaN `expiresIn` issued tokens that had always expired.
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import { createSlashIdSimulator } from "../../src/testing/slashid.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";

/** Options as a JavaScript caller (or a test reading an unset variable) may pass them. */
const untyped = <T>(options: object) => options as T;

describe("simulator options", () => {
  it.each([
    ["pageSize", 0, "pageSize: expected a whole number ≥ 1, got 0"],
    ["pageSize", Number.NaN, "pageSize: expected a whole number ≥ 1, got NaN"],
    ["recentJobs", -1, "recentJobs: expected a whole number ≥ 0, got -1"],
    ["maxInProgressJobs", 0, "maxInProgressJobs: expected a whole number ≥ 1, got 0"],
    ["maxOperationsInFlight", 0, "maxOperationsInFlight: expected a whole number ≥ 1, got 0"],
    [
      "processingPolls",
      Number.NaN,
      "processingPolls: expected a whole number (or Infinity) ≥ 0, got NaN",
    ],
    [
      "processingMs",
      Number.NaN,
      "processingMs: expected a duration in ms from 0 to 2147483647, got NaN",
    ],
    ["retention", "newest", 'retention: expected one of "all", "recent", got "newest"'],
    ["rowsPerMinute", Number.NaN, "rowsPerMinute: expected a rate above 0, got NaN"],
    ["rowsPerMinute", -60, "rowsPerMinute: expected a rate above 0, got -60"],
  ])("fullstory refuses %s = %s", (name, value, message) => {
    expect(() => createFullStorySimulator(untyped({ [name]: value }))).toThrow(message);
  });

  it.each([
    ["stepMs", Number.NaN, "stepMs: expected a duration in ms from 0 to 2147483647, got NaN"],
    ["pollsPerStep", 0, "pollsPerStep: expected a whole number (or Infinity) ≥ 1, got 0"],
    ["maxBytes", 1.5, "maxBytes: expected a whole number ≥ 1, got 1.5"],
    // Each was taken as "no rate": jobs ran by ticks instead, at no rate the test asked for.
    ["rowsPerMinute", Number.NaN, "rowsPerMinute: expected a rate above 0, got NaN"],
    ["rowsPerMinute", 0, "rowsPerMinute: expected a rate above 0, got 0"],
    ["rowsPerMinute", Infinity, "rowsPerMinute: expected a rate above 0, got Infinity"],
  ])("userpilot refuses %s = %s", (name, value, message) => {
    expect(() => createUserpilotSimulator(untyped({ [name]: value }))).toThrow(message);
  });

  it("propeller and slashid refuse theirs, and every simulator its faults' timings", () => {
    expect(() => createPropellerSimulator({ expiresIn: Number.NaN })).toThrow(
      "expiresIn: expected a whole number ≥ 1, got NaN",
    );
    expect(() => createPropellerSimulator({ maxUsers: 0 })).toThrow(
      "maxUsers: expected a whole number ≥ 1, got 0",
    );
    // Taken as true (faults hit the token endpoint) for any value but false, a string "false" too.
    expect(() => createPropellerSimulator(untyped({ tokenFaults: "false" }))).toThrow(
      new TypeError('tokenFaults: expected true or false, got "false"'),
    );
    expect(() => createSlashIdSimulator({ pricingTierLimit: -1 })).toThrow(
      "pricingTierLimit: expected a whole number ≥ 0, got -1",
    );
    expect(() => createSlashIdSimulator(untyped({ existingPersons: "update" }))).toThrow(
      'existingPersons: expected one of "refuse", "upsert", got "update"',
    );
    expect(() => createSlashIdSimulator({ faults: { slowMs: -1 } })).toThrow(
      "faults.slowMs: expected a duration in ms from 0 to 2147483647, got -1",
    );
    expect(() => createFullStorySimulator({ faults: { retryAfterSeconds: Number.NaN } })).toThrow(
      "faults.retryAfterSeconds: expected a whole number ≥ 0, got NaN",
    );
    // Caught only when it ran, as "… is not a function", on the first request or record.
    expect(() => createUserpilotSimulator(untyped({ faults: { script: "429" } }))).toThrow(
      'faults.script: expected a function, got "429"',
    );
    expect(() => createPropellerSimulator(untyped({ faults: { reject: ["CRM:1"] } }))).toThrow(
      /^faults\.reject: expected a function, got /,
    );
  });

  // A prefix without its leading slash (or a whole URL) matched no request: every call answered 404.
  it.each([
    ["fullstory", createFullStorySimulator],
    ["slashid", createSlashIdSimulator],
    ["propeller", createPropellerSimulator],
    ["userpilot", createUserpilotSimulator],
  ])("%s refuses a basePath that is no path", (_, create) => {
    expect(() => create({ basePath: "fs" })).toThrow(
      'basePath: expected a path that starts with "/", got "fs"',
    );
    expect(() => create({ basePath: "https://proxy.test/fs" })).toThrow(/^basePath: /);
    expect(create({ basePath: "/fs/" }).basePath).toBe("/fs");
    expect(create({ basePath: "/fs//" }).basePath).toBe("/fs");
  });

  it("takes a job that never ends, and the documented values", () => {
    expect(() =>
      createFullStorySimulator({ processingPolls: Number.POSITIVE_INFINITY, recentJobs: 0 }),
    ).not.toThrow();
    expect(() =>
      createUserpilotSimulator({ pollsPerStep: Number.POSITIVE_INFINITY, stepMs: 0 }),
    ).not.toThrow();
    expect(() => createUserpilotSimulator({ rowsPerMinute: 0.5 })).not.toThrow();
    expect(() => createFullStorySimulator({ rowsPerMinute: 1_200 })).not.toThrow();
    expect(() =>
      createSlashIdSimulator({ existingPersons: "upsert", pricingTierLimit: 0 }),
    ).not.toThrow();
  });
});
