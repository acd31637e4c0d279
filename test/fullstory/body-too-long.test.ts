// A chunk whose batch body is longer than one string can hold is never sent. A re-run with the same journal
// (its chunk size kept) meets the same wall: it must not then say FullStory may hold the users, as a saved
// Idempotency-Key would otherwise make it.
import { expect, it } from "vitest";
import { createFullStoryClient, type FullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

/** A client whose batch body cannot be built, as JSON.stringify of a body over 512 MiB fails. */
function tooLong(): FullStoryClient {
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  return {
    ...client,
    createBatchImport: () => Promise.reject(new RangeError("Invalid string length")),
  };
}

it("a re-run with the journal of a chunk too long to build does not say FullStory may hold its users", async () => {
  const sim = mountFullStory(server);
  const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
  const journal = journalFile("fullstory-too-long");
  const options = { journal, chunkAttempts: 1, sleep: async () => {} };

  const first = await importUsers(tooLong(), input, options);
  const rerun = await importUsers(tooLong(), input, options);

  expect(sim.stats().jobs).toBe(0);
  for (const report of [first, rerun]) {
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed" });
      const reason = outcome.outcome === "failed" ? outcome.reason : "";
      expect(reason).toMatch(/^Invalid string length \(.*smaller chunk size/);
      expect(reason).not.toMatch(/may hold/);
    }
  }
});
