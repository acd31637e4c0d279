// A report file made beforehand in a folder the run cannot write: reports were written there before they had
// a lock file, and still are, unlocked (the check at the end still finds a second writer). (Root writes any
// folder whatever its mode, so the refusal is made by a stand-in for the file system.)
import * as fs from "node:fs";
import path from "node:path";
import { expect, it, vi } from "vitest";
import { ReportWriter } from "../../src/cli/report-file.js";
import { reportOf } from "../support/report.js";
import { useTempDir } from "./helpers.js";

const readOnly = vi.hoisted(() => ({ folder: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  return {
    ...real,
    openSync: (file: fs.PathLike, flags: fs.OpenMode, mode?: fs.Mode) => {
      if (flags === "wx" && path.dirname(String(file)) === readOnly.folder)
        throw Object.assign(new Error(`EACCES: permission denied, open '${String(file)}'`), {
          code: "EACCES",
        });
      return real.openSync(file, flags, mode);
    },
  };
});

const file = useTempDir();
const HEADER = { vendor: "fullstory", input: "users.ndjson", startedAt: new Date(0).toISOString() };

it("is written without a lock, where the folder takes no lock file", async () => {
  const report = file("made-beforehand.ndjson");
  fs.writeFileSync(report, "");
  readOnly.folder = path.dirname(report);

  const writer = await ReportWriter.open(report, HEADER, { lock: true });
  writer.start();
  writer.outcome({ index: 0, key: "u-1", outcome: "imported" });
  await writer.finish(reportOf({ total: 1, imported: 1 }));

  expect(fs.existsSync(`${report}.lock`)).toBe(false);
  expect(fs.readFileSync(report, "utf8")).toContain('"key":"u-1"');
});

it("is written without a lock when named through a link from a folder the run can write", async () => {
  const report = file("linked-beforehand.ndjson");
  fs.writeFileSync(report, "");
  const elsewhere = file("elsewhere");
  fs.mkdirSync(elsewhere);
  const link = path.join(elsewhere, "report.ndjson");
  fs.symlinkSync(report, link);
  readOnly.folder = path.dirname(report);

  const writer = await ReportWriter.open(link, HEADER, { lock: true });
  writer.start();
  writer.outcome({ index: 0, key: "u-2", outcome: "imported" });
  await writer.finish(reportOf({ total: 1, imported: 1 }));

  expect(fs.existsSync(`${report}.lock`)).toBe(false);
  expect(fs.existsSync(`${link}.lock`)).toBe(false);
  expect(fs.readFileSync(report, "utf8")).toContain('"key":"u-2"');
});
