// A journal write that fails part-way (a full disk: the write takes what room is left, then ENOSPC) leaves
// the start of a line without its end. The run goes on writing what it can (the chunks still in flight save
// their state as they stop, once the disk has room again): the journal must stay readable, so that the
// re-run resumes instead of refusing the whole file as "not a journal".
import { describe, expect, it, vi } from "vitest";
import { Journal, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";

const disk = vi.hoisted(() => ({ fillUpOnNextWrite: false }));

vi.mock("node:fs", async (importOriginal) => {
  const { fullDisk } = await import("../support/full-disk.js");
  // What room was left takes half of the line; the rest is refused.
  return fullDisk(await importOriginal(), (_file, text) => {
    if (!disk.fillUpOnNextWrite) return undefined;
    disk.fillUpOnNextWrite = false;
    return Math.floor(text.length / 2);
  });
});

const HEADER: JournalHeader = { vendor: "fullstory", chunkRecords: 10, maxBytes: null };

describe("a journal write cut short by a full disk", () => {
  it("leaves a journal the re-run can read: what was recorded after it is not lost with the whole file", () => {
    const file = journalFile("journal-torn-write");
    const first = Journal.open(file, HEADER);
    first.checkpoint(0, "f0", { jobId: "job-0" });
    disk.fillUpOnNextWrite = true;
    expect(() => first.done(0, "f0", [{ ok: true, id: "u-0" }])).toThrow(/ENOSPC/);
    // Room again (another process freed some): the next chunk's checkpoint is written.
    first.checkpoint(1, "f1", { jobId: "job-1" });
    first.close();

    const again = Journal.open(file, HEADER);
    try {
      // Chunk 0's outcomes were never recorded: the re-run follows its saved job again.
      expect(again.lookup(0)).toEqual({ fingerprint: "f0", state: { jobId: "job-0" } });
      expect(again.lookup(1)).toEqual({ fingerprint: "f1", state: { jobId: "job-1" } });
    } finally {
      again.close();
    }
  });
});
