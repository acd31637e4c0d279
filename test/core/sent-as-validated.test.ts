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
import { MAX_NESTING_DEPTH } from "../../src/core/unsafe-input.js";
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

describe("a Date whose own methods were replaced", () => {
  it("fullstory: a Date with its own toJSON or Symbol.toPrimitive is rejected, not sent as they answer", async () => {
    // JSON.stringify sends what a Date's toJSON answers, and its built-in toJSON reads the time through
    // Symbol.toPrimitive (null for a time that is not finite): either, replaced, sends what no check saw.
    const sim = mountFullStory(server);
    const kept = uid();
    const records = [
      {
        uid: uid(),
        properties: { signed_up: Object.assign(new Date(0), { toJSON: () => "2099" }) },
      },
      {
        uid: uid(),
        properties: {
          renewed: Object.defineProperty(new Date(0), Symbol.toPrimitive, { value: () => NaN }),
        },
      },
      { uid: kept, properties: { signed_up: new Date(0) } },
    ];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      "fullstory.to_json",
      "fullstory.to_json",
      "imported",
    ]);
    expect(report.outcomes[1]).toMatchObject({
      reason: containing("properties.renewed: an object"),
    });
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
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
    // A boxed number is refused whatever it holds (validation-policy.test.ts): its valueOf answers anew.
    expect(findSendHazard({ boxed: Object(Number.NaN) as unknown })).toEqual({
      kind: "not_plain",
      path: ".boxed",
    });
  });

  it("findSendHazard walks a value as deep as a record may nest (MAX_NESTING_DEPTH), its last level too", () => {
    // findUnsafeShape refuses only what nests deeper than this, so a hazard on the last level it lets through
    // would otherwise be sent.
    const nested = (levels: number, inner: unknown): unknown =>
      levels === 0 ? inner : { a: nested(levels - 1, inner) };
    const atLast = nested(MAX_NESTING_DEPTH - 1, { toJSON: () => "someone else" });
    expect(findSendHazard(atLast)).toEqual({
      kind: "to_json",
      path: ".a".repeat(MAX_NESTING_DEPTH - 1),
    });
    expect(findSendHazard(nested(MAX_NESTING_DEPTH - 1, { n: Number.NaN }))).toEqual({
      kind: "not_finite",
      path: `${".a".repeat(MAX_NESTING_DEPTH - 1)}.n`,
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
      reason: matching(
        /sourceId: an integer beyond ±Number\.MAX_SAFE_INTEGER \(2\^53 − 1\) .* would change on the way/,
      ),
    });
    expect(sim.users().map((u) => String(u.sourceId))).toEqual(["9007199254740993"]);
  });
});

/**
 * A record whose `email` reads as a valid address the first time and as `later` after (a getter or a proxy of
 * the caller's over a source that changes), counting its reads.
 */
function readsDifferently<T extends object>(record: T, later: () => unknown) {
  const first = faker.internet.email();
  let reads = 0;
  const flaky = Object.defineProperty(record, "email", {
    enumerable: true,
    get() {
      reads += 1;
      return reads > 1 ? later() : first;
    },
  });
  return { flaky, first };
}

describe("a record that reads differently the second time", () => {
  it("propeller: it is read once, and Propeller holds the values that were validated", async () => {
    const { sim } = mountPropeller(server);
    const { flaky, first } = readsDifferently({ source: "crm", sourceId: "2" }, () => {
      throw new Error("gone on the second read");
    });
    const records = [{ source: "crm", sourceId: "1" }, flaky, { source: "crm", sourceId: "3" }];

    const report = await importPropeller(propellerClient().client, records as PropellerUser[], {
      sleep: async () => {},
    });

    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported", "imported"]);
    expect(sim.users().map((u) => [u.sourceId, u.fields.email])).toEqual([
      ["1", undefined],
      ["2", first],
      ["3", undefined],
    ]);
  });

  it("propeller: a value the validation never saw is not sent", async () => {
    const { sim } = mountPropeller(server);
    const { flaky, first } = readsDifferently({ source: "crm", sourceId: "2" }, () => "no email");

    const report = await importPropeller(propellerClient().client, [flaky] as PropellerUser[], {
      sleep: async () => {},
    });

    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported"]);
    expect(sim.users().map((u) => u.fields.email)).toEqual([first]);
  });

  it("fullstory: a value the validation never saw is not sent", async () => {
    const sim = mountFullStory(server);
    const { flaky, first } = readsDifferently({ uid: uid() }, () => "no email");

    const report = await importFullStory(fullStory(), [flaky] as FullStoryUser[], FAST);

    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported"]);
    expect(sim.users().map((u) => u.email)).toEqual([first]);
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

/** An input that hands over one object for every record, refilled in between (a reused row buffer). */
function* refilled<T extends object>(records: readonly T[]): Generator<T> {
  const row: Record<string, unknown> = {};
  for (const record of records) {
    for (const key of Object.keys(row)) delete row[key];
    Object.assign(row, record);
    yield row as T;
  }
}

describe("a record the caller changes after handing it over", () => {
  it("fullstory: each user is sent as it was when read, and reported under its own outcome", async () => {
    const sim = mountFullStory(server);
    const users = [uid(), uid(), uid()].map((u) => ({ uid: u, email: faker.internet.email() }));

    const report = await importFullStory(fullStory(), refilled<FullStoryUser>(users), FAST);

    expect(sim.users().map((u) => [u.uid, u.email])).toEqual(users.map((u) => [u.uid, u.email]));
    expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual(
      users.map((u) => [u.uid, "imported"]),
    );
    expect(new Set(report.outcomes.map((o) => "id" in o && o.id)).size).toBe(3);
  });

  it("propeller: Propeller's results are matched to the users as they were sent", async () => {
    const { sim } = mountPropeller(server);
    const users = ["1", "2", "3"].map((sourceId) => ({ source: "crm", sourceId }));

    const report = await importPropeller(propellerClient().client, refilled<PropellerUser>(users), {
      sleep: async () => {},
    });

    expect(sim.users().map((u) => u.sourceId)).toEqual(["1", "2", "3"]);
    expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual([
      ["crm:1", "imported"],
      ["crm:2", "imported"],
      ["crm:3", "imported"],
    ]);
  });
});

describe("objects whose content JSON.stringify does not write", () => {
  it("fullstory: a Date or boxed string as the record is rejected, not sent bare to fail the whole batch", async () => {
    const sim = mountFullStory(server);
    const kept = uid();
    const records: unknown[] = [
      new Date(0),
      Object("someone"),
      new Map([["uid", uid()]]),
      { uid: kept },
    ];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expectEveryRecordOnce(report, 4);
    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      "fullstory.field_type",
      "fullstory.field_type",
      "fullstory.field_type",
      "imported",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: matching(/record: must be an object of fields, got a Date$/),
    });
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
  });

  it("fullstory: a Map, Set, RegExp or Error as properties or a value is rejected, not sent as {}", async () => {
    const sim = mountFullStory(server);
    const kept = uid();
    const records = [
      { uid: uid(), properties: new Map([["plan", "pro"]]) },
      { uid: uid(), properties: { tags: new Set(["a"]) } },
      { uid: uid(), nickname: /ann/ },
      { uid: uid(), extra: { error: new Error("lost") } },
      // Binary data and a WeakRef: JSON.stringify writes {} for them (a typed array as an object of indexes).
      { uid: uid(), properties: { avatar: new Uint8Array([1, 2]).buffer } },
      { uid: uid(), extra: { view: new DataView(new ArrayBuffer(2)) } },
      { uid: uid(), extra: [new Float64Array([0.5])] },
      { uid: uid(), extra: { ref: new WeakRef({ plan: "pro" }) } },
      { uid: kept, properties: { plan: "pro" } },
    ];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      ...Array<string>(8).fill("fullstory.field_type"),
      "imported",
    ]);
    expect(report.outcomes[4]).toMatchObject({
      reason: containing("properties.avatar: a Map, Set, RegExp, Error"),
    });
    expect(report.outcomes[1]).toMatchObject({
      reason: containing("properties.tags: a Map, Set, RegExp, Error"),
    });
    expect(report.outcomes[3]).toMatchObject({ reason: containing("extra.error: a Map, Set") });
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
  });

  it("fullstory: a promise not awaited, a WeakMap or a WeakSet as a value is rejected, not sent as {}", async () => {
    const sim = mountFullStory(server);
    const kept = uid();
    const records = [
      { uid: uid(), properties: { plan: Promise.resolve("pro") } },
      { uid: uid(), properties: { seen: new WeakMap() } },
      { uid: uid(), properties: { tags: new WeakSet() } },
      { uid: kept, properties: { plan: "pro" } },
    ];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      ...Array<string>(3).fill("fullstory.field_type"),
      "imported",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: containing("properties.plan: a Map, Set, RegExp, Error, promise"),
    });
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
  });

  it("slashid: attributes given as a Map, or holding a Set, are rejected, not imported without them", async () => {
    const { sim } = slashIdWorld(server);
    const [a, b, c] = [0, 1, 2].map(() => faker.internet.email().toLowerCase());
    const records = [
      { emails: [a], attributes: new Map([["end_user_read_write", { plan: "pro" }]]) },
      { emails: [b], attributes: { end_user_read_write: { tags: new Set(["x"]) } } },
      { emails: [a], attributes: { end_user_read_write: { key: new Uint8Array([1, 2]) } } },
      { emails: [c], attributes: { end_user_read_write: { plan: "pro" } } },
    ];

    const report = await importSlashId(slashIdClient(), records as SlashIdPerson[], {
      sleep: async () => {},
    });

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      "slashid.field_type",
      "slashid.field_type",
      "slashid.field_type",
      "imported",
    ]);
    expect(report.outcomes[1]).toMatchObject({
      reason: containing("attributes.end_user_read_write.tags: a Map, Set"),
    });
    expect(sim.persons().map((p) => p.emails)).toEqual([[c]]);
  });
});

describe("functions and symbols inside a value sent unchecked", () => {
  it("fullstory: rejected naming the path, not sent as null in an array or left out of an object", async () => {
    const sim = mountFullStory(server);
    const kept = uid();
    const records = [
      { uid: uid(), extra: [1, () => 1] },
      { uid: uid(), extra: { tag: Symbol("t") } },
      // undefined, or a hole, is no JSON value either: JSON.stringify writes null in its place.
      { uid: uid(), properties: { tags: ["x", undefined, "z"] } },
      // eslint-disable-next-line no-sparse-arrays
      { uid: uid(), properties: { tags: ["x", , "z"] } },
      { uid: kept, extra: [1, 2], properties: { tags: ["x", null, "z"] } },
    ];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      ...Array<string>(4).fill("fullstory.field_type"),
      "imported",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: containing(
        "extra[1]: a function, symbol or undefined (a hole in an array too) is not a JSON value",
      ),
    });
    expect(report.outcomes[1]).toMatchObject({ reason: containing("extra.tag: a function") });
    expect(report.outcomes[3]).toMatchObject({
      reason: containing("properties.tags[1]: a function"),
    });
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
  });

  it("fullstory: a field left undefined inside a value sent unchecked is left out, as JSON.stringify leaves it", async () => {
    const sim = mountFullStory(server);
    const kept = uid();

    const records = [{ uid: kept, extra: { nickname: undefined, plan: "pro" } }];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported"]);
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
  });

  it("fullstory: a key with a lone surrogate inside a value sent unchecked is rejected, named as well-formed text", async () => {
    const sim = mountFullStory(server);
    const kept = uid();
    const records = [{ uid: uid(), extra: { "plan\ud800": 1 } }, { uid: kept }];

    const report = await importFullStory(fullStory(), records as FullStoryUser[], FAST);

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      "fullstory.malformed_text",
      "imported",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: containing("extra.plan\ufffd: not well-formed"),
    });
    expect(sim.users().map((u) => u.uid)).toEqual([kept]);
  });

  it("slashid: a function, or undefined in an array, inside an attribute value is rejected, not sent without it", async () => {
    const { sim } = slashIdWorld(server);
    const [a, b, c] = [0, 1, 2].map(() => faker.internet.email().toLowerCase());
    const records = [
      {
        emails: [a],
        attributes: { end_user_read_write: { prefs: { theme: "dark", f: () => 1 } } },
      },
      { emails: [c], attributes: { end_user_read_write: { tags: ["x", undefined] } } },
      {
        emails: [b],
        attributes: { end_user_read_write: { prefs: { theme: "dark" }, tags: [null] } },
      },
    ];

    const report = await importSlashId(slashIdClient(), records as SlashIdPerson[], {
      sleep: async () => {},
    });

    expect(report.outcomes.map((o) => ("rule" in o ? o.rule : o.outcome))).toEqual([
      "slashid.field_type",
      "slashid.field_type",
      "imported",
    ]);
    expect(report.outcomes[0]).toMatchObject({
      reason: containing("attributes.end_user_read_write.prefs.f: a function, symbol or undefined"),
    });
    expect(report.outcomes[1]).toMatchObject({
      reason: containing("attributes.end_user_read_write.tags[1]: a function"),
    });
    expect(sim.persons().map((p) => p.emails)).toEqual([[b]]);
  });
});
