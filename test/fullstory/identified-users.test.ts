// A FullStory record that names an identified user (one with a uid) by its FullStory id is upserted onto that
// user, and FullStory's /imports list shows the user as stored, uid included. The report must say the record
// was imported, as the vendor holds it, not "no_outcome".
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/index.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, lying, mountFullStory } from "../fullstory/harness.js";

const server = useMswServer();
const options = { pollIntervalMs: 10, maxPollIntervalMs: 20, sleep: async () => {} };
const client = () => createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });

describe("FullStory records naming an identified user by its id", () => {
  it("reports an update by FullStory id of a user with a uid as imported", async () => {
    const sim = mountFullStory(server);
    await importUsers(client(), [{ uid: "u-1", email: "ann@example.com" }], options);
    const id = sim.users()[0]!.id;

    const report = await importUsers(client(), [{ id, display_name: "Ann B." }], options);

    // FullStory wrote it: one user, renamed by this job.
    expect(sim.users()).toHaveLength(1);
    expect(sim.users()[0]).toMatchObject({ id, uid: "u-1", display_name: "Ann B." });
    expect(sim.users()[0]!.writers).toHaveLength(2);
    expect(report.outcomes).toEqual([{ index: 0, key: `id:${id}`, outcome: "imported", id }]);
    expect(report.events.unmatched_entries ?? 0).toBe(0);
  });
});

it("reports each of two id records naming one identified user, in one chunk, as imported", async () => {
  const sim = mountFullStory(server);
  await importUsers(client(), [{ uid: "u-2" }], options);
  const id = sim.users()[0]!.id;

  const report = await importUsers(
    client(),
    [{ id, display_name: "first" }, { uid: "u-3" }, { id, display_name: "second" }],
    options,
  );

  expect(sim.users().find((u) => u.id === id)).toMatchObject({
    uid: "u-2",
    display_name: "second",
  });
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported", "imported"]);
  expect(report.outcomes[2]).toHaveProperty("warning");
});

it("reports an email-only record that FullStory wrote onto a user identified by an earlier chunk as imported", async () => {
  const sim = mountFullStory(server);

  const report = await importUsers(
    client(),
    [
      { uid: "u-4", email: "cy@example.com" },
      { email: "cy@example.com", display_name: "Cy" },
    ],
    { ...options, chunkRecords: 1 },
  );

  // FullStory upserted the second record onto the user who has its email.
  expect(sim.users()).toHaveLength(1);
  expect(sim.users()[0]).toMatchObject({ uid: "u-4", display_name: "Cy" });
  expect(sim.users()[0]!.writers).toHaveLength(2);
  const id = sim.users()[0]!.id;
  expect(report.outcomes.map((o) => [o.key, o.outcome, "id" in o ? o.id : undefined])).toEqual([
    ["u-4", "imported", id],
    ["email:cy@example.com", "imported", id],
  ]);
  expect(report.events.unmatched_entries ?? 0).toBe(0);
  // Two records of the input are one FullStory user, which holds the later one's values: the report says so.
  expect(report.outcomes[0]).not.toHaveProperty("warning");
  expect(report.outcomes[1]).toMatchObject({
    warning: matching(
      /^FullStory lists the user it wrote for this record, which named no uid, under uid u-4 \(our reading: .*\): it holds one user for this record and any record with that uid, presumably with the values it got last$/,
    ),
  });
});

it("says so of an email-only record that FullStory wrote onto a user of the same chunk's uid record", async () => {
  const sim = mountFullStory(server);

  const report = await importUsers(
    client(),
    [
      { uid: "u-5", email: "dee@example.com", display_name: "Dee" },
      { email: "dee@example.com", display_name: "D." },
    ],
    options,
  );

  expect(sim.users()).toEqual([expect.objectContaining({ uid: "u-5", display_name: "D." })]);
  expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  expect(report.outcomes[1]).toMatchObject({
    warning: matching(/under uid u-5 \(our reading: it took the record's email for that user's\)/),
  });
});

it("reports the id record as the one FullStory imported when it lists the user it names once, with the email of another", async () => {
  // Both records of the second chunk write user `id`, who has the second one's email; FullStory lists that
  // user once: the record that named it by its id is the one its entry confirms, not the one sharing its
  // email (a record of its own id names one user; an email only finds one).
  let listOnce = false;
  const script = lying({}, ({ operation }) =>
    !listOnce || operation !== "getBatchImports"
      ? undefined
      : {
          after: async (answer) => {
            const body = (await answer.json()) as { results: object[] };
            return json({ ...body, results: body.results.slice(0, 1), total_records: "1" });
          },
        },
  );
  const sim = mountFullStory(server, { faults: { script } });
  await importUsers(client(), [{ email: "bo@example.com" }], options);
  const id = sim.users()[0]!.id;
  listOnce = true;

  const report = await importUsers(
    client(),
    [
      { id, display_name: "Bo" },
      { email: "bo@example.com", display_name: "B." },
    ],
    options,
  );

  expect(report.outcomes[0]).toMatchObject({ key: `id:${id}`, outcome: "imported", id });
  expect(report.outcomes[1]).not.toMatchObject({ outcome: "imported" });
});
