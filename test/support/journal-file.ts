// Import journals for tests, each in a fresh temporary directory removed after the test file.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Journal, type JournalHeader } from "../../src/core/engine/journal.js";
import { tempDir } from "./temp-dir.js";

/** A journal path in a fresh temporary directory named after `vendor`, removed after the file's tests. */
export function journalFile(vendor: string): string {
  return path.join(tempDir(`${vendor}-journal-`), "journal.ndjson");
}

/** A journal's lines, each parsed (the file ending in a newline, as a journal written whole does). */
export function journalLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * A new journal (in a folder named after `tag`) of a run to `header` that stopped with chunk 0 settled (its
 * one outcome `{ ok: true }`) and chunk 1 out (its state saved, no outcomes): what a re-run resumes.
 */
export function journalWithChunkOut(header: JournalHeader, tag: string): string {
  const file = journalFile(tag);
  const journal = Journal.open(file, header);
  journal.checkpoint(0, "f0", { key: "k0" });
  journal.done(0, "f0", [{ ok: true }]);
  journal.checkpoint(1, "f1", { key: "k1" });
  journal.close();
  return file;
}
