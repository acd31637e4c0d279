// The report's key for Propeller users: records Propeller holds as two users never share a key (so never get
// the "Propeller keeps one user" warning), and records it holds as one user still do.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { propellerKeyOf } from "../../src/propeller/adapter.js";
import { importUsers } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient } from "./harness.js";

const server = useMswServer();
const f = seededFaker("propeller keys");

async function imported(input: PropellerUser[]) {
  const vendor = mountPropeller(server);
  const report = await importUsers(propellerClient().client, input);
  return { report, stored: vendor.sim.users() };
}

const user = (fields: Omit<PropellerUser, "firstName">): PropellerUser => ({
  ...fields,
  firstName: f.person.firstName(),
});

describe("Propeller report keys", () => {
  it("one sourceId in two primary languages is two users, reported under two keys without a warning", async () => {
    const { report, stored } = await imported([
      user({ source: "CRM", sourceId: "1", primaryLanguage: "EN" }),
      user({ source: "CRM", sourceId: "1", primaryLanguage: "NL" }),
    ]);
    expect(stored).toHaveLength(2);
    expect(report.outcomes.map((o) => o.key)).toEqual(["CRM:1:EN", "CRM:1:NL"]);
    expect(report.outcomes.every((o) => o.outcome === "imported" && o.warning === undefined)).toBe(
      true,
    );
    expect(report.events.duplicate_keys ?? 0).toBe(0);
  });

  it("a ':' or '%' inside source or sourceId never makes two users one key", async () => {
    const { report, stored } = await imported([
      user({ source: "a:b", sourceId: "c" }),
      user({ source: "a", sourceId: "b:c" }),
      user({ source: "a%3Ab", sourceId: "c" }),
    ]);
    expect(stored).toHaveLength(3);
    expect(report.outcomes.map((o) => o.key)).toEqual(["a%3Ab:c", "a:b%3Ac", "a%253Ab:c"]);
    expect(report.outcomes.every((o) => o.outcome === "imported" && o.warning === undefined)).toBe(
      true,
    );
    expect(report.events.duplicate_keys ?? 0).toBe(0);
  });

  it("a primaryLanguage and a language of the same value are two keys (which field Propeller matches is unconfirmed)", async () => {
    const { report, stored } = await imported([
      user({ source: "CRM", sourceId: "1", primaryLanguage: "NL" }),
      user({ source: "CRM", sourceId: "1", language: "NL" }),
    ]);
    expect(stored).toHaveLength(2);
    expect(report.outcomes.map((o) => o.key)).toEqual(["CRM:1:NL", "CRM:1::NL"]);
    expect(report.events.duplicate_keys ?? 0).toBe(0);
  });

  it("still warns when Propeller keeps one user: a numeric sourceId and a language in another case", async () => {
    const { report, stored } = await imported([
      user({ source: "CRM", sourceId: 1, primaryLanguage: "nl" }),
      user({ source: "CRM", sourceId: "1", primaryLanguage: "NL" }),
    ]);
    expect(stored).toHaveLength(1);
    expect(report.outcomes.map((o) => o.key)).toEqual(["CRM:1:NL", "CRM:1:NL"]);
    expect(report.outcomes[1]).toMatchObject({
      outcome: "imported",
      warning: expect.stringContaining(
        "record 0 of the input has the same key (CRM:1:NL): where both are written, propeller keeps one user",
      ) as unknown,
    });
    expect(report.events.duplicate_keys).toBe(1);
  });

  it("two records share a key exactly when source, sourceId and both languages match as Propeller matches them", () => {
    const text = fc.string({
      unit: fc.constantFrom(":", "%", "2", "5", "3", "A", "a", "n", "l"),
      maxLength: 4,
    });
    const language = fc.option(text, { nil: undefined });
    const record = fc.record({
      source: text,
      sourceId: fc.oneof(text, fc.integer({ min: 0, max: 3 })),
      primaryLanguage: language,
      language,
    });
    type Generated = typeof record extends fc.Arbitrary<infer T> ? T : never;
    // The same user as Propeller matches it: the sourceId's text, a language in another case, none for "".
    const sameUser = (r: Generated): Generated => ({
      source: r.source,
      sourceId: String(r.sourceId),
      primaryLanguage: r.primaryLanguage === "" ? undefined : r.primaryLanguage?.toLowerCase(),
      language: r.language === "" ? undefined : r.language?.toUpperCase(),
    });
    const matched = (r: Generated) =>
      JSON.stringify([
        r.source,
        String(r.sourceId),
        (r.primaryLanguage ?? "").toUpperCase(),
        (r.language ?? "").toUpperCase(),
      ]);
    const pair = record.chain((a) =>
      fc.tuple(fc.constant(a), fc.oneof(record, fc.constant(sameUser(a)))),
    );
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const sameKey =
          propellerKeyOf(a as PropellerUser, 0) === propellerKeyOf(b as PropellerUser, 1);
        expect(sameKey).toBe(matched(a) === matched(b));
      }),
      { seed: 0x9e11, numRuns: 2_000 },
    );
  });
});
