// The FullStory adapter against result lists that lie: entries for users never sent, cursors that never end,
// counts that confirm fewer users than the chunk held. The simulator does the import; a script rewrites its
// status and list answers. Each chunk is sent straight through the adapter with a context whose `count`
// events the tests read.
import { setTimeout } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import type { ItemOutcome } from "../../src/core/engine/adapter.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import type { FullStorySimulator, FullStorySimulatorOptions } from "../../src/testing/fullstory.js";
import { containing, matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { importUsers } from "../../src/fullstory/import.js";
import {
  API_KEY,
  fullStoryError,
  idOf,
  lying,
  mountFullStory,
  type Lies,
  sendChunk,
} from "./harness.js";

const server = useMswServer();
afterEach(() => vi.restoreAllMocks());

/** Faker users, each with a distinct uid and email. */
function users(n: number, seed = "fullstory-hostile"): FullStoryUser[] {
  const f = seededFaker(seed);
  return Array.from({ length: n }, (_, i) => ({
    uid: `u-${i}-${f.string.alphanumeric(6)}`,
    email: f.internet.email().toLowerCase(),
    display_name: f.person.fullName(),
  }));
}

/** A simulator whose status and list answers tell `lies`. */
function vendor(lies: Lies, options: FullStorySimulatorOptions = {}): FullStorySimulator {
  const { faults, ...rest } = options;
  return mountFullStory(server, {
    ...rest,
    faults: { ...faults, script: lying(lies, faults?.script) },
  });
}

/** Users FullStory already holds (no uid), so that records can name them by `id`. */
async function existing(n: number): Promise<string[]> {
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  const f = seededFaker("fullstory-existing");
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const created = await client.createUser({ body: { display_name: f.person.fullName() } });
    if (!created.ok) throw new Error(created.error.message);
    ids.push(created.data.id);
  }
  return ids;
}

const importedBy =
  (sim: FullStorySimulator) =>
  (user: FullStoryUser): ItemOutcome => ({ ok: true, id: idOf(sim, user)! });
const lists = (sim: FullStorySimulator) => ({
  imports: sim.stats().requests["GET /v2/users/batch/{job_id}/imports"] ?? 0,
  errors: sim.stats().requests["GET /v2/users/batch/{job_id}/errors"] ?? 0,
});
const jobId = (sim: FullStorySimulator) => sim.jobs()[0]!.id;

/** Fixes the monotonic clock the job's time is measured on (the wall clock may jump); moves it on when told. */
function monotonicClock(): (ms: number) => void {
  const now = performance.now();
  let skew = 0;
  vi.spyOn(performance, "now").mockImplementation(() => now + skew);
  return (ms) => {
    skew = ms;
  };
}

describe("matching list entries to records", () => {
  it("an entry whose uid was never sent neither imports nor fails the sent user with its email", async () => {
    const [failing, unlisted, plain] = users(3);
    const sim = vendor(
      {
        omit: (uid) => uid === unlisted!.uid,
        ghosts: {
          imports: [{ id: "fs-ghost-1", uid: "ghost-1", email: failing!.email! }],
          errors: [
            { code: "boom", message: "ghost", user: { uid: "ghost-2", email: unlisted!.email! } },
          ],
        },
      },
      { faults: { reject: (key) => key === `uid:${failing!.uid}` } },
    );
    const { outcomes, events } = await sendChunk([failing!, unlisted!, plain!]);

    expect(outcomes[0]).toEqual({
      ok: false,
      code: "simulated_rejection",
      reason: "the simulator rejected this user (rejectRate)",
    });
    expect(outcomes[1]).toMatchObject({ ok: false, code: "no_outcome" });
    expect(outcomes[2]).toEqual(importedBy(sim)(plain!));
    expect(events).toEqual({ unmatched_entries: 2 });
  });

  it("an errors entry whose uid was never sent does not fail the record without a uid that has its email", async () => {
    const [user] = users(1, "fullstory-errors-ghost");
    const emailOnly: FullStoryUser = { email: user!.email! };
    const sim = vendor({
      omit: () => true,
      ghosts: {
        errors: [{ code: "boom", message: "ghost", user: { uid: "ghost", email: user!.email! } }],
      },
    });
    const { outcomes, events } = await sendChunk([emailOnly]);

    expect(sim.users()).toHaveLength(1); // FullStory did import it
    // Its errors entry is not this record's: the job's imports count confirms it.
    expect(outcomes[0]).toEqual({ ok: true });
    expect(events).toMatchObject({ unmatched_entries: 1 });
  });

  it("an errors entry of a user the chunk never named is counted unmatched, and fails no record", async () => {
    const input = users(2, "fullstory-errors-stray");
    const sim = vendor({
      ghosts: { errors: [{ code: "boom", message: "ghost", user: { uid: "never-sent" } }] },
    });
    const { outcomes, events } = await sendChunk(input);

    expect(outcomes).toEqual(input.map(importedBy(sim)));
    expect(events).toEqual({ unmatched_entries: 1 });
  });

  it("an entry with a uid matches only that uid; id and email match only records without a uid", async () => {
    const f = seededFaker("fullstory-match-rules");
    const shared = f.internet.email().toLowerCase();
    const sim = vendor({});
    const [idOnlyId, uidAndIdId] = await existing(2);
    // Email-only first: FullStory upserts it by email, and must not find the record with a uid.
    const emailOnly: FullStoryUser = { email: shared };
    const withUid: FullStoryUser = { uid: "a", email: shared };
    const idOnly: FullStoryUser = { id: idOnlyId! };
    const uidAndId: FullStoryUser = { uid: "d", id: uidAndIdId! };
    const ghosts = [
      // Listed first, so that a fallback to email would take the first record with that email.
      { id: "fs-x", uid: "never-sent", email: shared },
      // Names the id of a record that has a uid: not that record.
      { id: uidAndIdId! },
    ];
    sim.setFaults({
      script: lying({ omit: (uid) => uid === "d", failed: true, ghosts: { imports: ghosts } }),
    });
    const { outcomes, events } = await sendChunk([emailOnly, withUid, idOnly, uidAndId]);

    expect(outcomes).toEqual([
      importedBy(sim)(emailOnly),
      importedBy(sim)(withUid),
      importedBy(sim)(idOnly),
      expect.objectContaining({ ok: false, code: "no_outcome" }),
    ]);
    expect(events).toEqual({ unmatched_entries: 2 });
  });

  it("an entry with an id does not take, by email, a record with another id", async () => {
    const f = seededFaker("fullstory-match-ids");
    const email = f.internet.email().toLowerCase();
    const sim = vendor({
      omit: () => true,
      failed: true,
      ghosts: { imports: [{ id: "222", email }] },
    });
    const [id] = await existing(1);
    const { outcomes, events } = await sendChunk([{ id: id!, email }]);

    expect(sim.users().find((user) => user.id === id)?.email).toBe(email); // FullStory did import it
    expect(outcomes[0]).toMatchObject({ ok: false, code: "no_outcome" });
    expect(events).toEqual({ unmatched_entries: 1 });
  });

  // FullStory's errors entry echoes the request item; one that echoes part of it (a uid, not the email sent
  // with it) still names the record, which its imports list named too. Before, the record was imported with
  // nothing said, where an echo of the whole item made it failed, saying FullStory may hold the user.
  describe("an errors entry that echoes part of an imported record", () => {
    const refused = { code: "invalid_argument", message: "refused" };
    const mayHold = (by: string) =>
      matching(
        new RegExp(
          `^refused; FullStory's imports list also names a user with this ${by}; whether it was imported is unknown: the vendor may hold this record$`,
        ),
      );

    it("by uid: failed with FullStory's reason, and it may hold the user", async () => {
      const [ann, bob] = users(2);
      vendor({ ghosts: { errors: [{ user: { uid: ann!.uid! }, ...refused }] } });
      const { outcomes, events } = await sendChunk([ann!, bob!]);

      expect(outcomes[0]).toEqual({
        ok: false,
        code: "invalid_argument",
        reason: mayHold("uid"),
        vendorMayHold: true,
        jobMayHold: true,
      });
      expect(outcomes[1]).toMatchObject({ ok: true });
      expect(events).toEqual({});
    });

    // The first reading of its imports list failed, so the refusal was placed alone; the replay's reading
    // found the import too, and the merge of the two kept the first.
    it("by uid, after a replay: the refusal that says FullStory may hold the user stands", async () => {
      const [ann, bob] = users(2);
      // FAILED, counting one import and one error: nothing in the status contradicts the refusal, so only
      // the imports list says FullStory may hold the user.
      const busy: Lies = {
        ghosts: { errors: [{ user: { uid: ann!.uid! }, ...refused }] },
        failed: true,
        counts: { imports: 1, errors: 1 },
      };
      vendor(busy, {
        faults: {
          script: ({ operation, attempt }) =>
            operation === "getBatchImports" && attempt === 1
              ? { answer: () => fullStoryError(503, "unavailable") }
              : undefined,
        },
      });
      const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
      const report = await importUsers(client, [ann!, bob!], { pollIntervalMs: 1 });

      expect(report.chunks.replayed).toBe(1);
      expect(report.outcomes[0]).toMatchObject({
        outcome: "failed",
        code: "invalid_argument",
        reason: mayHold("uid"),
      });
      expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
    });

    it("by id, for a record without a uid", async () => {
      const ghost = { user: { id: "", email: "ann@example.com" }, ...refused };
      vendor({ ghosts: { errors: [ghost] } });
      const [id] = await existing(1);
      ghost.user.id = id!;
      const { outcomes } = await sendChunk([{ id: id! }]);

      expect(outcomes[0]).toEqual({
        ok: false,
        code: "invalid_argument",
        reason: mayHold("id"),
        vendorMayHold: true,
        jobMayHold: true,
      });
    });

    it("by email, for a record without a uid or id", async () => {
      const email = "ann@example.com";
      vendor({ ghosts: { errors: [{ user: { id: "555", email }, ...refused }] } });
      const { outcomes } = await sendChunk([{ email, display_name: "Ann" }]);

      expect(outcomes[0]).toEqual({
        ok: false,
        code: "invalid_argument",
        reason: mayHold("email"),
        vendorMayHold: true,
        jobMayHold: true,
      });
    });
  });

  it("counts nothing when every entry matches", async () => {
    const input = users(5);
    const sim = vendor({});
    const { outcomes, events } = await sendChunk(input);
    expect(outcomes).toEqual(input.map(importedBy(sim)));
    expect(events).toEqual({});
  });
});

describe("paging bounds", () => {
  it("stops a list that answers new page tokens forever, within its count plus two pages", async () => {
    const input = users(6);
    const missing = input[5]!;
    const sim = vendor(
      {
        endlessPages: true,
        omit: (uid) => uid === missing.uid,
        counts: { imports: 5, errors: 0 },
      },
      { pageSize: 2 },
    );
    const { outcomes } = await sendChunk(input);

    // Five imports counted → at most 5 + 2 pages; no errors → at most 2.
    expect(lists(sim)).toEqual({ imports: 7, errors: 2 });
    expect(outcomes.slice(0, 5)).toEqual(input.slice(0, 5).map(importedBy(sim)));
    expect(outcomes[5]).toEqual({
      ok: false,
      code: "results_incomplete",
      reason: containing(jobId(sim)),
      transient: true,
      later: true,
      vendorMayHold: true,
    });
  });

  // Entries of users never sent are counted, not kept (a list of them, however long, holds a page in memory);
  // entries that may name a record are kept, and an honest list names each record once at most.
  it("stops a list that names the chunk's records more than twice over, and places nothing from it", async () => {
    const input = users(3);
    const repeated = Array.from({ length: 10 }, () => ({ uid: input[0]!.uid!, id: "998" }));
    vendor({ ghosts: { imports: repeated } });
    const { outcomes } = await sendChunk(input);

    // The first record too: the id the list gave it may be any user's.
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        ok: false,
        code: "results_incomplete",
        reason: matching(
          /stopped reading its imports list \(it named the chunk's users more than twice over\) and took neither list's word on any user;/,
        ),
      });
    }
  });

  // An errors list cut so placed the imports alone: the refused user was reported imported.
  it("stops an errors list that names the chunk's records more than twice over: nothing is placed", async () => {
    const input = users(3);
    const refusal = { user: { uid: input[0]!.uid! }, code: "invalid_argument", message: "refused" };
    vendor({ ghosts: { errors: Array.from({ length: 10 }, () => refusal) } });
    const { outcomes } = await sendChunk(input);

    expect(outcomes.map((o) => !o.ok && o.code)).toEqual(Array(3).fill("results_incomplete"));
    // The first record was listed (refused, ten times over): its reason must not say it went unlisted.
    expect(outcomes[0]).toMatchObject({
      reason: matching(
        /stopped reading its errors list \(it named the chunk's users more than twice over\) and took neither list's word on any user;/,
      ),
    });
    expect(outcomes[0]).not.toMatchObject({ reason: matching(/before this user was listed/) });
  });

  // An entry without a uid or email may name only a record with neither uid, id nor email (by its new id):
  // where the chunk has none, or the entry has an email no record has, it names none, and is counted only.
  // Past as many as a list may name records (8), which no honest list does, the ids of such entries are no
  // longer kept to compare: a record without a uid that did not name its id is imported without it.
  it.each<
    [string, () => Promise<FullStoryUser>, (i: number) => { id: string; email?: string }, boolean]
  >([
    [
      "an id only, and every record has a uid, id or email",
      async () => ({ id: (await existing(1))[0]! }),
      (i) => ({ id: `fs-ghost-${i}` }),
      true,
    ],
    [
      "an id and an email no record has, beside a record with neither",
      () => Promise.resolve({ display_name: "Anonymous" }),
      (i) => ({ id: `fs-ghost-${i}`, email: `ghost-${i}@example.com` }),
      false,
    ],
  ])(
    "reads an imports list padded with users no record can be (%s) whole, and places the chunk",
    async (_, third, ghost, idKept) => {
      const sim = vendor({ ghosts: { imports: Array.from({ length: 10 }, (_, i) => ghost(i)) } });
      const input = [...users(2), await third()];
      const { outcomes, events } = await sendChunk(input);

      // The third record's user: the one FullStory holds without a uid or email.
      const user = sim.users().find((u) => u.uid === undefined && u.email === undefined);
      expect(outcomes).toEqual([
        ...input.slice(0, 2).map(importedBy(sim)),
        idKept
          ? { ok: true, id: user!.id }
          : {
              ok: true,
              note: matching(/names more than 8 users without a uid that no record names/),
            },
      ]);
      expect(events).toEqual({ unmatched_entries: 10 });
    },
  );

  it("caps the page budget at the chunk's size when the counts claim more", async () => {
    const input = users(4);
    const sim = vendor(
      {
        endlessPages: true,
        counts: { imports: 2_000_000_000, errors: 2_000_000_000 },
        totalRecords: "9223372036854775807",
        omit: (uid) => uid === input[3]!.uid,
      },
      { pageSize: 1 },
    );
    const { outcomes } = await sendChunk(input);

    expect(lists(sim)).toEqual({ imports: 6, errors: 6 });
    expect(outcomes.slice(0, 3)).toEqual(input.slice(0, 3).map(importedBy(sim)));
    expect(outcomes[3]).toMatchObject({ ok: false, code: "results_incomplete", transient: true });
  });

  it("widens the page budget to a page's total_records above the status's count", async () => {
    const input = users(5);
    // The status counts one import (a count that lags); each page says five, one user a page.
    const sim = vendor({ counts: { imports: 1, errors: 0 }, totalRecords: "5" }, { pageSize: 1 });
    const { outcomes } = await sendChunk(input);

    expect(lists(sim).imports).toBe(5);
    expect(outcomes).toEqual(input.map(importedBy(sim)));
  });

  it("reads each list's first page even when the job ends as its time runs out", async () => {
    const jobTimeoutMs = 60_000;
    const jumpBy = monotonicClock();
    const input = users(3);
    const sim = vendor(
      {},
      {
        faults: {
          script: ({ operation }) => {
            if (operation === "getBatchImportStatus") jumpBy(jobTimeoutMs);
            // A page takes the time a request takes (a few ms, not the next turn of the event loop): the
            // job's time, already spent, must not cut it short.
            if (operation === "getBatchImports" || operation === "getBatchImportErrors")
              return { after: (answer) => setTimeout(5).then(() => answer) };
            return undefined;
          },
        },
      },
    );
    const { outcomes } = await sendChunk(input, { jobTimeoutMs });

    expect(outcomes).toEqual(input.map(importedBy(sim)));
  });

  it("reads an honest list of one result per page to its end", async () => {
    const input = users(7);
    const sim = vendor({ emptyLastToken: true }, { pageSize: 1 });
    const { outcomes } = await sendChunk(input);

    expect(lists(sim).imports).toBe(7);
    expect(outcomes).toEqual(input.map(importedBy(sim)));
  });

  it("stops paging when the job's time runs out, even while every page answers at once", async () => {
    const jobTimeoutMs = 60_000;
    const jumpBy = monotonicClock();
    const input = users(3);
    const sim = vendor(
      {
        endlessPages: true,
        counts: { imports: 3, errors: 0 },
        omit: (uid) => uid === input[2]!.uid,
      },
      {
        pageSize: 1,
        faults: {
          script: ({ operation, attempt }) => {
            if (operation === "getBatchImports" && attempt === 2) jumpBy(jobTimeoutMs);
            return undefined;
          },
        },
      },
    );
    const { outcomes } = await sendChunk(input, { jobTimeoutMs });

    expect(lists(sim).imports).toBe(2);
    expect(outcomes.slice(0, 2)).toEqual(input.slice(0, 2).map(importedBy(sim)));
    expect(outcomes[2]).toEqual({
      ok: false,
      code: "results_incomplete",
      reason: matching(new RegExp(`${jobId(sim)}.*time ran out`)),
      transient: true,
      later: true,
      vendorMayHold: true,
    });
  });
});

describe("records no list names", () => {
  it("fail no_outcome when the COMPLETED job's counts confirm fewer users than the chunk held", async () => {
    const input = users(4);
    const missing = input[2]!;
    const sim = vendor({ omit: (uid) => uid === missing.uid, counts: { imports: 3, errors: 0 } });
    const { outcomes } = await sendChunk(input);

    expect(outcomes[2]).toEqual({
      ok: false,
      code: "no_outcome",
      reason: matching(new RegExp(`${jobId(sim)} COMPLETED with 3 of 4`)),
      vendorMayHold: true,
      jobMayHold: true,
    });
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
  });

  it("are imported when the COMPLETED job's counts cover the chunk", async () => {
    const input = users(4);
    vendor({ omit: (uid) => uid === input[2]!.uid });
    const { outcomes } = await sendChunk(input);
    expect(outcomes[2]).toEqual({ ok: true });
  });
});
