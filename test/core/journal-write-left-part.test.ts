// A journal write that fails part-way (a full disk) whose part cannot be cut off either: the journal can take
// no more lines, but the file is still the run's own, holding every line before the part, which a re-run
// cuts off. It was taken for a file put in the journal's place (its length no longer the run's count), so a
// settled chunk's outcomes went unread ("it was replaced, or written by another process") and the records
// still out were told a re-run with that journal may not know of their send.
import { describe, expect, it, vi } from "vitest";
import { Journal, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";

const disk = vi.hoisted(() => ({ full: false }));

vi.mock("node:fs", async (importOriginal) => {
  const { fullDisk } = await import("../support/full-disk.js");
  const real = await importOriginal<typeof import("node:fs")>();
  // Half of the line fits; while the disk is full, the file cannot be cut back either.
  const full = fullDisk(real, (_file, text) =>
    disk.full ? Math.floor(text.length / 2) : undefined,
  );
  return {
    ...full,
    truncateSync: (...args: Parameters<typeof real.truncateSync>) => {
      if (disk.full) throw new Error("EIO: i/o error, ftruncate");
      real.truncateSync(...args);
    },
  };
});

const HEADER: JournalHeader = { vendor: "fullstory", chunkRecords: 10, maxBytes: null };

describe("a journal whose part-way write could not be cut off", () => {
  it("is still the run's file: a settled chunk's outcomes are read, and a re-run resumes what it holds", () => {
    const file = journalFile("journal-write-left-part");
    const earlier = Journal.open(file, HEADER);
    earlier.checkpoint(1, "f1", { jobId: "job-1" });
    earlier.done(1, "f1", [{ ok: true, id: "u-1" }]);
    earlier.close();

    const journal = Journal.open(file, HEADER);
    try {
      // Chunk 0 goes out with its key recorded; chunk 2's key is cut short, and the part stays.
      journal.checkpoint(0, "f0", { idempotencyKey: "k0" });
      disk.full = true;
      expect(() => journal.checkpoint(2, "f2", { idempotencyKey: "k2" })).toThrow(/ENOSPC/);
      disk.full = false;
      expect(() => journal.done(0, "f0", [{ ok: true }])).toThrow(/could not be cut off/);

      expect(journal.lost).toBeUndefined();
      expect(journal.lookup(1)).toMatchObject({ outcomes: [{ ok: true, id: "u-1" }] });
    } finally {
      journal.close();
    }

    const again = Journal.open(file, HEADER);
    try {
      // What "a re-run with the same journal settles it" rests on: chunk 0's key, saved before its send.
      expect(again.lookup(0)).toEqual({ fingerprint: "f0", state: { idempotencyKey: "k0" } });
      expect(again.lookup(2)).toBeUndefined();
    } finally {
      again.close();
    }
  });
});
