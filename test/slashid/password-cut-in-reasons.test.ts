// SlashID's failed_csv reasons may quote a person's password hash cut short or masked in part ("invalid
// password hash [$2b$10$N9qo8uLOick…]"): the piece is as much the secret as the whole hash, and must not
// reach the report or the journal, as no piece of the API key does.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { emailKey, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

const HASH = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
const input = [{ emails: ["ann@example.com"], password: HASH }, { emails: ["bob@example.com"] }];

/** Whether `text` holds any 8 characters of the hash in a row. */
const holdsPieceOf = (text: string) =>
  Array.from({ length: HASH.length - 7 }, (_, at) => HASH.slice(at, at + 8)).some((piece) =>
    text.includes(piece),
  );

it.each([
  ["cut short", (hash: string) => `${hash.slice(0, 24)}…`],
  ["masked at its end", (hash: string) => `${hash.slice(0, -12)}************`],
  ["wrapped over two lines", (hash: string) => `${hash.slice(0, 30)}\n${hash.slice(30)}`],
])(
  "a failed_csv reason quoting a person's password hash %s leaves no piece of it in the report or journal",
  async (_, quoted) => {
    slashIdWorld(server, {
      reject: (key) => key === emailKey("ann@example.com"),
      reasons: (row) => `invalid password hash [${quoted(row["slashid:password"] ?? "")}]`,
    });
    const journal = journalFile("slashid");
    const report = await importUsers(slashIdClient(), input, { sleep: async () => {}, journal });

    expectEveryRecordOnce(report, 2);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "rejected_by_vendor",
      reason: expect.stringContaining("invalid password hash [") as unknown,
    });
    expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
    expect(holdsPieceOf(JSON.stringify(report))).toBe(false);
    expect(holdsPieceOf(readFileSync(journal, "utf8"))).toBe(false);
  },
);

it("a common password's words and digits stay in reasons, its own whole echo and a cut piece of it do not", async () => {
  // Passwords are chosen by people: "password1" holds the word "password", "12345678" the digits of a phone
  // number. Neither may be cut out of SlashID's reason or another person's handle it quotes.
  const people = [
    { emails: ["ann@example.com"], password: "password1" },
    { emails: ["bob@example.com"], phone_numbers: ["+4912345678"], password: "12345678x" },
    { emails: ["cid@example.com"], password: "Tr0ub4dor&3" },
  ];
  slashIdWorld(server, {
    reject: () => true,
    reasons: (row) =>
      row["slashid:emails"] === "cid@example.com"
        ? "invalid password hash [Tr0ub4…]"
        : `invalid password hash format (${row["slashid:password"]}); +4912345678 taken`,
  });
  const report = await importUsers(slashIdClient(), people, { sleep: async () => {} });

  expectEveryRecordOnce(report, 3);
  for (const i of [0, 1])
    expect(report.outcomes[i]).toMatchObject({
      outcome: "failed",
      reason: "invalid password hash format ([REDACTED]); +4912345678 taken",
    });
  expect(report.outcomes[2]).toMatchObject({ reason: "invalid password hash [[REDACTED]…]" });
});
