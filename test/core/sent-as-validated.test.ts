// What a report calls imported is what the vendor holds: values JSON.stringify or UTF-8 would change on the
// way are rejected before sending, a record that throws when read costs only its own outcome, and the
// duplicate-key warning sees every key the vendor sees as one.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers as importFullStory, type FullStoryUser } from "../../src/fullstory/index.js";
import { importUsers as importPropeller } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { importUsers as importSlashId } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { findSendHazard } from "../../src/core/validate/sent-as-validated.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { mountPropeller, propellerClient } from "../propeller/harness.js";
import { slashIdClient, slashIdWorld } from "../slashid/harness.js";
import { containing, matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";

const server = useMswServer();
const faker = seededFaker("sent as validated");

const fullStory = () => createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
const FAST = { pollIntervalMs: 1, maxPollIntervalMs: 1, sleep: async () => {} };
const uid = () => faker.string.uuid();

/** A record whose `field` throws when read, as a getter or a proxy of the caller's may. */
function throwing(record: Record<string, unknown>, field: string, message: string): unknown {
  return Object.defineProperty(record, field, {
    enumerable: true,
    get() {
      throw new Error(message);
    },
  });
}

describe("fullstory: what is validated is what is sent", () => {
  it("rejects a record with a toJSON method, own or inherited: FullStory never holds the user it returns", async () => {
    const sim = mountFullStory(server);
    class Row {
      constructor(readonly uid: string) {}
      toJSON(): unknown {
        return { uid: "someone-else-too" };
      }
    }
    const kept = uid();
    const records = [
      { uid: uid(), toJSON: () => ({ uid: "someone-else" }) },
      new Row(uid()),
      { uid: kept },
    ];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expect(report.outcomes.map((o) => [o.outcome, "rule" in o ? o.rule : undefined])).toEqual([
      ["rejected", "fullstory.to_json"],
      ["rejected", "fullstory.to_json"],
      ["imported", undefined],
    ]);
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
  });

  it("a record that throws when validated or keyed, or holds what JSON.stringify throws on, is rejected; every other record is reported", async () => {
    const sim = mountFullStory(server);
    const records = [
      { uid: uid() },
      throwing({ uid: uid() }, "email", "getter says no"),
      throwing({}, "uid", "no key either"),
      // A field the open batch body sends otherwise unchecked: JSON.stringify of the batch throws on it.
      { uid: uid(), nickname: 10n },
      { uid: uid() },
    ];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expectEveryRecordOnce(report, 5);
    expect(report.outcomes.map((o) => o.outcome)).toEqual([
      "imported",
      "rejected",
      "rejected",
      "rejected",
      "imported",
    ]);
    expect(report.outcomes[1]).toMatchObject({
      rule: "fullstory.unreadable_record",
      reason: matching(/^record 1 \(.+\): reading it threw: getter says no$/),
    });
    expect(report.outcomes[2]).toMatchObject({
      key: "#2",
      rule: "fullstory.unreadable_record",
      reason: containing("no key either"),
    });
    expect(report.outcomes[3]).toMatchObject({
      rule: "fullstory.field_type",
      reason: containing("nickname: a bigint is not a JSON value"),
    });
    expect(sim.users()).toHaveLength(2);
  });

  it("warns on a real key starting with # given twice, like any other key", async () => {
    const sim = mountFullStory(server);
    const records = [{ uid: "#1" }, { uid: uid() }, { uid: "#1" }, {}];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expect(sim.users().filter((u) => u.uid === "#1")).toHaveLength(1);
    expect(report.events["duplicate_keys"]).toBe(1);
    expect(report.outcomes[2]).toMatchObject({
      outcome: "imported",
      warning: containing("record 0 of the input has the same key (uid:#1)"),
    });
    expect(report.outcomes[0]).not.toHaveProperty("warning");
  });
});

describe("numbers that are not finite, which JSON.stringify sends as null", () => {
  it("findSendHazard finds NaN, ±Infinity and invalid Dates, and where, and lets the rest through", () => {
    expect(findSendHazard(Number.NaN)).toEqual({ kind: "not_finite", path: "" });
    expect(findSendHazard({ a: [1, { b: -Infinity }] })).toEqual({
      kind: "not_finite",
      path: ".a[1].b",
    });
    const finite = [Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -0, faker.number.float()];
    expect(findSendHazard({ finite, nested: { n: faker.number.int() } })).toBeUndefined();
    // An invalid Date's toJSON gives null too.
    expect(findSendHazard({ at: [new Date(Number.NaN)] })).toEqual({
      kind: "not_finite",
      path: ".at[0]",
    });
    expect(findSendHazard({ at: faker.date.past() })).toBeUndefined();
    expect(findSendHazard({ boxed: Object(Number.NaN) as unknown })).toEqual({
      kind: "not_finite",
      path: ".boxed",
    });
  });

  it("fullstory: a batch field sent unchecked holding Infinity is rejected, not stored as null", async () => {
    const sim = mountFullStory(server);
    const kept = uid();
    const records = JSON.parse(
      `[{"uid":"${uid()}","score":1e400},{"uid":"${uid()}","tiers":[1,-1e400]},{"uid":"${kept}"}]`,
    ) as FullStoryUser[];

    const report = await importFullStory(fullStory(), records, FAST);

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      "fullstory.field_type",
      "fullstory.field_type",
      "imported",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: containing("score: a number that is not finite"),
    });
    expect(report.outcomes[1]).toMatchObject({
      reason: containing("tiers[1]: a number that is not finite"),
    });
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
  });

  it("slashid: an attribute value of 1e400 is rejected naming its path; SlashID keeps what it holds", async () => {
    const { sim } = slashIdWorld(server);
    const email = faker.internet.email().toLowerCase();
    const other = faker.internet.email().toLowerCase();
    const records = JSON.parse(
      `[{"emails":["${email}"],"attributes":{"end_user_read_write":{"credits":1e400}}},` +
        `{"emails":["${other}"],"attributes":{"end_user_read_write":{"credits":3}}}]`,
    ) as SlashIdPerson[];

    const report = await importSlashId(slashIdClient(), records, { sleep: async () => {} });

    expect(report.outcomes.map((o) => o.outcome)).toEqual(["rejected", "imported"]);
    expect(report.outcomes[0]).toMatchObject({
      rule: "slashid.not_finite",
      reason: containing("attributes.end_user_read_write.credits: a number that is not finite"),
    });
    expect(sim.persons().map((p) => [p.emails, p.attributes])).toEqual([
      [[other], { end_user_read_write: { credits: 3 } }],
    ]);
  });
});

describe("propeller: integer ids beyond 2^53", () => {
  it("two ids JSON.parse rounds to one are both rejected, not imported as one user under the second", async () => {
    const { sim } = mountPropeller(server);
    const records = JSON.parse(
      '[{"source":"crm","sourceId":9007199254740993,"firstName":"Carol"},' +
        '{"source":"crm","sourceId":9007199254740992,"firstName":"Dave"},' +
        '{"source":"crm","sourceId":"9007199254740993","firstName":"Erin"}]',
    ) as PropellerUser[];

    const report = await importPropeller(propellerClient().client, records, {
      sleep: async () => {},
    });

    expect(report.outcomes.map((o) => o.outcome)).toEqual(["rejected", "rejected", "imported"]);
    expect(report.outcomes[0]).toMatchObject({
      rule: "propeller.field_type",
      reason: matching(/sourceId: an integer beyond 2\^53 .* would change on the way/),
    });
    expect(sim.users().map((u) => String(u.sourceId))).toEqual(["9007199254740993"]);
  });
});

describe("propeller: a record that reads differently the second time", () => {
  it("throwing only when serialised, it is rejected and the others are sent", async () => {
    const { sim } = mountPropeller(server);
    let reads = 0;
    const flaky = Object.defineProperty({ source: "crm", sourceId: "2" }, "email", {
      enumerable: true,
      get() {
        reads += 1;
        if (reads > 1) throw new Error("gone on the second read");
        return faker.internet.email();
      },
    });
    const records = [{ source: "crm", sourceId: "1" }, flaky, { source: "crm", sourceId: "3" }];

    const report = await importPropeller(propellerClient().client, records as PropellerUser[], {
      sleep: async () => {},
    });

    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "rejected", "imported"]);
    expect(report.outcomes[1]).toMatchObject({
      rule: "propeller.unreadable_record",
      reason: containing("gone on the second read"),
    });
    expect(sim.users().map((u) => u.sourceId)).toEqual(["1", "3"]);
  });
});

describe("slashid: what the CSV file carries", () => {
  it("rejects usernames with lone surrogates, which UTF-8 would make one person", async () => {
    const { sim } = slashIdWorld(server);
    const records: SlashIdPerson[] = [{ usernames: ["ann\ud800"] }, { usernames: ["ann\udc00"] }];

    const report = await importSlashId(slashIdClient(), records, { sleep: async () => {} });

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      "slashid.malformed_text",
      "slashid.malformed_text",
    ]);
    expect(sim.persons()).toEqual([]);
  });

  it("warns on an email given again in another case: SlashID keeps one person for both", async () => {
    const { sim } = slashIdWorld(server);
    const email = faker.internet.email().toLowerCase();
    const records: SlashIdPerson[] = [
      { emails: [email] },
      { emails: [email.toUpperCase()], usernames: [faker.internet.username()] },
    ];

    const report = await importSlashId(slashIdClient(), records, { sleep: async () => {} });

    expect(sim.persons()).toHaveLength(1);
    expect(report.events["duplicate_keys"]).toBe(1);
    expect(report.outcomes[1]).toMatchObject({
      outcome: "imported",
      warning: containing("record 0 of the input has the same key"),
    });
  });
});
