// A record that throws when read (a getter or a proxy over a lazy source, reading users from the same vendor
// account or a URL with the key in its query) is rejected `<vendor>.unreadable_record`, quoting what it threw.
// That message may quote the credential the import holds, as an input's own error may: the rejection's reason
// in the report and in `onOutcome` holds only scrubbed text. It held the key whole.
import { expect, it } from "vitest";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { createUserpilotClient, importUsers } from "../../src/userpilot/index.js";
import { containing } from "../support/matchers.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";

const server = useMswServer();
const faker = seededFaker("secrets record read error");

it.each([
  ["its key", "user_id"],
  ["another field", "company_id"],
])(
  "a record whose %s throws an error quoting the API key is rejected, scrubbed",
  async (_what, field) => {
    const apiKey = `upk${faker.string.alphanumeric({ length: 32 })}`;
    server.use(...simulatorHandlers(createUserpilotSimulator({ apiKey }), HOSTS.userpilot));
    const client = createUserpilotClient({ apiKey, sleep: async () => {} });
    const lazy = { user_id: "u-2" };
    Object.defineProperty(lazy, field, {
      enumerable: true,
      get() {
        throw new Error(`GET https://export.example/users/u-2?token=${apiKey}: 502`);
      },
    });
    const seen: RecordOutcome[] = [];
    const report = await importUsers(client, [{ user_id: "u-1" }, lazy], {
      sleep: async () => {},
      onOutcome: (outcome) => seen.push(outcome),
    });
    expect(report.outcomes[1]).toMatchObject({
      outcome: "rejected",
      rule: "userpilot.unreadable_record",
      reason: containing("reading it threw: GET https://export.example/users/u-2?token="),
    });
    expectNoSecret(JSON.stringify(report), [apiKey]);
    expectNoSecret(JSON.stringify(seen), [apiKey]);
  },
);
