// The key a FullStory record is reported (and checked for duplicates) under. uid, FullStory id and email name
// users apart, so the key keeps the three apart: equal keys mean the same user, nothing else.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { fullStoryKeyOf, importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

const options = { pollIntervalMs: 10, maxPollIntervalMs: 20, sleep: async () => {} };

describe("fullStoryKeyOf", () => {
  it.each([
    { record: { uid: "u-42", id: "7", email: "ann@example.com" }, key: "u-42" },
    { record: { uid: "ann@example.com" }, key: "ann@example.com" },
    { record: { id: "987654321", email: "ann@example.com" }, key: "id:987654321" },
    { record: { email: "ann@example.com" }, key: "email:ann@example.com" },
    { record: { display_name: "Anonymous" }, key: "#3" },
    { record: { uid: "", email: "ann@example.com" }, key: "email:ann@example.com" },
    // A uid that reads like another space's key, or like a keyless record's, is shown prefixed.
    { record: { uid: "email:ann@example.com" }, key: "uid:email:ann@example.com" },
    { record: { uid: "id:987654321" }, key: "uid:id:987654321" },
    { record: { uid: "uid:u-42" }, key: "uid:uid:u-42" },
    { record: { uid: "#3" }, key: "uid:#3" },
    // So is one that only looks like one (the engine warns of keys differing only in case, blanks, form).
    { record: { uid: "ID:987654321" }, key: "uid:ID:987654321" },
    { record: { uid: " Email:ann@example.com" }, key: "uid: Email:ann@example.com" },
    { record: { uid: "\uff03 3" }, key: "uid:\uff03 3" },
    // One that holds such a start further on is its own key: it starts like no other space's.
    { record: { uid: "order#3" }, key: "order#3" },
    { record: { uid: "paid:7" }, key: "paid:7" },
  ])("keys $record as $key", ({ record, key }) => {
    expect(fullStoryKeyOf(record, 3)).toBe(key);
  });

  it("gives two records one key only when they name one user by the same field and value", () => {
    const f = seededFaker("fullstory-report-keys");
    const tricky = ["", "uid:", "id:", "email:", "#", "uid:id:", "#uid:"];
    const value = () =>
      `${f.helpers.arrayElement(tricky)}${f.helpers.arrayElement(["7", "ann@example.com", "3", ""])}`;
    const records = Array.from({ length: 400 }, () => {
      const field = f.helpers.arrayElement(["uid", "id", "email", "none"] as const);
      const text = value();
      // A record named by nothing (no field, or a blank one) is keyed by its index: it shares no key.
      const identity = field === "none" || text === "" ? undefined : `${field}=${text}`;
      const record: FullStoryUser = field === "none" ? {} : { [field]: text };
      return { record, identity };
    });
    const keys = records.map(({ record }, i) => fullStoryKeyOf(record, i));
    const users = records.map(({ identity }, i) => identity ?? `index=${i}`);
    // Keys and users pair one to one: as many distinct pairs as distinct keys and distinct users.
    const pairs = new Set(keys.map((key, i) => JSON.stringify([key, users[i]])));
    expect(new Set(users).size).toBeLessThan(records.length); // the data does repeat users
    expect(new Set(keys).size).toBe(pairs.size);
    expect(new Set(users).size).toBe(pairs.size);
  });
});

describe("duplicate keys across uid, id and email (FullStory)", () => {
  it("imports a user whose uid is another user's email without a duplicate warning", async () => {
    const sim = mountFullStory(server);
    const fullstory = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
    const email = seededFaker("fullstory-key-spaces").internet.email();
    const report = await importUsers(fullstory, [{ uid: email }, { email }], options);

    expect(sim.users()).toHaveLength(2);
    expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual([
      [email, "imported"],
      [`email:${email}`, "imported"],
    ]);
    expect(report.outcomes[1]).not.toHaveProperty("warning");
    expect(report.events.duplicate_keys ?? 0).toBe(0);
  });

  it("imports a user whose uid looks like another user's email key without a look-alike warning", async () => {
    const sim = mountFullStory(server);
    const fullstory = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
    const input = [{ uid: "Email:ann@example.com" }, { email: "ann@example.com" }];
    const report = await importUsers(fullstory, input, options);

    expect(sim.users()).toHaveLength(2);
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
    expect(report.outcomes[1]).not.toHaveProperty("warning");
    expect(report.events).toEqual({});
  });

  it("still warns of two records with the same email, which FullStory keeps as one user", async () => {
    const sim = mountFullStory(server);
    const fullstory = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
    const email = seededFaker("fullstory-key-twice").internet.email();
    const report = await importUsers(
      fullstory,
      [
        { email, display_name: "first" },
        { email, display_name: "second" },
      ],
      options,
    );

    expect(sim.users()).toHaveLength(1);
    expect(report.outcomes[1]).toHaveProperty("warning");
    expect(report.events.duplicate_keys).toBe(1);
  });
});
