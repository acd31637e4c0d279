// README: SlashID's answers are scrubbed of the passwords of the file's persons. An answer that stops the
// import (401 / 403) is an answer too: a gateway's 403 that quotes the uploaded row brings the hash into
// `report.fatal` and each record's reason.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { json } from "../../src/testing/faults.js";
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

it("an undocumented status whose message is cut through a password hash leaves no piece of it", async () => {
  // The error's message quotes 300 characters of the body: the cut falls inside the hash.
  slashIdWorld(server, {
    script: () => ({ answer: json({ message: `${"x".repeat(280)} ${HASH}` }, 500) }),
  });
  const report = await importUsers(slashIdClient(), input, {
    sleep: async () => {},
    replayDelayMs: 0,
  });
  expectEveryRecordOnce(report, 1);
  expect(report.failed).toBe(1);
  expect(JSON.stringify(report)).not.toContain(HASH.slice(0, 12));
});

it("a 403 whose message is cut through a password hash leaves no piece of it in the report", async () => {
  // The error's message quotes 300 characters of the body: the cut leaves 27 characters of the hash.
  slashIdWorld(server, {
    script: () => ({ answer: json({ message: `${"x".repeat(260)} ${HASH}` }, 403) }),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 1);
  expect(report.fatal).toBeDefined();
  expect(JSON.stringify(report)).not.toContain(HASH.slice(0, 12));
});

it.each([
  ["a short chosen password", "año1"],
  ["a chosen word", "contraseña"],
])(
  "a 403 quoting the upload as a JSON text, %s escaped twice in it, does not reach the report",
  async (_, password) => {
    // A .NET or Java gateway quotes the JSON text it got in its own JSON: Python's `\u00f1` of the password
    // is then `\\u00f1` in the body's raw text.
    const escaped = password.replace(
      /[^\0-\x7f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    slashIdWorld(server, {
      script: () => ({
        answer: json(
          { errors: [{ httpcode: 403, message: "blocked" }], request: `{"password":"${escaped}"}` },
          403,
        ),
      }),
    });
    const report = await importUsers(slashIdClient(), [{ emails: ["ann@example.com"], password }], {
      sleep: async () => {},
    });
    expectEveryRecordOnce(report, 1);
    const shown = '"request":"{\\"password\\":\\"[REDACTED]\\"}"';
    expect(report.fatal).toContain(shown);
    expect(report.outcomes[0]).toMatchObject({ reason: expect.stringContaining(shown) as unknown });
  },
);
