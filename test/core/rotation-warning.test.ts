// A chunk an earlier run sent under a credential since rotated (the journal's account line) says that the
// vendor may have written it twice only where this run sent it again, by a replay that rests on what the
// vendor kept of the old send (an idempotency key, a job); not where this run only followed up on that send,
// where the earlier run's state says nothing went out, or where the replay matches records on their keys.
import { describe, expect, it } from "vitest";
import type { ImportAdapter, ItemOutcome } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import type { ImportReport } from "../../src/core/engine/report.js";
import { journalFile } from "../support/journal-file.js";
import { testAdapter } from "../support/test-adapter.js";

type User = { id: string };
const USERS: User[] = [{ id: "u0" }, { id: "u1" }];
const OLD = "https://api.example.com key:aaaaaaaaaaaa";
const NEW = "https://api.example.com key:bbbbbbbbbbbb";
const ROTATION_WORDS = "under a credential since rotated";
const timedOut: ItemOutcome = { ok: false, code: "timeout", reason: "no answer", transient: true };
type Replay = ImportAdapter<User>["replay"]["by"];

/** An earlier run under the old key whose send saved `state` and got no answer. */
async function earlierRun(journal: string, by: Replay, state: Record<string, string>) {
  const adapter = testAdapter<User>(
    (chunk, context) => {
      context.checkpoint(state);
      return Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => timedOut) });
    },
    { replay: { by, why: "test" }, destination: OLD },
  );
  await runImport(adapter, USERS, { journal, chunkAttempts: 1 });
}

/** The re-run under the new key, stating the old account; `followUp`: it only follows the earlier send. */
function rotatedRun(journal: string, by: Replay, followUp = false): Promise<ImportReport> {
  const adapter = testAdapter<User>(
    (chunk, context) => {
      if (followUp) context.followedUpOnly?.();
      return Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => ({ ok: true })) });
    },
    { replay: { by, why: "test" }, destination: NEW },
  );
  return runImport(adapter, USERS, { journal, journalAccountWas: "key:aaaaaaaaaaaa" });
}

const warnings = (report: ImportReport) =>
  report.outcomes.map(
    (o) => o.outcome === "imported" && o.warning?.includes(ROTATION_WORDS) === true,
  );

describe("the rotation warning", () => {
  it.each<Replay>(["idempotency-key", "reconcile"])(
    "%s: sent again under the new key, each record says the vendor may have written it twice",
    async (by) => {
      const journal = journalFile("rotation-warning");
      await earlierRun(journal, by, { key: "k0" });
      const report = await rotatedRun(journal, by);
      expect(warnings(report)).toEqual([true, true]);
      for (const o of report.outcomes)
        if (o.outcome === "imported")
          expect(o.warning).toContain("test may have written this record twice");
    },
  );

  it.each<Replay>(["upsert", "resend"])(
    "%s: matched on its keys, says nothing of it",
    async (by) => {
      const journal = journalFile("rotation-warning");
      await earlierRun(journal, by, { key: "k0" });
      expect(warnings(await rotatedRun(journal, by))).toEqual([false, false]);
    },
  );

  it("only followed up on (its job polled), says nothing of it", async () => {
    const journal = journalFile("rotation-warning");
    await earlierRun(journal, "reconcile", { job: "j0" });
    expect(warnings(await rotatedRun(journal, "reconcile", true))).toEqual([false, false]);
  });

  it("whose earlier state says nothing went out, says nothing of it", async () => {
    const journal = journalFile("rotation-warning");
    await earlierRun(journal, "idempotency-key", { key: "" });
    expect(warnings(await rotatedRun(journal, "idempotency-key"))).toEqual([false, false]);
  });

  it("a re-run under the same key (no account line) says nothing of it", async () => {
    const journal = journalFile("rotation-warning");
    await earlierRun(journal, "idempotency-key", { key: "k0" });
    const adapter = testAdapter<User>(
      (chunk) => Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => ({ ok: true })) }),
      { replay: { by: "idempotency-key", why: "test" }, destination: OLD },
    );
    expect(warnings(await runImport(adapter, USERS, { journal }))).toEqual([false, false]);
  });
});
