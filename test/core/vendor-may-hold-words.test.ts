// report.vendorMayHold and an outcome's vendorMayHold come from a failure's `vendorMayHold` mark, never from
// its reason's words: a vendor's words quoted in the reason (its refusal of a record, the message of a fatal
// 403) that happen to say "may hold", even in the import's own wording, must not tell the caller to look up a
// user the vendor certainly lacks; and a reason reworded must not drop the mark.
import { describe, expect, it } from "vitest";
import type { ItemOutcome } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { journalFile } from "../support/journal-file.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { testAdapter } from "../support/test-adapter.js";

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));

describe("a vendor's own words that say 'may hold'", () => {
  it.each([
    ["a field's limit", "email may hold at most 254 characters"],
    ["a limit on users", "a plan may hold 10,000 users"],
    ["a doubt of its own", "whether this address exists is unknown"],
    [
      "the import's own wording",
      "the vendor may hold this user; whether it was imported is unknown",
    ],
  ])("in a refusal (%s): no vendorMayHold, none counted", async (_, words) => {
    const refused: ItemOutcome = { ok: false, code: "invalid", reason: words };
    const adapter = testAdapter<{ id: string }>((chunk) =>
      Promise.resolve({ kind: "done", outcomes: chunk.items.map(() => refused) }),
    );
    const seen: unknown[] = [];
    const report = await runImport(adapter, users(2), { onOutcome: (o) => seen.push(o) });

    expectEveryRecordOnce(report, 2);
    expect(report.failed).toBe(2);
    expect(report.vendorMayHold).toBe(0);
    for (const outcome of [...report.outcomes, ...seen])
      expect(outcome).not.toHaveProperty("vendorMayHold");
  });

  it("in a fatal 403's message: the records never sent are not said to be held", async () => {
    const forbidden = ApiError.of(
      { status: 403, body: { message: "this key may hold the read scope only" }, headers: {} },
      { operation: "op", method: "POST", path: "/x" },
      new SecretSet(),
    );
    const adapter = testAdapter<{ id: string }>(() =>
      Promise.resolve({ kind: "fatal", error: forbidden }),
    );
    const report = await runImport(adapter, users(6), { chunkRecords: 2 });

    expectEveryRecordOnce(report, 6);
    expect(report.fatal).toContain("may hold the read scope");
    expect(report.vendorMayHold).toBe(0);
    expect(report.outcomes.filter((o) => o.outcome === "failed" && o.vendorMayHold)).toEqual([]);
  });

  it("the adapter's mark sets it, whatever the words say, and a journal keeps it", async () => {
    const journal = journalFile("vendor-may-hold-mark");
    const adapter = testAdapter<{ id: string }>((chunk) =>
      Promise.resolve({
        kind: "done",
        outcomes: chunk.items.map((_, i): ItemOutcome => ({
          ok: false,
          code: "job_lost",
          reason: i === 0 ? "email may hold at most 254 characters" : "the job is gone",
          vendorMayHold: true,
        })),
      }),
    );
    const first = await runImport(adapter, users(2), { journal });
    // A re-run takes the chunk's outcomes from the journal, without sending it again.
    const rerun = await runImport(adapter, users(2), { journal });

    for (const report of [first, rerun]) {
      expect(report.vendorMayHold).toBe(2);
      expect(report.outcomes.map((o) => o.outcome === "failed" && o.vendorMayHold)).toEqual([
        true,
        true,
      ]);
    }
    expect(rerun.chunks.sent).toBe(0);
  });
});
