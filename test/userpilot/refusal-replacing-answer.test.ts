// A caller's middleware replaces Userpilot's 202 with a 400: Userpilot made a job of the users all the same.
// The refusal speaks for the answer the import got, not for what Userpilot did: the report must not say the
// users were refused with nothing held.
import { expect, it } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { importUsers } from "../../src/userpilot/import.js";
import { matching } from "../support/matchers.js";
import { client, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it("a 400 a middleware put in place of a 202 says Userpilot may hold the users", async () => {
  const up = vendor({ stepMs: 0 });
  const userpilot = client();
  let replaced = false;
  userpilot.raw.use({
    onResponse: ({ request }) => {
      if (replaced || request.method !== "POST") return undefined;
      replaced = true;
      return userpilotError(400, "invalid_input");
    },
  });

  const report = await importUsers(userpilot, users(2), {
    chunkRecords: 2,
    replayDelayMs: 0,
    sleep: async () => {},
  });

  expect(up.requests()).toEqual(["POST 202"]);
  expect(up.sim.stats().jobs).toBe(1);
  for (const outcome of report.outcomes)
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "invalid_input",
      vendorMayHold: true,
      reason: matching(/^Userpilot refused the request \(400\).*may hold this record$/),
    });
});
