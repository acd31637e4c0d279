// The FullStory adapter against result lists that lie: entries for users never sent, cursors that never end,
// counts that confirm fewer users than the chunk held. Each chunk is sent straight through the adapter with a
// context whose `count` events the tests read.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ItemOutcome } from "../../src/core/engine/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import {
  createFullStoryAdapter,
  fullStoryKeyOf,
  type FullStoryAdapterOptions,
} from "../../src/fullstory/adapter.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { chunkContext } from "../support/chunk-context.js";
import { useMswServer } from "../support/msw.js";
import { FakeFullStory, fullStoryIdOf, type FakeOptions } from "./fake-fullstory.js";

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

function vendor(options: FakeOptions): FakeFullStory {
  const fake = new FakeFullStory(options);
  server.use(...fake.handlers());
  return fake;
}

/** Sends one chunk through the adapter; `events` holds what it counted. */
async function send(items: FullStoryUser[], options: FullStoryAdapterOptions = {}) {
  const { context, events } = chunkContext();
  const client = createFullStoryClient({ apiKey: "na1.hostile-test-key", maxRetries: 0 });
  const adapter = createFullStoryAdapter(client, { pollIntervalMs: 1, ...options });
  const result = await adapter.send(
    { seq: 0, items, serialized: [], keys: items.map(fullStoryKeyOf) },
    context,
  );
  if (result.kind !== "done") throw new Error(`chunk ended ${result.kind}`);
  return { outcomes: result.outcomes, events };
}

const imported = (user: FullStoryUser): ItemOutcome => ({ ok: true, id: fullStoryIdOf(user) });

describe("matching list entries to records", () => {
  it("an entry whose uid was never sent neither imports nor fails the sent user with its email", async () => {
    const [failing, unlisted, plain] = users(3);
    vendor({
      fail: (u) => (u.uid === failing!.uid ? { code: "invalid", message: "refused" } : undefined),
      omit: (u) => u.uid === unlisted!.uid,
      ghosts: {
        imports: [{ id: "fs-ghost-1", uid: "ghost-1", email: failing!.email! }],
        errors: [
          { code: "boom", message: "ghost", user: { uid: "ghost-2", email: unlisted!.email! } },
        ],
      },
    });
    const { outcomes, events } = await send([failing!, unlisted!, plain!]);

    expect(outcomes[0]).toEqual({ ok: false, code: "invalid", reason: "refused" });
    expect(outcomes[1]).toMatchObject({ ok: false, code: "no_outcome" });
    expect(outcomes[2]).toEqual(imported(plain!));
    expect(events).toEqual({ unmatched_entries: 2 });
  });

  it("an entry with a uid matches only that uid; id and email match only records without a uid", async () => {
    const f = seededFaker("fullstory-match-rules");
    const shared = f.internet.email().toLowerCase();
    const withUid: FullStoryUser = { uid: "a", email: shared };
    const emailOnly: FullStoryUser = { email: shared };
    const idOnly: FullStoryUser = { id: "123" };
    const uidAndId: FullStoryUser = { uid: "d", id: "456" };
    vendor({
      omit: (u) => u.uid === "d",
      forceFailed: true,
      ghosts: {
        imports: [
          // Listed first, so that a fallback to email would take the first record with that email.
          { id: "fs-x", uid: "never-sent", email: shared },
          // Names the id of a record that has a uid: not that record.
          { id: "456" },
        ],
      },
    });
    const { outcomes, events } = await send([withUid, emailOnly, idOnly, uidAndId]);

    expect(outcomes).toEqual([
      imported(withUid),
      imported(emailOnly),
      imported(idOnly),
      expect.objectContaining({ ok: false, code: "no_outcome" }),
    ]);
    expect(events).toEqual({ unmatched_entries: 2 });
  });

  it("an entry with an id does not take, by email, a record with another id", async () => {
    const f = seededFaker("fullstory-match-ids");
    const email = f.internet.email().toLowerCase();
    const record: FullStoryUser = { id: "111", email };
    vendor({
      omit: () => true,
      forceFailed: true,
      ghosts: { imports: [{ id: "222", email }] },
    });
    const { outcomes, events } = await send([record]);

    expect(outcomes[0]).toMatchObject({ ok: false, code: "no_outcome" });
    expect(events).toEqual({ unmatched_entries: 1 });
  });

  it("counts nothing when every entry matches", async () => {
    const input = users(5);
    vendor({});
    const { outcomes, events } = await send(input);
    expect(outcomes).toEqual(input.map(imported));
    expect(events).toEqual({});
  });
});

describe("paging bounds", () => {
  it("stops a list that answers new page tokens forever, within its count plus two pages", async () => {
    const input = users(6);
    const missing = input[5]!;
    const fake = vendor({ pageSize: 2, endlessPages: true, omit: (u) => u.uid === missing.uid });
    const { outcomes } = await send(input);

    // Five imports counted → at most 5 + 2 pages; no errors → at most 2.
    expect(fake.requests.imports).toHaveLength(7);
    expect(fake.requests.errors).toHaveLength(2);
    expect(outcomes.slice(0, 5)).toEqual(input.slice(0, 5).map(imported));
    expect(outcomes[5]).toEqual({
      ok: false,
      code: "results_incomplete",
      reason: expect.stringContaining("job-1"),
      transient: true,
      later: true,
    });
  });

  it("caps the page budget at the chunk's size when the counts claim more", async () => {
    const input = users(4);
    const fake = vendor({
      pageSize: 1,
      endlessPages: true,
      statusCounts: { imports: 2_000_000_000, errors: 2_000_000_000 },
      totalRecords: "9223372036854775807",
      omit: (u) => u.uid === input[3]!.uid,
    });
    const { outcomes } = await send(input);

    expect(fake.requests.imports).toHaveLength(6);
    expect(fake.requests.errors).toHaveLength(6);
    expect(outcomes.slice(0, 3)).toEqual(input.slice(0, 3).map(imported));
    expect(outcomes[3]).toMatchObject({ ok: false, code: "results_incomplete", transient: true });
  });

  it("reads an honest list of one result per page to its end", async () => {
    const input = users(7);
    const fake = vendor({ pageSize: 1, lastToken: "empty" });
    const { outcomes } = await send(input);

    expect(fake.requests.imports).toHaveLength(7);
    expect(outcomes).toEqual(input.map(imported));
  });

  it("stops paging when the job's time runs out, even while every page answers at once", async () => {
    const jobTimeoutMs = 60_000;
    const now = Date.now();
    let skew = 0;
    vi.spyOn(Date, "now").mockImplementation(() => now + skew);
    const input = users(3);
    const fake = vendor({
      pageSize: 1,
      endlessPages: true,
      statusCounts: { imports: 3, errors: 0 },
      omit: (u) => u.uid === input[2]!.uid,
      fault: (operation, attempt) => {
        if (operation === "imports" && attempt === 2) skew = jobTimeoutMs;
        return undefined;
      },
    });
    const { outcomes } = await send(input, { jobTimeoutMs });

    expect(fake.requests.imports).toHaveLength(2);
    expect(outcomes.slice(0, 2)).toEqual(input.slice(0, 2).map(imported));
    expect(outcomes[2]).toEqual({
      ok: false,
      code: "results_incomplete",
      reason: expect.stringMatching(/job-1.*time ran out/),
      transient: true,
      later: true,
    });
  });
});

describe("records no list names", () => {
  it("fail no_outcome when the COMPLETED job's counts confirm fewer users than the chunk held", async () => {
    const input = users(4);
    const missing = input[2]!;
    vendor({ omit: (u) => u.uid === missing.uid });
    const { outcomes } = await send(input);

    expect(outcomes[2]).toEqual({
      ok: false,
      code: "no_outcome",
      reason: expect.stringMatching(/job-1 COMPLETED with 3 of 4/),
    });
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
  });

  it("are imported when the COMPLETED job's counts cover the chunk", async () => {
    const input = users(4);
    vendor({ omit: (u) => u.uid === input[2]!.uid, statusCounts: { imports: 4, errors: 0 } });
    const { outcomes } = await send(input);
    expect(outcomes[2]).toEqual({ ok: true });
  });
});
