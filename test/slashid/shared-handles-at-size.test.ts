// SlashID's failed_csv placed on a file of many persons sharing handles (one phone number, one switchboard):
// every row goes to the person it echoes, else to the one sharing most handles with it, each person once, and
// a row that persons match equally (or echo alike, on the columns SlashID left them) to none of them. The
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
 * SlashID refusing every row of each upload, listing them in `failed_csv` in reverse order, each as
 * `alter` rewrites it, with the reason `refused <reasonOf(row)>`, in the upload's columns but `leftOut`.
 */
function refuseEveryRow(
  alter: (row: Row) => Row,
  reasonOf: (row: Row) => string,
  leftOut: readonly string[] = [],
): void {
  server.use(
    http.post(`${HOSTS.slashid}/persons/bulk-import`, async ({ request }) => {
      const file = (await request.formData()).get("persons") as File;
      let header: string[] = [];
      const rows = parse<Row>(await file.text(), { columns: (h: string[]) => (header = h) });
      const failed = rows
        .reverse()
        .map((row) => ({ ...alter(row), reason: `refused ${reasonOf(row)}` }));
      return HttpResponse.json({
        result: {
          successful_imports: 0,
          failed_imports: rows.length,
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

  it("places no one on rows holding the shared number alone, which all persons match equally", async () => {
    const input: SlashIdPerson[] = Array.from({ length: FILE }, (_, i) => ({
      emails: [`person.${i}@example.com`],
      phone_numbers: ["+13475043201"],
    }));
    // SlashID leaves out the emails it echoes: each row could be anyone's, and no one is called refused.
    refuseEveryRow(
      (row) => ({ ...row, "slashid:emails": "" }),
      (row) => row["slashid:emails"] ?? "",
    );
    const report = await importUsers(slashIdClient(), input, {
      chunkRecords: FILE,
      sleep: async () => {},
    });
    expectEachTied(report);
  });

  it("places no one on rows that leave out the email column, which all persons echo alike", async () => {
    const input: SlashIdPerson[] = Array.from({ length: FILE }, (_, i) => ({
      emails: [`person.${i}@example.com`],
      phone_numbers: ["+13475043201"],
    }));
    // Without the emails, every row repeats every person's cells: no row tells which of them it is.
    refuseEveryRow(
      (row) => row,
      (row) => row["slashid:emails"] ?? "",
      ["slashid:emails"],
    );
    const report = await importUsers(slashIdClient(), input, {
      chunkRecords: FILE,
      sleep: async () => {},
    });
    expectEachTied(report);
  });
});

/** Every person failed import_unconfirmed, tied over all by the rows refusing each by its email. */
function expectEachTied(report: ImportReport) {
  expect(report.failed).toBe(FILE);
  for (const o of report.outcomes) {
    expect(o).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
    expect(o.outcome === "failed" ? o.reason : "").toBe(
      "refused person.1999@example.com; refused person.1998@example.com; " +
        "refused person.1997@example.com; 1997 other reason(s): " +
        `the ${FILE} failed rows SlashID lists with these reasons each match the same ${FILE} persons of ` +
        "this file equally, this person among them, so which of them it refused, and whether this person " +
        "was imported, is unknown",
    );
  }
}
