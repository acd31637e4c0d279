// A create FullStory refuses (400) speaks for its own try: on the chunk's only try the users fail without a
// word that FullStory may hold them; after a try whose answer was lost (the client's retry under the same
// Idempotency-Key refused), the report says FullStory may hold them, which it does.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory, vendorError } from "./harness.js";

const server = useMswServer();
const noWait = async () => {};
const options = { pollIntervalMs: 1, replayDelayMs: 0, sleep: noWait };
const input = [{ uid: "refused-create-0" }, { uid: "refused-create-1" }];

it("a create refused on its only try: the users failed, not said to be held by FullStory", async () => {
  const sim = mountFullStory(server, {
    faults: {
      script: ({ operation }) =>
        operation === "createBatchImport" ? vendorError(400, "invalid_request") : undefined,
    },
  });
  const client = createFullStoryClient({ apiKey: API_KEY, sleep: noWait });
  const report = await importUsers(client, input, options);
  expect(sim.users()).toEqual([]);
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({ outcome: "failed", code: "400" });
    expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(/may (hold|have reached)/);
  }
});

it("a create refused on the client's retry after a lost answer: FullStory may hold the users, and does", async () => {
  let creates = 0;
  const sim = mountFullStory(server, {
    faults: {
      script: ({ operation }) =>
        operation !== "createBatchImport"
          ? undefined
          : ++creates === 1
            ? { after: () => gatewayPage(502) }
            : vendorError(400, "invalid_request"),
    },
  });
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 1, sleep: noWait });
  const report = await importUsers(client, input, { ...options, chunkAttempts: 1 });
  expect(creates).toBe(2);
  expect(sim.users().map((u) => u.uid)).toEqual(input.map((u) => u.uid));
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({ outcome: "failed", code: "400" });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(
      /a try of this request got no answer that said what became of it and may have reached the vendor, which may hold this record$/,
    );
  }
});
