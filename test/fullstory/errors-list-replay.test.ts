// The errors list of a FullStory job fails (a 5xx after the client's retries) while its imports list was read:
// the chunk is replayed in the run and the replay reads both lists. A record FullStory refused must not keep an
// "imported" that the first attempt gave it by matching an imported user without the failures it never read
// (imported beats failed when attempts are merged).
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryImportOptions } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();
const options: FullStoryImportOptions = {
  pollIntervalMs: 1,
  replayDelayMs: 0,
  sleep: async () => {},
};
const client = () => createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
const summary = (report: Awaited<ReturnType<typeof importUsers>>) =>
  report.outcomes.map((o) => [o.index, o.outcome, o.outcome === "failed" ? o.code : undefined]);
/** The errors list answers 503 on its first request only. */
const errorsFailOnce = ({ operation, attempt }: { operation: string; attempt: number }) =>
  operation === "getBatchImportErrors" && attempt === 1
    ? vendorError(503, "server_error")
    : undefined;

describe("a replay after the errors list failed once", () => {
  it("fails the record FullStory refused among records sharing its uid, and imports the other", async () => {
    const sim = mountFullStory(server, { faults: { script: errorsFailOnce } });
    // FullStory refuses the first (its id names no user) and imports the second.
    const input: FullStoryUser[] = [
      { uid: "dup", id: "999", display_name: "first" },
      { uid: "dup", display_name: "second" },
    ];
    const report = await importUsers(client(), input, options);

    expect(sim.jobs()).toHaveLength(1);
    expect(sim.users()).toHaveLength(1);
    expect(sim.users()[0]).toMatchObject({ uid: "dup", display_name: "second" });
    expect(summary(report)).toEqual([
      [0, "failed", "user_not_found"],
      [1, "imported", undefined],
    ]);
  });

  it("fails the refused uid record when an email record was written onto that uid's user", async () => {
    const sim = mountFullStory(server, {
      faults: { reject: (key) => key === "uid:u-4", script: errorsFailOnce },
    });
    const created = await client().createUser({ body: { uid: "u-4", email: "cy@example.com" } });
    expect(created.ok).toBe(true);

    const report = await importUsers(
      client(),
      [
        { email: "cy@example.com", display_name: "Cy" },
        { uid: "u-4", display_name: "refused" },
      ],
      options,
    );

    expect(sim.users()).toHaveLength(1);
    expect(sim.users()[0]).toMatchObject({ uid: "u-4", display_name: "Cy" });
    expect(summary(report)).toEqual([
      [0, "imported", undefined],
      [1, "failed", "simulated_rejection"],
    ]);
  });
});
