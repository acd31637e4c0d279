// What an upload says and what a refused one's reason says: every non-empty cell of the uploaded CSV quoted
// (as the adapter documents), and a 400 that gives no message says so rather than end on a bare colon.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

it("uploads every non-empty cell quoted, the header's too", async () => {
  const world = slashIdWorld(server);
  await importUsers(slashIdClient(), [{ emails: ["ann@example.com"], region: "us-iowa" }], {
    sleep: async () => {},
  });
  expect(world.bodies[0]).toContain('"slashid:emails"');
  expect(world.bodies[0]).toContain('"ann@example.com"');
  expect(world.bodies[0]).toContain('"us-iowa"');
});

it("a 400 without a message fails the file saying it has none", async () => {
  slashIdWorld(server, { script: () => ({ answer: json({ errors: [{ httpcode: 400 }] }, 400) }) });
  const report = await importUsers(slashIdClient(), [{ emails: ["ann@example.com"] }], {
    sleep: async () => {},
  });
  expect(report.outcomes[0]).toMatchObject({
    outcome: "failed",
    code: "400",
    reason: "SlashID refused the file (400 Bad Request): no message",
  });
});
