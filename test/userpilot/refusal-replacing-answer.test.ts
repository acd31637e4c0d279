// A caller's middleware replaces Userpilot's 202 with a 400 or a 413: Userpilot made a job of the users all
// the same. The refusal speaks for the answer the import got, not for what Userpilot did: the report must not
// say the users were refused with nothing held, nor that Userpilot refused them. Nor, where the middleware
// replaces a 429 or 503 (Userpilot made no job), that Userpilot refused them.
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { importUsers } from "../../src/userpilot/import.js";
import { matching } from "../support/matchers.js";
import { API_KEY, client, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it.each([
  [400, 2, "invalid_input", /^the answer given as Userpilot's refused the request \(400\)/],
  [413, 1, "payload_too_large", /^the answer given as Userpilot's refused this user as too large/],
])(
  "a %i a middleware put in place of a 202 says Userpilot may hold the users, not that it refused them",
  async (status, size, code, opening) => {
    const up = vendor({ stepMs: 0 });
    const userpilot = client();
    let replaced = false;
    userpilot.raw.use({
      onResponse: ({ request }) => {
        if (replaced || request.method !== "POST") return undefined;
        replaced = true;
        return userpilotError(status, "invalid_input");
      },
    });

    const report = await importUsers(userpilot, users(size), {
      chunkRecords: size,
      replayDelayMs: 0,
      sleep: async () => {},
    });

    expect(up.requests()).toEqual(["POST 202"]);
    expect(up.sim.stats().jobs).toBe(1);
    expect(report.outcomes).toHaveLength(size);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", code, vendorMayHold: true });
      expect(outcome).toMatchObject({ reason: matching(opening) });
      expect(outcome).toMatchObject({ reason: matching(/may hold this record$/) });
    }
  },
);

const invalid = () => userpilotError(400, "invalid_input");
const refusedRequest = /^the answer given as Userpilot's refused the request \(400\)/;
const htmlPage = () =>
  new Response("<html><body><h1>413 Request Entity Too Large</h1></body></html>\n", {
    status: 413,
    headers: { "Content-Type": "text/html" },
  });
const refusedTooLarge = /^the answer given as Userpilot's refused this user as too large \(413\)$/;

it.each([
  ["a 400", 429, invalid, 2, refusedRequest],
  ["a 400", 503, invalid, 2, refusedRequest],
  ["an HTML 413", 429, htmlPage, 1, refusedTooLarge],
])(
  "%s a middleware put in place of a %i is not said to be Userpilot's, nor Userpilot to hold the users",
  async (_, status, replacement, size, reason) => {
    const up = vendor(
      { stepMs: 0 },
      { bulkIdentifyUsers: { 1: { answer: () => json({}, status) } } },
    );
    // No retry: the middleware sees the turned-away try's answer.
    const userpilot = createUserpilotClient({
      apiKey: API_KEY,
      maxRetries: 0,
      sleep: async () => {},
    });
    userpilot.raw.use({
      onResponse: ({ response }) => (response.status === status ? replacement() : undefined),
    });

    const report = await importUsers(userpilot, users(size), {
      chunkRecords: size,
      replayDelayMs: 0,
      sleep: async () => {},
    });

    expect(up.requests()).toEqual([`POST ${status}`]);
    expect(up.sim.stats().jobs).toBe(0);
    expect(report.outcomes).toHaveLength(size);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", reason: matching(reason) });
      expect(outcome).not.toHaveProperty("vendorMayHold");
    }
  },
);
