// An upload SlashID turned away with 429 (undocumented: the spec lists none) imported nobody: the replay is
// not read as the replay of a lost upload, and a re-run with the journal does not say SlashID may hold
// the persons.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { SLASHID_ALREADY_EXISTS } from "../../src/testing/slashid.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { persons, slashIdClient, slashIdWorld, vendorError } from "./harness.js";

const server = useMswServer();
const noWait = async () => {};

describe("SlashID: an upload turned away with 429", () => {
  it("is not taken for a lost upload by its replay: a person that existed before is refused, not imported", async () => {
    const [existing, fresh] = persons("slashid turned away", 2);
    const world = slashIdWorld(server, { existingPersons: "refuse" });
    // An earlier import, not this one, made the first person.
    expect((await importUsers(slashIdClient(), [existing!], { sleep: noWait })).imported).toBe(1);
    world.script = ({ attempt }) =>
      attempt === 2 ? { answer: vendorError(429, "slow down") } : undefined;

    const report = await importUsers(slashIdClient({ maxRetries: 0 }), [existing!, fresh!], {
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(world.posts()).toBe(3);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "rejected_by_vendor",
      reason: SLASHID_ALREADY_EXISTS,
    });
    expect(report.outcomes[1]).toEqual(expect.objectContaining({ outcome: "imported" }));
    expect(report.outcomes[1]).not.toHaveProperty("warning");
  });

  it("leaves a re-run refused with 401 nothing to say of SlashID holding the persons", async () => {
    const world = slashIdWorld(server, {
      script: ({ attempt }) => ({
        answer: attempt === 1 ? vendorError(429, "slow down") : vendorError(401, "bad key"),
      }),
    });
    const journal = journalFile("slashid-turned-away");
    const input = persons("slashid turned away, re-run", 2);
    const options = { journal, replayDelayMs: 0, sleep: noWait } as const;
    const client = slashIdClient({ maxRetries: 0 });
    const first = await importUsers(client, input, { ...options, chunkAttempts: 1 });
    expect(first.failed).toBe(2);

    const second = await importUsers(client, input, options);
    expect(world.posts()).toBe(2);
    expect(second.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual([
      "fatal",
      "fatal",
    ]);
    for (const outcome of second.outcomes)
      expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(/may hold/);
  });
});
