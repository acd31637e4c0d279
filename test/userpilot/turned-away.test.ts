// A bulk identify turned away with 429 made no job: neither a replay in the run nor a re-run with the
// journal searches Userpilot's job list for one, and a fatal answer after it does not say Userpilot may hold
// the users.
import { describe, expect, it } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { importUsers } from "../../src/userpilot/import.js";
import { journalFile } from "../support/journal-file.js";
import { API_KEY, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();
const noWait = async () => {};

/** A client that leaves every 429 to the engine. */
const client = () => createUserpilotClient({ apiKey: API_KEY, maxRetries: 0, sleep: noWait });
const importing = (journal?: string) =>
  ({ pollIntervalMs: 10, replayDelayMs: 0, sleep: noWait, ...(journal && { journal }) }) as const;

describe("Userpilot: a send turned away with 429", () => {
  it("is sent again in the run without a search of the job list", async () => {
    const up = vendor({}, { bulkIdentifyUsers: { 1: "429" } });
    const report = await importUsers(client(), users(3), importing());
    expect(report).toMatchObject({ imported: 3, failed: 0 });
    expect(up.writesAndLists()).toEqual(["POST 429", "POST 202"]);
  });

  it("leaves a re-run nothing to search for, and a 401 then says nothing of Userpilot holding the users", async () => {
    const up = vendor(
      {},
      {
        bulkIdentifyUsers: {
          1: "429",
          2: { answer: () => userpilotError(401, "invalid_api_key") },
        },
      },
    );
    const journal = journalFile("userpilot-turned-away");
    const first = await importUsers(client(), users(2), {
      ...importing(journal),
      chunkAttempts: 1,
    });
    expect(first.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual(["429", "429"]);

    const second = await importUsers(client(), users(2), importing(journal));
    expect(up.writesAndLists()).toEqual(["POST 429", "POST 401"]);
    expect(second.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual([
      "fatal",
      "fatal",
    ]);
    for (const outcome of second.outcomes)
      expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(/may hold/);
  });
});
