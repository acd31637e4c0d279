// A re-run with the journal sends again a chunk an earlier run left unfinished, after a later record of the
// same user reached FullStory in that earlier run: FullStory then keeps the earlier record's values. The later
// record's chunk, sent again under its saved Idempotency-Key, is answered with the earlier run's job, so it
// is imported without being written again; its outcome must say FullStory may hold the earlier values (README:
// "Only a re-run can give them out of order"), not that the input's last word is what FullStory holds.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

const htmlOk = () =>
  new Response("<html><body>Request accepted</body></html>", {
    status: 200,
    headers: { "Content-Type": "text/html" },
  });

/** One chunk per record, one attempt each, no waits, and a journal the re-run takes up. */
const rerunOptions = () => ({
  chunkRecords: 1,
  chunkAttempts: 1,
  pollIntervalMs: 1,
  maxPollIntervalMs: 1,
  sleep: async () => {},
  journal: journalFile("fullstory"),
});
const client = () => createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });

describe("a repeat whose earlier run's job answers the re-run after the earlier record was sent again", () => {
  it("says FullStory may hold the earlier record's values", async () => {
    const creates: string[] = [];
    const sim = mountFullStory(server, {
      faults: {
        // Run 1: a proxy answers Old's create (FullStory never sees it); New's create is processed, and its
        // answer is a proxy's HTML page. One attempt each: both are left to a re-run.
        script: ({ operation }) => {
          if (operation !== "createBatchImport") return undefined;
          creates.push(operation);
          if (creates.length === 1) return { answer: htmlOk };
          if (creates.length === 2) return { after: htmlOk };
          return undefined;
        },
      },
    });
    const input: FullStoryUser[] = [
      { uid: "u-1", display_name: "Old" },
      { uid: "u-1", display_name: "New" },
    ];
    const options = rerunOptions();
    const first = await importUsers(client(), input, options);
    expect(first).toMatchObject({ imported: 0, failed: 2 });

    // Run 2: Old goes to FullStory for the first time, after New; New's key answers with run 1's job.
    const second = await importUsers(client(), input, options);
    expect(second).toMatchObject({ total: 2, imported: 2 });
    expect(sim.users()).toHaveLength(1);
    expect(sim.users()[0]?.display_name).toBe("Old");
    expect(second.outcomes.find((o) => o.index === 1)).toMatchObject({
      outcome: "imported",
      warning: matching(/the vendor may hold that record.s values/),
    });
  });
});

describe("a re-run whose earlier run's job answers a repeat no chunk of this run overtook", () => {
  // Old's chunk was settled by run 1 (resumed, not sent again) and New's was sent after it: FullStory holds
  // New. Neither New's own chunk, out while its answer is read, nor a later chunk waiting for it holds an
  // earlier record.
  it.each([
    ["no later record", 2],
    ["a later record's chunk waiting for it", 3],
  ])("says nothing of an earlier record sent again (%s)", async (_, records) => {
    let creates = 0;
    const sim = mountFullStory(server, {
      faults: {
        // Run 1: New's create is processed, and its answer is a proxy's HTML page.
        script: ({ operation }) =>
          operation === "createBatchImport" && ++creates === 2 ? { after: htmlOk } : undefined,
      },
    });
    const input: FullStoryUser[] = [
      { uid: "u-1", display_name: "Old" },
      { uid: "u-1", display_name: "New" },
      { uid: "u-1", display_name: "Newest" },
    ];
    const options = rerunOptions();
    const first = await importUsers(client(), input.slice(0, 2), options);
    expect(first).toMatchObject({ imported: 1, failed: 1 });

    const second = await importUsers(client(), input.slice(0, records), options);
    expect(second).toMatchObject({ imported: records, chunks: { resumed: 1 } });
    expect(sim.users()[0]?.display_name).toBe(input[records - 1]?.display_name);
    for (const outcome of second.outcomes)
      expect(outcome).not.toMatchObject({ warning: matching(/sent again in this run/) });
  });
});
