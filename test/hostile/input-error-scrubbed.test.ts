// An input that breaks off with an error quoting the credential the import holds (users read from the same
// vendor account, a URL with the key in its query): its message becomes `report.inputError` and, with a
// journal, the reason of every record of the unfinished last chunk. Reports hold only scrubbed text.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { createUserpilotClient, importUsers } from "../../src/userpilot/index.js";
import { journalFile } from "../support/journal-file.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";

const server = useMswServer();
const faker = seededFaker("secrets3 input error");

it.each([
  ["with a journal", true],
  ["without a journal", false],
])("an input error quoting the API key is scrubbed (%s)", async (_what, withJournal) => {
  const apiKey = `upk${faker.string.alphanumeric({ length: 32 })}`;
  server.use(...simulatorHandlers(createUserpilotSimulator({ apiKey }), HOSTS.userpilot));
  const client = createUserpilotClient({ apiKey, sleep: async () => {} });
  async function* users() {
    yield await Promise.resolve({ user_id: "u-1" });
    yield { user_id: "u-2" };
    throw new Error(`export page 2 failed: GET https://export.example/users?token=${apiKey}: 502`);
  }
  const journal = journalFile("secrets3-input");
  const seen: RecordOutcome[] = [];
  const report = await importUsers(client, users(), {
    ...(withJournal && { journal }),
    sleep: async () => {},
    onOutcome: (outcome) => seen.push(outcome),
  });
  expect(report.inputError).toMatch(/export page 2 failed/);
  expect(report.total).toBe(2);
  expectNoSecret(JSON.stringify(report), [apiKey]);
  expectNoSecret(JSON.stringify(seen), [apiKey]);
  if (withJournal) expectNoSecret(readFileSync(journal, "utf8"), [apiKey]);
});
