// The soak's journal check: a journal past what one string holds (512 MiB), as a crash near the end of a
// 5,000,000-user import leaves it (500 chunks of 10,000 users Propeller refused), opens, and hands each chunk
// its outcomes once. Too large for `npm test`; it checks that a resume reads the file a block at a time and
// keeps outcomes on disk until their chunk is reached.
import { closeSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Journal, type JournalHeader } from "../../src/core/engine/journal.js";

export interface JournalCapacityResult {
  readonly bytes: number;
  readonly openMs: number;
  readonly problems: string[];
}

const CHUNKS = 500;
const PER_CHUNK = 10_000;

export function journalCapacity(dir: string): JournalCapacityResult {
  const header: JournalHeader = {
    vendor: "propeller",
    chunkRecords: PER_CHUNK,
    maxBytes: null,
    destination: "https://api.helice.cloud client:soak",
  };
  const reason = (i: number) =>
    `attribute [loyalty_tier] is not defined for class user: define the attribute first (user ${i})`;
  const outcomes = JSON.stringify(
    Array.from({ length: PER_CHUNK }, (_, i) => [0, "rejected_by_vendor", reason(i)]),
  );
  const file = join(dir, "capacity.journal");
  const fd = openSync(file, "w");
  try {
    writeSync(fd, `${JSON.stringify({ kind: "header", ...header })}\n`);
    for (let seq = 0; seq < CHUNKS; seq++)
      writeSync(
        fd,
        `${JSON.stringify({ kind: "state", seq, fingerprint: `f${seq}`, state: { sent: "1" } })}\n` +
          `{"kind":"done","seq":${seq},"fingerprint":"f${seq}","outcomes":${outcomes}}\n`,
      );
  } finally {
    closeSync(fd);
  }
  const problems: string[] = [];
  const bytes = statSync(file).size;
  if (bytes <= 2 ** 29) problems.push(`the journal is ${bytes} bytes, not past 512 MiB`);
  const began = performance.now();
  try {
    const journal = Journal.open(file, header);
    const openMs = performance.now() - began;
    try {
      for (const seq of [0, CHUNKS / 2, CHUNKS - 1]) {
        const known = journal.lookup(seq);
        const last = known?.outcomes?.[PER_CHUNK - 1];
        if (
          known?.outcomes?.length !== PER_CHUNK ||
          last?.ok !== false ||
          last.reason !== reason(PER_CHUNK - 1)
        )
          problems.push(`chunk ${seq}: its outcomes were not handed out whole`);
        if (journal.lookup(seq)?.outcomes !== undefined)
          problems.push(`chunk ${seq}: its outcomes were handed out twice`);
      }
    } finally {
      journal.close();
    }
    return { bytes, openMs, problems };
  } catch (error) {
    problems.push(
      `the journal did not open: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { bytes, openMs: performance.now() - began, problems };
  } finally {
    rmSync(file, { force: true });
  }
}
