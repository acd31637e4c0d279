// What the vendor would hold twice (`duplicates`) against harmless upserts of a key again (`rewrites`), the
// two worlds of SlashID for an existing person, per-record refusals that do not change on a replay, and
// the Userpilot job list a client searches after a lost answer.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import { createSlashIdSimulator } from "../../src/testing/slashid.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import {
  fullStoryBatch,
  fullStoryPost,
  propellerPost,
  propellerToken,
  propellerUsers,
  slashIdRows,
  slashIdUpload,
  userpilotGet,
  userpilotPost,
  userpilotUsers,
  type Row,
} from "./vendor-requests.js";

interface SlashIdAnswer {
  result: { successful_imports: number; failed_imports: number; failed_csv?: string };
}

describe("duplicates and rewrites", () => {
  it("FullStory: one chunk sent under two keys is two jobs, a duplicate; under one key it is not", async () => {
    const f = seededFaker("fs duplicates");
    const sim = createFullStorySimulator();
    const chunk = fullStoryBatch(f, 3);
    await fullStoryPost(sim, chunk, "key-a");
    await fullStoryPost(sim, chunk, "key-a");
    expect(sim.stats()).toMatchObject({ jobs: 1, duplicates: 0, rewrites: 0 });
    await fullStoryPost(sim, chunk, "key-b");
    expect(sim.stats()).toMatchObject({
      jobs: 2,
      users: 3,
      duplicates: 1,
      duplicateWrites: 1,
      rewrites: 3,
    });
  });

  it("Userpilot: two live jobs for the same user ids are a duplicate, in any order", async () => {
    const f = seededFaker("up duplicates");
    let clock = 0;
    const sim = createUserpilotSimulator({ now: () => (clock += 10), stepMs: 1 });
    const users = userpilotUsers(f, 3);
    await userpilotPost(sim, users);
    await userpilotPost(sim, users.slice(1));
    expect(sim.stats()).toMatchObject({ jobs: 2, duplicates: 0, rewrites: 2 });
    await userpilotPost(sim, [...users].reverse());
    expect(sim.stats()).toMatchObject({ jobs: 3, users: 3, duplicates: 1, rewrites: 5 });
  });

  it("Userpilot: a job that failed wrote nothing, so sending its ids again is no duplicate", async () => {
    const f = seededFaker("up failed");
    let clock = 0;
    const sim = createUserpilotSimulator({
      now: () => (clock += 10),
      stepMs: 1,
      failJobs: (job) => job.index === 1,
    });
    const users = userpilotUsers(f, 2);
    await userpilotPost(sim, users);
    await userpilotPost(sim, users);
    expect(sim.stats()).toMatchObject({
      jobs: 2,
      users: 2,
      duplicates: 0,
      rewrites: 0,
      rejected: 2,
    });
  });

  it("Propeller: a user re-sent is updated in place, a rewrite and never a duplicate", async () => {
    const f = seededFaker("propeller rewrites");
    const sim = createPropellerSimulator();
    const token = await propellerToken(sim);
    const users = propellerUsers(f, 2);
    await propellerPost(sim, token, users);
    await propellerPost(sim, token, users);
    expect(sim.stats()).toMatchObject({ users: 2, duplicates: 0, rewrites: 2 });
  });
});

describe("SlashID: a person that already exists", () => {
  it("refuse (the default): the row fails with 'person already exists', neither imported nor rejected", async () => {
    const f = seededFaker("slashid refuse");
    const sim = createSlashIdSimulator();
    const rows = slashIdRows(f, 2);
    await slashIdUpload(sim, rows);
    const fresh = slashIdRows(f, 1);
    const again = (await (await slashIdUpload(sim, [...rows, ...fresh])).json()) as SlashIdAnswer;
    expect(again.result).toMatchObject({ successful_imports: 1, failed_imports: 2 });
    const failed = parse<Row>(again.result.failed_csv ?? "", { columns: true });
    expect(failed.map((row) => [row["slashid:emails"], row["reason"]])).toEqual(
      rows.map((row) => [row["slashid:emails"], "person already exists"]),
    );
    expect(sim.stats()).toMatchObject({
      users: 3,
      rejected: 0,
      alreadyExisting: 2,
      duplicates: 0,
      rewrites: 0,
    });
  });

  it("upsert: the row updates the person, a rewrite; never two persons for one handle", async () => {
    const f = seededFaker("slashid upsert");
    const sim = createSlashIdSimulator({ existingPersons: "upsert" });
    const rows = slashIdRows(f, 2);
    await slashIdUpload(sim, rows);
    const changed = rows.map((row) => ({ ...row, "slashid:groups": "renamed" }));
    const again = (await (await slashIdUpload(sim, changed)).json()) as SlashIdAnswer;
    expect(again.result).toEqual({ successful_imports: 2, failed_imports: 0 });
    expect(sim.stats()).toMatchObject({ users: 2, rewrites: 2, duplicates: 0, alreadyExisting: 0 });
    expect(sim.persons().map((p) => p.groups.at(-1))).toEqual(["renamed", "renamed"]);
  });
});

describe("rejectRate decides once per record", () => {
  it("Propeller: a refused user is refused again and counted once; a stored one is never refused", async () => {
    const f = seededFaker("sticky");
    const sim = createPropellerSimulator({ faults: { rejectRate: 0.5, seed: 3 } });
    const token = await propellerToken(sim);
    const users = propellerUsers(f, 8);
    const outcomes = async () =>
      (
        (await (await propellerPost(sim, token, users)).json()) as { data: { success: boolean }[] }
      ).data.map((d) => d.success);
    const first = await outcomes();
    expect(first).toContain(false);
    expect(first).toContain(true);
    sim.setFaults({ rejectRate: 1 });
    expect(await outcomes()).toEqual(first);
    expect(sim.stats().rejected).toBe(first.filter((ok) => !ok).length);
  });
});

describe("Userpilot: the background job list", () => {
  it("lists every job, oldest first, with its rows and the simulator-clock start and end", async () => {
    const f = seededFaker("job list");
    let clock = Date.parse("2026-03-01T10:00:00.000Z");
    const sim = createUserpilotSimulator({ now: () => clock, pollsPerStep: 1 });
    await userpilotPost(sim, userpilotUsers(f, 3));
    clock += 5_000;
    const busy = await userpilotPost(sim, userpilotUsers(f, 2));
    expect(busy.status).toBe(409);
    const [first] = sim.jobs();
    for (let i = 0; i < 3; i++) await userpilotGet(sim, `/v1/background_jobs/${first?.job_id}`);
    clock += 5_000;
    expect((await userpilotPost(sim, userpilotUsers(f, 2))).status).toBe(202);

    const list = (await (await userpilotGet(sim, "/v1/background_jobs")).json()) as Record<
      string,
      unknown
    >[];
    expect(list).toEqual([
      expect.objectContaining({
        job_id: first?.job_id,
        status: "completed",
        total_rows: 3,
        completed_rows: 3,
        start_time: "2026-03-01T10:00:00.000Z",
        // Ended by ticks, which take no time on the simulator's clock.
        end_time: "2026-03-01T10:00:00.000Z",
      }),
      expect.objectContaining({
        status: "queued",
        total_rows: 2,
        completed_rows: 0,
        start_time: "2026-03-01T10:00:10.000Z",
        end_time: null,
      }),
    ]);
  });
});
