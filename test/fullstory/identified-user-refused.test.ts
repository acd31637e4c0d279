// A stored /imports user (with a uid no record of the chunk has) goes to a record naming its FullStory id or
// email only after the /errors entries are matched: when that record is itself the one FullStory refused,
// and the listed user was written by another record naming it by email, the refused record stays failed.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/index.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";

const server = useMswServer();
const options = { pollIntervalMs: 10, maxPollIntervalMs: 20, sleep: async () => {} };
const client = () => createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });

it("a record FullStory refused (listed in /errors) is not reported imported through another record's write", async () => {
  let id = "";
  const sim = mountFullStory(server, {
    faults: { reject: (key) => id !== "" && key === `id:${id}` },
  });
  await importUsers(client(), [{ uid: "u-9", email: "cy@example.com" }], options);
  id = sim.users()[0]!.id;

  const report = await importUsers(
    client(),
    [
      { id, display_name: "by id" },
      { email: "cy@example.com", display_name: "by email" },
    ],
    options,
  );

  // FullStory refused the first record and wrote the second onto u-9.
  expect(sim.users()).toHaveLength(1);
  expect(sim.users()[0]).toMatchObject({ uid: "u-9", display_name: "by email" });
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "simulated_rejection" });
  expect(report.outcomes[1]).toMatchObject({ outcome: "imported", id });
});
