// What a COMPLETED FullStory job's status counts confirm about the users its result lists leave out: the
// report calls such a user imported only when the job's `imports` count, less every import listed, covers it.
// The simulator does the import; a script rewrites its counts and lists as a FullStory that misreports would.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import type { ItemOutcome } from "../../src/core/engine/adapter.js";
import { importUsers } from "../../src/fullstory/import.js";
import { jobCount, unconfirmedImports } from "../../src/fullstory/job-counts.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, idOf, lying, mountFullStory, type Lies, sendChunk } from "./harness.js";

const server = useMswServer();

function users(n: number): FullStoryUser[] {
  const f = seededFaker("fullstory-job-counts");
  return Array.from({ length: n }, (_, i) => ({
    uid: `u-${i}-${f.string.alphanumeric(6)}`,
    email: f.internet.email().toLowerCase(),
  }));
}

/** One chunk of `items` straight through the adapter, against a FullStory telling `lies`. */
async function send(items: FullStoryUser[], lies: Lies) {
  const sim = mountFullStory(server, { faults: { script: lying(lies) } });
  const { outcomes } = await sendChunk(items);
  return { sim, outcomes, job: sim.jobs()[0]!.id };
}

const unsaid = (job: string, says: string): ItemOutcome => ({
  ok: false,
  code: "no_outcome",
  reason: matching(
    // A COMPLETED job says every user was imported: one that its counts leave unconfirmed may be.
    new RegExp(
      `^FullStory batch import job ${job} .*${says}.*did not say what happened.*the vendor may hold this record$`,
    ),
  ),
  vendorMayHold: true,
  jobMayHold: true,
});
const nobodyListed = () => true;

describe("users neither list names, after a COMPLETED job", () => {
  it("fail no_outcome when the job counts them failed (0 imported, 4 errors)", async () => {
    const { outcomes, job } = await send(users(4), {
      omit: nobodyListed,
      counts: { imports: 0, errors: 4 },
    });
    expect(outcomes).toEqual(
      Array(4).fill(
        unsaid(job, "COMPLETED with 0 of 4 users counted imported \\(4 counted failed\\)"),
      ),
    );
  });

  it("all fail when the count covers only some of them, as nothing says which (2 imported, 2 errors)", async () => {
    const { outcomes, job } = await send(users(4), {
      omit: nobodyListed,
      counts: { imports: 2, errors: 2 },
    });
    expect(outcomes).toEqual(Array(4).fill(unsaid(job, "leaves 2 of that count for the 4 users")));
  });

  it("are imported when what the imports count leaves after the listed imports covers them", async () => {
    const input = users(4);
    const left = new Set([input[1]!.uid, input[3]!.uid]);
    const { outcomes, sim } = await send(input, {
      omit: (uid) => left.has(uid),
      counts: { imports: 4, errors: 0 },
    });
    expect(outcomes).toEqual([
      { ok: true, id: idOf(sim, input[0]!) },
      { ok: true },
      { ok: true, id: idOf(sim, input[2]!) },
      { ok: true },
    ]);
  });

  it("fail when a listed import matching no record used up the count", async () => {
    const input = users(4);
    const left = new Set([input[1]!.uid, input[3]!.uid]);
    const { outcomes, job } = await send(input, {
      omit: (uid) => left.has(uid),
      // FullStory counts 4 imports and lists 3: two of ours and one user never sent.
      ghosts: { imports: [{ id: "fs-ghost", uid: "never-sent" }] },
      counts: { imports: 4, errors: 0 },
    });
    expect([outcomes[0]!.ok, outcomes[2]!.ok]).toEqual([true, true]);
    expect(outcomes[1]).toEqual(unsaid(job, "list gave 3, which leaves 1 of that count for the 2"));
    expect(outcomes[3]).toEqual(outcomes[1]);
  });

  it.each([
    ["a negative imports count", { imports: -1 }, "counted imports as -1, not a count"],
    [
      "an imports count beyond the chunk",
      { imports: 5, errors: 0 },
      "counted imports as 5, more than the chunk's 4 users",
    ],
    ["an errors count that is no number", { imports: 4, errors: "many" }, "counted errors as text"],
    ["counts that add up to more than the chunk", { imports: 4, errors: 4 }, "more users than"],
  ] as const)("fail no_outcome on %s: it confirms nothing", async (_, counts, says) => {
    const input = users(4);
    const { outcomes, job } = await send(input, {
      omit: (uid) => uid === input[0]!.uid,
      counts,
    });
    expect(outcomes[0]).toEqual(unsaid(job, says));
    expect(outcomes.slice(1).every((outcome) => outcome.ok)).toBe(true);
  });

  it("the report counts only the confirmed imports", async () => {
    mountFullStory(server, {
      faults: { script: lying({ omit: nobodyListed, counts: { imports: 2, errors: 2 } }) },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(client, users(4), {
      pollIntervalMs: 1,
      sleep: async () => {},
    });
    expect(report).toMatchObject({ imported: 0, failed: 4 });
  });
});

describe("a status that gives no imports count", () => {
  // The spec requires `imports` (the client refuses a status without it as a lost answer): only a client that
  // lets one through leaves COMPLETED as FullStory's only word, which imports the users no list names.
  it("leaves COMPLETED to confirm the unlisted users, unlike a count given but unusable", () => {
    const tally = { size: 4, listedImports: 0, unlisted: 4 };
    expect(
      unconfirmedImports({ ...tally, imports: jobCount(undefined, 4), errors: jobCount(null, 4) }),
    ).toBeUndefined();
    expect(
      unconfirmedImports({ ...tally, imports: jobCount("x", 4), errors: jobCount(undefined, 4) }),
    ).toMatch(/counted imports as text, not a count/);
    expect(
      unconfirmedImports({ ...tally, imports: jobCount(4.5, 4), errors: jobCount(0, 4) }),
    ).toMatch(/counted imports as a fraction/);
  });
});

describe("a FAILED job's status that gives no errors count", () => {
  // Its errors list's total_records is FullStory's count of the job's failures too: with it, the counts can
  // still show every user of the chunk imported or failed.
  const tally = {
    status: "FAILED" as const,
    imports: jobCount(2, 4),
    errors: jobCount(undefined, 4),
    size: 4,
    listedImports: 1,
    unlisted: 1,
    listedFailures: 1,
  };

  it("confirms the unlisted user when the errors list's total_records makes the counts add up", () => {
    expect(unconfirmedImports({ ...tally, errorsTotals: { least: 2, most: 2 } })).toBeUndefined();
  });

  it("confirms nothing without that total, and says so", () => {
    expect(unconfirmedImports(tally)).toMatch(
      /FAILED with 2 of 4 users counted imported .*: without an errors count, .*which confirms nothing/,
    );
  });
});
