// A 400 or 402 that answers a call one of whose tries may have reached SlashID (a caller's middleware
// answering in place of SlashID's own answer, or of a connection lost after sending) speaks for that answer
// only: SlashID may have imported the file, so the persons are not reported as refused with nothing held.
// Nor is a 400 a middleware put in place of a 429 or 503 said to be SlashID's, though nothing was imported.
import { HttpResponse } from "msw";
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

it.each([
  [
    400,
    /^the answer given as SlashID's refused the file \(400 Bad Request\): bad file; .*may have reached/,
  ],
  [
    402,
    /^the answer given as SlashID's refused the import: pricing tier violation \(402\): over tier; .*may/,
  ],
])(
  "a %i a middleware put in place of SlashID's answer to an upload it imported: SlashID may hold the persons",
  async (status, reason) => {
    const world = slashIdWorld(server);
    const client = slashIdClient({ maxRetries: 0 });
    const message = status === 400 ? "bad file" : "over tier";
    client.raw.use({
      onResponse: () => HttpResponse.json({ errors: [{ httpcode: status, message }] }, { status }),
    });
    const report = await importUsers(client, [{ emails: ["ann@example.com"] }], {
      sleep: async () => {},
    });
    expectEveryRecordOnce(report, 1);
    // SlashID got the upload and imported the person; only the answer the import read was a refusal.
    expect(world.sim.persons()).toHaveLength(1);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: String(status),
      reason: matching(reason),
      vendorMayHold: true,
    });
  },
);

// A person with a password has the error copied, scrubbed of it, before its reason is made.
it.each([
  [429, {}],
  [503, { password: "$2a$10$abcdefghijklmnopqrstuv" }],
])(
  "a 400 a middleware put in place of a %i is not said to be SlashID's, nor SlashID to hold the persons",
  async (status, password) => {
    const world = slashIdWorld(server, { script: () => ({ answer: () => json({}, status) }) });
    // No retry: the middleware sees the turned-away try's answer.
    const client = slashIdClient({ maxRetries: 0 });
    client.raw.use({
      onResponse: ({ response }) =>
        response.status === status
          ? HttpResponse.json({ errors: [{ httpcode: 400, message: "bad file" }] }, { status: 400 })
          : undefined,
    });
    const report = await importUsers(client, [{ emails: ["ann@example.com"], ...password }], {
      sleep: async () => {},
    });
    expectEveryRecordOnce(report, 1);
    expect(world.posts()).toBe(1);
    expect(world.sim.persons()).toHaveLength(0);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "400",
      reason: matching(
        /^the answer given as SlashID's refused the file \(400 Bad Request\): bad file$/,
      ),
    });
    expect(report.outcomes[0]).not.toHaveProperty("vendorMayHold");
  },
);
