// A journal path the run cannot use is refused as a JournalError naming it: the CLI turns that into a usage
// error (exit 2) and leaves an earlier report as it was; any other error is "could not run" (exit 1).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";

const HEADER: JournalHeader = { vendor: "fullstory", chunkRecords: 10, maxBytes: null };

function openError(file: string): unknown {
  try {
    Journal.open(file, HEADER).close();
  } catch (error) {
    return error;
  }
  throw new Error("Journal.open accepted the path");
}

it("a journal path under a regular file (ENOTDIR) is a JournalError naming the journal", () => {
  const parent = journalFile("journal-under-a-file");
  writeFileSync(parent, "not a folder\n");
  const file = join(parent, "run.journal");
  const error = openError(file);
  expect(error).toBeInstanceOf(JournalError);
  expect((error as Error).message).toContain(file);
});

it("a journal path too long for the file system (ENAMETOOLONG) is a JournalError", () => {
  const file = `${journalFile("journal-long")}-${"x".repeat(300)}`;
  expect(openError(file)).toBeInstanceOf(JournalError);
});
