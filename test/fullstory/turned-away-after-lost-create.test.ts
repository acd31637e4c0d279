// A create whose answer was lost may have made FullStory's job. A later try under the same key that FullStory
// turns away (429) speaks for itself only: each user's reason must say FullStory may hold the user, in the
// same run or in a re-run with the journal. Where every earlier try was answered, it must not.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();
const options = {
  pollIntervalMs: 10,
  maxPollIntervalMs: 20,
  replayDelayMs: 0,
  sleep: async () => {},
};
const input: FullStoryUser[] = [{ uid: "u-1" }, { uid: "u-2" }];

/**
 * FullStory's creates, try by try: `lost` makes the job and loses its answer, `429` turns the try away, `500`
 * and `401` answer so (a 500 may come after the job was made).
 */
function creates(...faults: ("lost" | "429" | "500" | "401")[]) {
  return mountFullStory(server, {
    faults: {
      script: ({ operation, attempt }) => {
        if (operation !== "createBatchImport") return undefined;
        const fault = faults[attempt - 1] ?? "429";
        if (fault === "429") return vendorError(429, "rate limited");
        if (fault === "500") return vendorError(500, "internal");
        if (fault === "401") return vendorError(401, "unauthorized");
        return {
          after: () => {
            throw new DropConnection();
          },
        };
      },
    },
  });
}

/** A 429's reason that still says FullStory may hold the user. */
const MAY_HOLD = /^429: .*may have reached the vendor, which may hold this record/;
const client = (maxRetries = 0) => createFullStoryClient({ apiKey: API_KEY, maxRetries });
const reasons = (report: Awaited<ReturnType<typeof importUsers>>) =>
  report.outcomes.map((o) => (o.outcome === "failed" ? `${o.code}: ${o.reason}` : o.outcome));

describe("FullStory turning a create away after one whose answer was lost", () => {
  it("on a re-run with the journal: each user's 429 says FullStory may hold the user, once", async () => {
    creates("lost", "429");
    const journal = journalFile("fullstory");
    await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    const rerun = await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    for (const reason of reasons(rerun)) {
      expect(reason).toMatch(MAY_HOLD);
      expect(reason.match(/may hold/g)).toHaveLength(1);
    }
  });

  it("in the same run, on the chunk's later attempts: says so too", async () => {
    creates("lost", "429", "429");
    const report = await importUsers(client(), input, { ...options, chunkAttempts: 3 });
    for (const reason of reasons(report)) {
      expect(reason).toMatch(MAY_HOLD);
      expect(reason.match(/may hold/g)).toHaveLength(1);
    }
  });

  it("on a re-run after a run that met it on a later attempt: says so too", async () => {
    creates("lost", "429", "429");
    const journal = journalFile("fullstory");
    await importUsers(client(), input, { ...options, journal, chunkAttempts: 2 });
    const rerun = await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    for (const reason of reasons(rerun)) expect(reason).toMatch(MAY_HOLD);
  });

  it("on a re-run after runs whose first try was turned away and whose next lost its answer: says so", async () => {
    creates("429", "lost", "429");
    const journal = journalFile("fullstory");
    await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    const rerun = await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    for (const reason of reasons(rerun)) expect(reason).toMatch(MAY_HOLD);
  });

  it("on a re-run after a 500, which FullStory may answer once the job is made: says so", async () => {
    creates("500", "429");
    const journal = journalFile("fullstory");
    await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    const rerun = await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    for (const reason of reasons(rerun)) expect(reason).toMatch(MAY_HOLD);
  });

  it("on a re-run after a run stopped by a 401 that answered the retry of a lost try: says so", async () => {
    creates("lost", "401", "429");
    const journal = journalFile("fullstory");
    const first = await importUsers(client(1), input, { ...options, journal, chunkAttempts: 1 });
    expect(first.fatal).toBeDefined();
    const rerun = await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    for (const reason of reasons(rerun)) expect(reason).toMatch(MAY_HOLD);
  });

  it("after a run whose every try was turned away: does not say FullStory may hold the user", async () => {
    creates("429", "429");
    const journal = journalFile("fullstory");
    await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    const rerun = await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    for (const reason of reasons(rerun)) {
      expect(reason).toMatch(/^429: /);
      expect(reason).not.toMatch(/may hold/);
    }
  });
});

describe("a journal of an earlier version, which keeps no record of unanswered tries", () => {
  it("is not taken to say its send was answered: nothing records that, nor claims otherwise", async () => {
    creates("lost", "429");
    const journal = journalFile("fullstory");
    await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });
    writeFileSync(journal, readFileSync(journal, "utf8").replaceAll(',"unanswered":"1"', ""));

    const rerun = await importUsers(client(), input, { ...options, journal, chunkAttempts: 1 });

    for (const reason of reasons(rerun))
      expect(reason).not.toMatch(/a try of this request got no answer/);
    expect(readFileSync(journal, "utf8")).not.toContain('"unanswered"');
  });
});
