// A chunk whose batch body is longer than one string can hold is never sent. A re-run with the same journal
// (its chunk size kept) meets the same wall: it must not then say FullStory may hold the users, as a saved
// Idempotency-Key would otherwise make it; nor when the run that saved the key stopped before it could drop
// it (here a full disk), since every send under the key would have carried the same body.
import { expect, it, vi } from "vitest";
import { createFullStoryClient, type FullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import type { ImportReport } from "../../src/core/engine/report.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const disk = vi.hoisted(() => ({ full: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const { fullDisk } = await import("../support/full-disk.js");
  return fullDisk(await importOriginal(), (file) => (file === disk.full ? 0 : undefined));
});

const server = useMswServer();

/**
 * A client whose batch body cannot be built, as JSON.stringify of a body over 512 MiB fails; `fill`, when
 * given, is the journal the disk fills up for as it fails (after the key was saved, before it is dropped).
 */
function tooLong(fill?: string): FullStoryClient {
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  return {
    ...client,
    createBatchImport: () => {
      if (fill !== undefined) disk.full = fill;
      return Promise.reject(new RangeError("Invalid string length"));
    },
  };
}

function expectNeverHeld(report: ImportReport) {
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect(outcome).not.toHaveProperty("vendorMayHold");
    const reason = outcome.outcome === "failed" ? outcome.reason : "";
    expect(reason).toMatch(/^Invalid string length \(.*smaller chunk size/);
    expect(reason).not.toMatch(/may hold/);
  }
}

it("a re-run with the journal of a chunk too long to build does not say FullStory may hold its users", async () => {
  const sim = mountFullStory(server);
  const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
  const journal = journalFile("fullstory-too-long");
  const options = { journal, chunkAttempts: 1, sleep: async () => {} };

  const first = await importUsers(tooLong(), input, options);
  const rerun = await importUsers(tooLong(), input, options);

  expect(sim.stats().jobs).toBe(0);
  expectNeverHeld(first);
  expectNeverHeld(rerun);
});

it("nor does one whose earlier run saved the key and stopped before dropping it (the disk filled)", async () => {
  const sim = mountFullStory(server);
  const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];
  const journal = journalFile("fullstory-too-long-full-disk");
  const options = { journal, chunkAttempts: 1, sleep: async () => {} };

  await importUsers(tooLong(journal), input, options).catch(() => undefined);
  disk.full = "";
  const rerun = await importUsers(tooLong(), input, options);

  expect(sim.stats().jobs).toBe(0);
  expectNeverHeld(rerun);
  // The key is dropped this time: the run after it says the same.
  expectNeverHeld(await importUsers(tooLong(), input, options));
});
