// A journal is read a block at a time and keeps each chunk's outcomes on disk until the run reaches the chunk:
// a resume of millions of outcomes neither holds them all nor meets one string's limit (512 MiB). Lines here
// run past the blocks' edges, and a torn last line is cut off, as a crash leaves it.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Journal, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";

const header: JournalHeader = {
  vendor: "propeller",
  chunkRecords: 3_000,
  maxBytes: null,
  destination: "https://api.helice.cloud client:c",
};
const reason = (seq: number, i: number) =>
  `attribute [loyalty_tier] is not defined for class user: define the attribute first (chunk ${seq}, user ${i})`;
const doneLine = (seq: number) =>
  JSON.stringify({
    kind: "done",
    seq,
    fingerprint: `f${seq}`,
    outcomes: Array.from({ length: 3_000 }, (_, i) => [0, "rejected_by_vendor", reason(seq, i)]),
  });

describe("a journal of many recorded outcomes (several MiB)", () => {
  it("hands each chunk its outcomes once, across the blocks it is read in, and cuts a torn last line", () => {
    const file = journalFile("journal-large");
    const chunks = 30;
    writeFileSync(file, `${JSON.stringify({ kind: "header", ...header })}\n`);
    for (let seq = 0; seq < chunks; seq++)
      appendFileSync(
        file,
        `${JSON.stringify({ kind: "state", seq, fingerprint: `f${seq}`, state: { sent: "1" } })}\n${doneLine(seq)}\n`,
      );
    const whole = readFileSync(file).length;
    expect(whole).toBeGreaterThan(3 * 2 ** 20);
    appendFileSync(file, doneLine(chunks).slice(0, 5_000));

    const journal = Journal.open(file, header);
    try {
      expect(readFileSync(file).length).toBe(whole);
      expect(journal.lastSeq).toBe(chunks - 1);
      for (let seq = 0; seq < chunks; seq++) {
        const known = journal.lookup(seq);
        expect(known?.fingerprint).toBe(`f${seq}`);
        expect(known?.state).toEqual({ sent: "1" });
        expect(known?.outcomes).toHaveLength(3_000);
        for (const i of [0, 1_499, 2_999])
          expect(known?.outcomes?.[i]).toEqual({
            ok: false,
            code: "rejected_by_vendor",
            reason: reason(seq, i),
          });
        // Handed out once: a run reaches a chunk once.
        expect(journal.lookup(seq)?.outcomes).toBeUndefined();
      }
      expect(journal.lookup(chunks)).toBeUndefined();
    } finally {
      journal.close();
    }
  });
});
