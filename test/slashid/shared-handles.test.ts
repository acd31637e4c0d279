// Persons of one file that share a handle (a household's phone, a switchboard, a reused email): each row
// SlashID lists in `failed_csv` must fail the person it refused, not another one that merely shares a handle
// with it, or the report calls a stored person failed and a refused one imported.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, rewriteFailedCsv, slashIdClient, slashIdWorld, type Row } from "./harness.js";

const server = useMswServer();

/** A region SlashID does not know: only a warning on our side, so the person is sent and SlashID refuses it. */
const UNKNOWN_REGIONS = ["mars-north", "mars-south"] as const;

/** `n` distinct emails and one phone number they can share. */
function household(seed: string, n: number): { emails: string[]; phone: string } {
  const f = seededFaker(seed);
  const emails = Array.from(
    { length: n },
    (_, i) => `${f.person.firstName().toLowerCase()}.${i}@${f.internet.domainName()}`,
  );
  return { emails, phone: `+1${f.string.numeric({ length: 10, allowLeadingZeros: false })}` };
}

function run(records: SlashIdPerson[]): Promise<ImportReport> {
  return importUsers(slashIdClient(), records, { sleep: async () => {} });
}

/** Each record's outcome and, for a failure, its reason: what a user reads in the report. */
const results = (report: ImportReport) =>
  report.outcomes.map((o) =>
    o.outcome === "failed" ? [o.key, o.outcome, o.reason] : [o.key, o.outcome],
  );

const storedEmails = (world: ReturnType<typeof slashIdWorld>) =>
  world.sim.persons().flatMap((p) => p.emails);

describe("failed_csv rows of persons that share a handle", () => {
  it("fails the person SlashID refused, not an earlier one sharing its phone number", async () => {
    const {
      emails: [ada, bob],
      phone,
    } = household("shared-phone", 2) as { emails: [string, string]; phone: string };
    const world = slashIdWorld(server);
    const report = await run([
      { emails: [ada], phone_numbers: [phone] },
      { emails: [bob], phone_numbers: [phone], region: "mars-north" },
    ]);

    expect(storedEmails(world)).toEqual([ada]);
    expectEveryRecordOnce(report, 2);
    expect(results(report)).toEqual([
      [ada, "imported"],
      [bob, "failed", expect.stringContaining("unknown region [mars-north]")],
    ]);
  });

  it("lands two refused rows sharing a phone number on their own persons; the one stored stays imported", async () => {
    const {
      emails: [ada, bob, cy],
      phone,
    } = household("two-refused", 3) as {
      emails: [string, string, string];
      phone: string;
    };
    const world = slashIdWorld(server);
    const report = await run([
      { emails: [ada], phone_numbers: [phone] },
      { emails: [bob], phone_numbers: [phone], region: UNKNOWN_REGIONS[0] },
      { emails: [cy], phone_numbers: [phone], region: UNKNOWN_REGIONS[1] },
    ]);

    expect(storedEmails(world)).toEqual([ada]);
    expect(results(report)).toEqual([
      [ada, "imported"],
      [bob, "failed", expect.stringContaining(`unknown region [${UNKNOWN_REGIONS[0]}]`)],
      [cy, "failed", expect.stringContaining(`unknown region [${UNKNOWN_REGIONS[1]}]`)],
    ]);
  });

  it("matches the row SlashID echoes even when an earlier person has the very same handles", async () => {
    const {
      emails: [shared],
      phone,
    } = household("same-handles", 1) as { emails: [string]; phone: string };
    const world = slashIdWorld(server);
    const report = await run([
      { emails: [shared], phone_numbers: [phone], groups: ["first"] },
      { emails: [shared], phone_numbers: [phone], groups: ["second"], region: "mars-north" },
    ]);

    expect(world.sim.persons()).toHaveLength(1);
    expect(results(report).map(([, outcome]) => outcome)).toEqual(["imported", "failed"]);
  });

  it("when SlashID echoes a row altered, picks the person sharing the most handles with it", async () => {
    const {
      emails: [ada, bob],
      phone,
    } = household("altered-echo", 2) as { emails: [string, string]; phone: string };
    // SlashID's own forms: the email upper-cased, the phone number spaced, the region rewritten, so no
    // person's row equals the echo.
    const altered = (row: Row): Row => ({
      ...row,
      "slashid:emails": (row["slashid:emails"] ?? "").toUpperCase(),
      "slashid:phone_numbers": (row["slashid:phone_numbers"] ?? "").replace(
        /^\+1(\d{3})/,
        "+1 $1 ",
      ),
      "slashid:region": (row["slashid:region"] ?? "").toUpperCase(),
    });
    slashIdWorld(server, {
      script: () => rewriteFailedCsv((rows, header) => failedCsv(header, rows.map(altered))),
    });
    const report = await run([
      { emails: [ada], phone_numbers: [phone] },
      { emails: [bob], phone_numbers: [phone], region: "mars-north" },
    ]);

    expect(results(report)).toEqual([
      [ada, "imported"],
      [bob, "failed", expect.stringContaining("unknown region [mars-north]")],
    ]);
  });
});
