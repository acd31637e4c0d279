// An input that breaks off with an error whose `message` is not a string (an Error built by code that sets
// `message` to an object or a number): before the input error was scrubbed, the report said where the input
// broke and every record read got its outcome; scrubbing a non-string must not turn that into a rejected run.
import { expect, it } from "vitest";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { createUserpilotClient, importUsers } from "../../src/userpilot/index.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();

it("an input error whose message is not a string still ends the reading, not the import", async () => {
  const apiKey = "upk-0123456789abcdef0123456789";
  server.use(...simulatorHandlers(createUserpilotSimulator({ apiKey }), HOSTS.userpilot));
  const client = createUserpilotClient({ apiKey, sleep: async () => {} });
  async function* users() {
    yield await Promise.resolve({ user_id: "u-1" });
    yield { user_id: "u-2" };
    const error = new Error("placeholder");
    (error as { message: unknown }).message = { status: 502, detail: `token=${apiKey}` };
    throw error;
  }
  const report = await importUsers(client, users(), { sleep: async () => {} });
  expect(report.inputError).toBeTypeOf("string");
  expect(report.inputError).not.toContain(apiKey);
  expect(report.total).toBe(2);
});
