// README: SlashID's answers are scrubbed of the passwords of the file's persons. An answer that stops the
// import (401 / 403) is an answer too: a gateway's 403 that quotes the uploaded row brings the hash into
// `report.fatal` and each record's reason.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld, vendorError } from "./harness.js";

const server = useMswServer();

const HASH = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
const input = [{ emails: ["ann@example.com"], password: HASH }];

it("a 403 quoting a person's password hash does not reach the report", async () => {
  slashIdWorld(server, {
    script: () => ({ after: () => vendorError(403, `blocked upload: row 1 password ${HASH}`) }),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 1);
  expect(report.fatal).toBeDefined();
  expect(JSON.stringify(report)).not.toContain(HASH);
});
