// A journal keeps each failure's vendorMayHold mark, so that a re-run reports the chunk as the run that
// sent it did. A journal of an earlier version, whose failures have no mark, is read by their reasons' words.
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import type { ItemOutcome } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { journalFile } from "../support/journal-file.js";
import { testAdapter } from "../support/test-adapter.js";

const users = [{ id: "u0" }, { id: "u1" }, { id: "u2" }];
const reasons = [
  "the job is gone; whether it was imported is unknown: the vendor may hold this record",
  "email may hold at most 254 characters",
  "refused",
];
// Every failure is the vendor's word for good: the journal records the chunk as done.
const adapter = testAdapter<{ id: string }>((chunk) =>
  Promise.resolve({
    kind: "done",
    outcomes: chunk.items.map((item): ItemOutcome => {
      const n = Number(item.id.slice(1));
      return {
        ok: false,
        code: "invalid",
        reason: reasons[n]!,
        ...(n < 2 && { vendorMayHold: true as const }),
      };
    }),
  }),
);
const marks = (report: Awaited<ReturnType<typeof runImport>>) =>
  report.outcomes.map((o) => o.outcome === "failed" && o.vendorMayHold === true);

it("a re-run takes each failure's mark from the journal, not from its words", async () => {
  const journal = journalFile("may-hold-mark");
  await runImport(adapter, users, { journal });
  const rerun = await runImport(adapter, users, { journal });

  expect(rerun.chunks.sent).toBe(0);
  expect(marks(rerun)).toEqual([true, true, false]);
  expect(rerun.vendorMayHold).toBe(2);
});

it("a journal of an earlier version, without marks, is read by the words the import wrote then", async () => {
  const journal = journalFile("may-hold-words");
  await runImport(adapter, users, { journal });
  // As an earlier version wrote the done line: each failure as [0, code, reason].
  const lines = readFileSync(journal, "utf8").split("\n");
  const done = lines.findIndex((line) => line.startsWith('{"kind":"done"'));
  const line = JSON.parse(lines[done]!) as { outcomes: unknown[][] };
  line.outcomes = line.outcomes.map((outcome) => outcome.slice(0, 3));
  lines[done] = JSON.stringify(line);
  writeFileSync(journal, lines.join("\n"));
  const rerun = await runImport(adapter, users, { journal });

  expect(rerun.chunks.sent).toBe(0);
  // The vendor's "may hold" in the second reason is not the import's wording.
  expect(marks(rerun)).toEqual([true, false, false]);
  expect(rerun.vendorMayHold).toBe(1);
});
