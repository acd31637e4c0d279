// FullStory's lists leave out a user it imported. Whatever the job's end state, nothing FullStory said rules
// out that it holds the user: the report must not call it failed for sure (README: "where the vendor cannot
// tell, the outcome says so ('may hold')").
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { API_KEY, idOf, lying, mountFullStory } from "../fullstory/harness.js";

const server = useMswServer();

const users: FullStoryUser[] = [
  { uid: "u-a", email: "a@example.com" },
  { uid: "u-b", email: "b@example.com" },
  { uid: "u-c", email: "c@example.com" },
];

async function run(lies: Parameters<typeof lying>[0]) {
  const sim = mountFullStory(server, { faults: { script: lying(lies) } });
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  const report = await importUsers(client, users, {
    pollIntervalMs: 1,
    sleep: async () => {},
    replayDelayMs: 0,
  });
  expectEveryRecordOnce(report, 3);
  return { sim, report };
}

describe("a user FullStory imported but its lists leave out", () => {
  it("of a job that ended FAILED: the reason says FullStory may hold the user", async () => {
    const { sim, report } = await run({ failed: true, omit: (uid) => uid === "u-c" });
    expect(idOf(sim, users[2]!)).toBeDefined();
    const o = report.outcomes[2]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome" });
    expect(o.outcome === "failed" && o.reason).toMatch(/may hold/);
  });
});

describe("a user sent with no uid, id or email, in a job that ended FAILED", () => {
  async function runKeyless(input: FullStoryUser[], lies: Parameters<typeof lying>[0]) {
    const sim = mountFullStory(server, {
      faults: { reject: (key) => key === "uid:u-a", script: lying(lies) },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(client, input, { pollIntervalMs: 1, sleep: async () => {} });
    return { sim, report, job: sim.jobs()[0]!.id };
  }

  // The imports list named it by the only thing that can: the id FullStory gave it. A FAILED job whose
  // imports count leaves no room for it does not place it, but the reason must not say its imports list left
  // it out, nor say twice what that list gave.
  it("is not said to be missing from the imports list that gave a user named by its new id alone", async () => {
    const { sim, report, job } = await runKeyless([{ uid: "u-a" }, { display_name: "Anonymous" }], {
      counts: { imports: 0, errors: 2 },
    });

    expect(sim.jobs()).toMatchObject([{ status: "FAILED", imports: 1, errors: 1 }]);
    const o = report.outcomes[1]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome", vendorMayHold: true });
    expect(o.outcome === "failed" && o.reason).toBe(
      `FullStory batch import job ${job} FAILED with 0 of 2 users counted imported (2 counted failed); its imports list gave 1 (1 of them named only by the id FullStory gave it, which this user, sent with no uid, id or email, may be), which leaves 0 of that count for the 1 user neither list names by a uid, id or email; whether it was imported is unknown: the vendor may hold this record`,
    );
  });

  // Three users named by a new id alone, for two such records: the reason gives what the list gave, once.
  it("is told how many users the imports list gave with a new id alone, more than such records", async () => {
    const input: FullStoryUser[] = [
      { uid: "u-a" },
      { uid: "u-b" },
      { display_name: "Anonymous" },
      { display_name: "Guest" },
      { uid: "u-c" },
    ];
    const { report, job } = await runKeyless(input, {
      ghosts: { imports: [{ id: "ghost-1" }] },
      counts: { imports: 1, errors: 4 },
    });

    const o = report.outcomes[2]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome", vendorMayHold: true });
    expect(o.outcome === "failed" && o.reason).toBe(
      `FullStory batch import job ${job} FAILED with 1 of 5 users counted imported (4 counted failed); its imports list gave 5 (3 of them named only by the id FullStory gave them, which the 2 users sent with no uid, id or email, this one among them, may be), which leaves 0 of that count for the 2 users neither list names by a uid, id or email; whether it was imported is unknown: the vendor may hold this record`,
    );
    expect(report.outcomes[3]).toMatchObject({ code: "no_outcome" });
  });
});
