// A person's `slashid:password` (a legacy password hash) is a secret as much as the API key. SlashID echoes
// each failed row in `failed_csv`, password column included, beside a reason whose wording is UNCONFIRMED: a
// reason that quotes the hash ("invalid password hash [...]"), or a password column that `failed_csv` names
// without the `slashid:` prefix (read as part of the reason), must not bring the hash into the report or the
// journal. Nor may a 400's message or an error a 200 lists beside its counts.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  emailKey,
  failedCsv,
  rewriteFailedCsv,
  slashIdClient,
  slashIdWorld,
  vendorError,
} from "../slashid/harness.js";

const server = useMswServer();

const HASH = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
const OTHER = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
const input = [
  { emails: ["ann@example.com"], password: HASH },
  { emails: ["bob@example.com"], password: OTHER },
];
const refuseAnn = (key: string) => key === emailKey("ann@example.com");

it("a failed_csv reason quoting a person's password hash does not reach the report or the journal", async () => {
  slashIdWorld(server, {
    reject: refuseAnn,
    reasons: (row) => `invalid password hash [${row["slashid:password"]}]`,
  });
  const journal = journalFile("slashid");
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {}, journal });
  expectEveryRecordOnce(report, 2);
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
  expect(JSON.stringify(report)).not.toContain(HASH);
  expect(readFileSync(journal, "utf8")).not.toContain(HASH);
});

it("a password column failed_csv names without slashid: is not quoted in the reason", async () => {
  slashIdWorld(server, {
    reject: refuseAnn,
    script: () =>
      rewriteFailedCsv((rows, header) =>
        failedCsv(
          header.map((column) => (column === "slashid:password" ? "password" : column)),
          rows.map(({ "slashid:password": password = "", ...rest }) => ({ ...rest, password })),
        ),
      ),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
  expect(JSON.stringify(report)).not.toContain(HASH);
});

it("a 400 or a 200's listed errors quoting a password hash do not reach the report", async () => {
  for (const answer of [
    () => vendorError(400, `row 2: unsupported password hash format: ${OTHER}`),
    () =>
      json({
        result: { successful_imports: 2, failed_imports: 0 },
        errors: [{ httpcode: 400, message: `password hash ${OTHER} not verified` }],
      }),
  ]) {
    slashIdWorld(server, { script: () => ({ after: answer }) });
    const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
    expectEveryRecordOnce(report, 2);
    expect(JSON.stringify(report)).not.toContain(OTHER);
  }
});

it("a common word as a person's password leaves SlashID's reason its words in another case", async () => {
  // "welcome" is a common password: matched in any case it ate every "Welcome" of SlashID's reasons.
  slashIdWorld(server, {
    reject: refuseAnn,
    reasons: () => "Welcome mail bounced: PASSWORD reset required",
  });
  const words = [
    { emails: ["ann@example.com"], password: "welcome" },
    { emails: ["bob@example.com"], password: "password" },
  ];
  const report = await importUsers(slashIdClient(), words, { sleep: async () => {} });
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
  expect(JSON.stringify(report.outcomes[0])).toContain(
    "Welcome mail bounced: PASSWORD reset required",
  );
});
