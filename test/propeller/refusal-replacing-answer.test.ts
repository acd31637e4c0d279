// A caller's middleware replaces Propeller's answer to a bulk request (which Propeller acted on) with a
// refusal that names no user and gives no message: the reason must not say Propeller refused the request,
// only that the answer given as Propeller's did, and that Propeller may hold the users. One a middleware
// answers with in place of sending the request is not Propeller's either, though Propeller holds nothing.
import { expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { json } from "../../src/testing/faults.js";
import { propellerError } from "../../src/testing/propeller.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, userKey, users } from "./harness.js";

const server = useMswServer();

const opening = (status: number) =>
  new RegExp(
    `^SchemaValidationException: the answer given as Propeller's refused the request \\(HTTP ${status}\\)`,
  );

it.each([400, 404])(
  "a %i without messages a middleware put in place of Propeller's answer is not said to be Propeller's",
  async (status) => {
    const input = users(2);
    const vendor = mountPropeller(server);
    const { client } = propellerClient();
    let replaced = false;
    client.raw.use({
      onResponse: ({ request }) => {
        if (replaced || !request.url.endsWith("/v2/users/bulk/sourceId")) return undefined;
        replaced = true;
        return json(propellerError(status, 10007, "SchemaValidationException", []), status);
      },
    });

    const report = await importUsers(client, input, { chunkRecords: 2, replayDelayMs: 0 });

    expect([...vendor.ids().keys()].sort()).toEqual(input.map(userKey).sort());
    expect(report.outcomes).toHaveLength(2);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", vendorMayHold: true });
      expect(outcome).toMatchObject({ reason: matching(opening(status)) });
    }
  },
);

it("a 400 a middleware answered with before the request went out is not said to be Propeller's", async () => {
  const input = users(2);
  const vendor = mountPropeller(server);
  const { client } = propellerClient();
  client.raw.use({
    onRequest: ({ request }) =>
      request.url.endsWith("/v2/users/bulk/sourceId")
        ? json(propellerError(400, 10007, "SchemaValidationException", []), 400)
        : undefined,
  });

  const report = await importUsers(client, input, { chunkRecords: 2, replayDelayMs: 0 });

  // Propeller never saw the request.
  expect(vendor.ids().size).toBe(0);
  expect(report.outcomes).toHaveLength(2);
  for (const outcome of report.outcomes) {
    expect(outcome).toMatchObject({ outcome: "failed", reason: matching(opening(400)) });
    expect(outcome).not.toHaveProperty("vendorMayHold");
  }
});
