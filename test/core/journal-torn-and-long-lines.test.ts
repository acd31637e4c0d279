// Lines a journal holds at the edges of how it is read: a crash that left one byte of a line, and a done line
// longer than a whole read block (a chunk of many records with long reasons). Either way the re-run reads
// every chunk an earlier run recorded and goes on writing.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { expect, it } from "vitest";
import type { ItemOutcome } from "../../src/core/engine/adapter.js";
import { Journal, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";

const HEADER: JournalHeader = { vendor: "fullstory", chunkRecords: 3000, maxBytes: null };

it("a crash that left only the first byte of a line: it is cut off, and the re-run goes on writing", () => {
  const file = journalFile("journal-torn-byte");
  const first = Journal.open(file, HEADER);
  first.checkpoint(0, "f0", { job: "j-0" });
  first.close();
  const whole = readFileSync(file, "utf8");
  appendFileSync(file, "{");

  const again = Journal.open(file, HEADER);
  try {
    again.checkpoint(1, "f1", { job: "j-1" });
  } finally {
    again.close();
  }

  const state = JSON.stringify({ kind: "state", seq: 1, fingerprint: "f1", state: { job: "j-1" } });
  expect(readFileSync(file, "utf8")).toBe(`${whole}${state}\n`);
});

const HUGE = 2 * (1 << 20) + 100_000;

/** Outcomes of a chunk of 3000 records, every other one refused with a long reason: a line of over 2 MiB. */
const longOutcomes = (): ItemOutcome[] =>
  Array.from({ length: 3000 }, (_, i) =>
    i % 2 === 0
      ? { ok: true, id: faker.string.uuid() }
      : { ok: false, code: "invalid", reason: `${faker.lorem.sentence()} ${"x".repeat(1500)}` },
  );

it("a done line longer than two read blocks (1 MiB each) is read back whole on a resume", () => {
  const file = journalFile("journal-long-line");
  const outcomes = longOutcomes();
  const first = Journal.open(file, HEADER);
  first.checkpoint(0, "f0", { job: "j-0" });
  first.done(0, "f0", outcomes);
  first.checkpoint(1, "f1", { job: "j-1" });
  first.close();
  expect(readFileSync(file).length).toBeGreaterThan(HUGE);

  const again = Journal.open(file, HEADER);
  try {
    expect(again.lookup(0)).toEqual({ fingerprint: "f0", state: { job: "j-0" }, outcomes });
    expect(again.lookup(1)).toEqual({ fingerprint: "f1", state: { job: "j-1" } });
  } finally {
    again.close();
  }
});

it("such a line, last and cut short of its newline by a crash, is read, and the re-run writes on", () => {
  const file = journalFile("journal-long-line-unended");
  const outcomes = longOutcomes();
  const first = Journal.open(file, HEADER);
  first.checkpoint(0, "f0", { job: "j-0" });
  first.done(0, "f0", outcomes);
  first.close();
  const written = readFileSync(file);
  expect(written.length).toBeGreaterThan(HUGE);
  writeFileSync(file, written.subarray(0, -1));

  const again = Journal.open(file, HEADER);
  try {
    expect(again.lookup(0)).toEqual({ fingerprint: "f0", state: { job: "j-0" }, outcomes });
    again.checkpoint(1, "f1", { job: "j-1" });
  } finally {
    again.close();
  }

  const third = Journal.open(file, HEADER);
  try {
    expect(third.lookup(0)?.outcomes).toEqual(outcomes);
    expect(third.lookup(1)).toEqual({ fingerprint: "f1", state: { job: "j-1" } });
  } finally {
    third.close();
  }
});
