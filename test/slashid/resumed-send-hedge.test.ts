// A re-run of a chunk whose earlier upload reached SlashID and lost its answer: the journal says it was
// uploaded. Whatever this run's own tries meet, SlashID may hold the persons, and the report says so.
import { describe, expect, it } from "vitest";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, ORG_ID, persons, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();
const noWait = () => Promise.resolve();

/** A first run whose one upload SlashID processed, its answer lost behind a gateway's 504. */
async function uploadedThenLost(seed: string) {
  const world = slashIdWorld(server, { script: () => ({ after: () => gatewayPage(504) }) });
  const input = persons(seed, 2);
  const journal = journalFile("slashid-resumed-hedge");
  const first = await importUsers(slashIdClient({ maxRetries: 0 }), input, {
    journal,
    chunkAttempts: 1,
    sleep: noWait,
  });
  expect([first.failed, world.sim.uploads().length]).toEqual([2, 1]);
  return { world, input, journal };
}

const reasons = (outcomes: readonly { outcome: string; reason?: string }[]) =>
  outcomes.map((o) => (o.outcome === "failed" ? (o.reason ?? "") : o.outcome));

describe("slashid: a re-run of a chunk an earlier run uploaded", () => {
  it("says slashid may hold it when the client's own signal stops this run's upload before it goes out", async () => {
    const { world, input, journal } = await uploadedThenLost("resumed hedge, client signal");
    const controller = new AbortController();
    controller.abort();
    const client = createSlashIdClient({
      apiKey: API_KEY,
      orgId: ORG_ID,
      signal: controller.signal,
    });

    const second = await importUsers(client, input, { journal, sleep: noWait });

    expect(world.sim.uploads()).toHaveLength(1);
    for (const reason of reasons(second.outcomes)) expect(reason).toContain("slashid may hold");
  });

  it("says slashid may hold it when this run's only try is turned away (429) and the import stops", async () => {
    const { world, input, journal } = await uploadedThenLost("resumed hedge, import stopped");
    world.script = () => ({
      answer: json({ errors: [{ httpcode: 429, message: "slow down" }] }, 429, {
        "Retry-After": "1",
      }),
    });
    const controller = new AbortController();
    // The operator presses Ctrl-C while the client waits out the Retry-After.
    const client = createSlashIdClient({
      apiKey: API_KEY,
      orgId: ORG_ID,
      maxRetries: 2,
      sleep: () => {
        controller.abort();
        return Promise.reject(new Error("aborted"));
      },
    });

    const second = await importUsers(client, input, {
      journal,
      sleep: noWait,
      signal: controller.signal,
    });

    for (const reason of reasons(second.outcomes)) expect(reason).toContain("slashid may hold");
  });

  it("says slashid may hold it, once, when SlashID turns away this run's every try (429)", async () => {
    const { world, input, journal } = await uploadedThenLost("resumed hedge, turned away");
    world.script = () => ({
      answer: json({ errors: [{ httpcode: 429, message: "slow down" }] }, 429),
    });

    const second = await importUsers(slashIdClient({ maxRetries: 0 }), input, {
      journal,
      chunkAttempts: 2,
      sleep: noWait,
    });

    expect(world.sim.uploads()).toHaveLength(1);
    for (const reason of reasons(second.outcomes)) {
      expect(reason).toMatch(/status 429.*may have reached the vendor, which may hold this record/);
      expect(reason.match(/may hold/g)).toHaveLength(1);
    }
  });

  it("says slashid may hold it when SlashID refuses this run's upload of the file (400)", async () => {
    const { world, input, journal } = await uploadedThenLost("resumed hedge, file refused");
    world.script = () => ({
      answer: json({ errors: [{ httpcode: 400, message: "bad file" }] }, 400),
    });

    const second = await importUsers(slashIdClient(), input, { journal, sleep: noWait });

    expect(world.sim.uploads()).toHaveLength(1);
    for (const reason of reasons(second.outcomes))
      expect(reason).toMatch(/^SlashID refused the file .*may hold this record$/);
  });
});
