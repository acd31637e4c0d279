// SlashID's failed_csv placed on a file of many persons sharing handles (one phone number, one switchboard):
// every row goes to the person it echoes, else to the one sharing most handles with it, each person once, and
// a row that persons match equally (or echo alike, on the columns SlashID left them) to none of them: those
// persons are refused when the rows are as many as they are, else unconfirmed. The
// placement indexes rows by their cells, walks each handle's persons once and counts those a row matches
// equally rather than walk them, and weighs the persons a row echoes alike once for the rows that do (see the
// closing notes of the sessions that made it for its cost against the file's size; timing belongs to
// benchmarks, not tests).
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { slashIdClient } from "../slashid/harness.js";

const server = useMswServer();

type Row = Record<string, string>;

/**
 * SlashID refusing every row of each upload but the first `imported`, listing them in `failed_csv` in reverse
 * order, each as `alter` rewrites it, with the reason `refused <reasonOf(row)>`, in the upload's columns but
 * `leftOut`.
 */
function refuseEveryRow(
  alter: (row: Row) => Row,
  reasonOf: (row: Row) => string,
  leftOut: readonly string[] = [],
  imported = 0,
): void {
  server.use(
    http.post(`${HOSTS.slashid}/persons/bulk-import`, async ({ request }) => {
      const file = (await request.formData()).get("persons") as File;
      let header: string[] = [];
      const rows = parse<Row>(await file.text(), { columns: (h: string[]) => (header = h) });
      const failed = rows
        .slice(imported)
        .reverse()
        .map((row) => ({ ...alter(row), reason: `refused ${reasonOf(row)}` }));
      return HttpResponse.json({
        result: {
          successful_imports: imported,
          failed_imports: rows.length - imported,
          failed_csv: stringify(failed, {
            header: true,
            columns: [...header.filter((column) => !leftOut.includes(column)), "reason"],
          }),
        },
      });
    }),
  );
}

function expectEachRefusedAsItself(report: ImportReport, n: number, name: (i: number) => string) {
  expect(report.failed).toBe(n);
  for (const o of report.outcomes) {
    expect(o.outcome).toBe("failed");
    expect(o.outcome === "failed" ? o.reason : "").toBe(`refused ${name(o.index)}`);
  }
}

const FILE = 2_000;

describe("SlashID failed_csv of a 2,000-person file", () => {
  it("places every row echoed by persons who share all their handles (one phone number)", async () => {
    // A household's or a switchboard's number as the persons' only handle; their groups tell them apart.
    const input: SlashIdPerson[] = Array.from({ length: FILE }, (_, i) => ({
      phone_numbers: ["+13475043201"],
      groups: [`team-${i}`],
    }));
    refuseEveryRow(
      (row) => row,
      (row) => row["slashid:groups"] ?? "",
    );
    const report = await importUsers(slashIdClient(), input, {
      chunkRecords: FILE,
      sleep: async () => {},
    });
    expectEachRefusedAsItself(report, FILE, (i) => `team-${i}`);
  });

  it("places every altered row on the person sharing most handles with it (one switchboard number)", async () => {
    const input: SlashIdPerson[] = Array.from({ length: FILE }, (_, i) => ({
      emails: [`person.${i}@example.com`],
      phone_numbers: ["+13475043201"],
      region: "us-iowa",
    }));
    // SlashID's own form of the region: no row equals the one sent.
    refuseEveryRow(
      (row) => ({ ...row, "slashid:region": "US-IOWA" }),
      (row) => row["slashid:emails"] ?? "",
    );
    const report = await importUsers(slashIdClient(), input, {
      chunkRecords: FILE,
      sleep: async () => {},
    });
    expectEachRefusedAsItself(report, FILE, (i) => `person.${i}@example.com`);
  });

  it("refuses every person on as many rows holding the shared number alone, not saying whose", async () => {
    const input: SlashIdPerson[] = Array.from({ length: FILE }, (_, i) => ({
      emails: [`person.${i}@example.com`],
      phone_numbers: ["+13475043201"],
    }));
    // SlashID leaves out the emails it echoes: each row could be anyone's, but there is one for each of them.
    refuseEveryRow(
      (row) => ({ ...row, "slashid:emails": "" }),
      (row) => row["slashid:emails"] ?? "",
    );
    const report = await importUsers(slashIdClient(), input, {
      chunkRecords: FILE,
      sleep: async () => {},
    });
    expectEachTied(report, FILE, "rejected_by_vendor");
  });

  it("places no one on rows that leave out the email column, which all persons echo alike", async () => {
    const input: SlashIdPerson[] = Array.from({ length: FILE }, (_, i) => ({
      emails: [`person.${i}@example.com`],
      phone_numbers: ["+13475043201"],
    }));
    // Without the emails, every row repeats every person's cells: no row tells which of them it is, and one
    // person of them was imported.
    refuseEveryRow(
      (row) => row,
      (row) => row["slashid:emails"] ?? "",
      ["slashid:emails"],
      1,
    );
    const report = await importUsers(slashIdClient(), input, {
      chunkRecords: FILE,
      sleep: async () => {},
    });
    expectEachTied(report, FILE - 1, "import_unconfirmed");
  });
});

/**
 * Every person failed `code`, tied over all by the `rows` rows refusing each by its email (the last first):
 * refused when there is a row for each person, else unconfirmed.
 */
function expectEachTied(report: ImportReport, rows: number, code: string) {
  expect(report.failed).toBe(FILE);
  const reasons =
    "refused person.1999@example.com; refused person.1998@example.com; " +
    `refused person.1997@example.com; ${rows - 3} other reason(s): the ${rows} failed rows SlashID lists ` +
    "with these reasons each match";
  for (const o of report.outcomes) {
    expect(o).toMatchObject({ outcome: "failed", code });
    expect(o.outcome === "failed" ? o.reason : "").toBe(
      code === "rejected_by_vendor"
        ? `${reasons} this person and other persons of this file equally, and as each failed row is a ` +
            "person SlashID refused, the failed rows that match persons equally, given one person each as " +
            "far as they go, cannot leave this person out: SlashID refused this person, but did not say " +
            "with which row"
        : `${reasons} the same ${FILE} persons of this file equally, this person among them, so which of ` +
            "them it refused, and whether this person was imported, is unknown",
    );
  }
}
