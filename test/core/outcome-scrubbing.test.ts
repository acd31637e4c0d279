// A vendor may echo a credential in the text of a SUCCESSFUL answer (a record's failure reason, a note), where
// no error scrubbing looks. The engine passes every outcome text through the adapter's `scrub` before the
// report, the journal or `onOutcome` sees it, and pays for it only where an outcome carries text.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ChunkResult, ImportAdapter, ItemOutcome } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { expectNoSecret } from "../hostile/leaks.js";
import { journalFile } from "../support/journal-file.js";

interface TestUser {
  id: string;
}

const faker = seededFaker("outcome scrubbing");
const SECRET = faker.string.alphanumeric({ length: 32 });

/** An adapter whose vendor answers each chunk with `answer`, and whose client holds `SECRET`. */
function echoing(answer: (size: number) => ChunkResult, scrubbing = true) {
  const secrets = new SecretSet();
  secrets.add(SECRET);
  let scrubs = 0;
  const adapter: ImportAdapter<TestUser> = {
    vendor: "test",
    replay: { by: "upsert", why: "the test vendor upserts" },
    limits: { maxRecords: 1000 },
    defaults: { chunkRecords: 1000, concurrency: 1 },
    keyOf: (user) => user.id,
    validate: (user) => ({ ok: true, item: user }),
    scrub: (text) => {
      scrubs += 1;
      return scrubbing ? secrets.scrubRuns(text) : text;
    },
    send: (chunk) => Promise.resolve(answer(chunk.keys.length)),
  };
  return { adapter, scrubs: () => scrubs };
}

const users = (n: number): TestUser[] => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));

/** Each record's outcome, as the vendor's 2xx answer gave it: every text echoes the secret, whole or cut. */
const echoedOutcomes = (): ChunkResult => ({
  kind: "done",
  outcomes: [
    { ok: false, code: "rejected_by_vendor", reason: `not permitted for Bearer ${SECRET}` },
    // Cut short by a vendor's own truncation: a piece of the secret, not the whole.
    { ok: false, code: "job_failed", reason: `invalid credentials: Token ${SECRET.slice(0, 9)}` },
    { ok: true, id: "v-3", note: `maybe existed before (key ${SECRET})` },
    { ok: true, id: "v-4" },
    // A vendor's own code and id fields are its text too.
    { ok: false, code: `Basic ${SECRET}`, reason: "refused" },
    { ok: true, id: SECRET },
  ],
});

describe("outcome text from a successful answer", () => {
  it("reaches neither the report, the journal nor onOutcome with a secret, whole or cut short", async () => {
    const { adapter } = echoing(echoedOutcomes);
    const journal = journalFile("scrub");
    const seen: RecordOutcome[] = [];
    const report = await runImport(adapter, users(6), {
      journal,
      onOutcome: (outcome) => seen.push(outcome),
    });
    expect(report.failed).toBe(3);
    expect(report.imported).toBe(3);
    expectNoSecret(JSON.stringify(report), [SECRET]);
    expectNoSecret(readFileSync(journal, "utf8"), [SECRET]);
    expectNoSecret(JSON.stringify(seen), [SECRET]);
    // The rest of the vendor's text stays, so the user still learns why.
    expect(report.outcomes[0]).toMatchObject({ reason: "not permitted for Bearer [REDACTED]" });
    expect(report.outcomes[1]).toMatchObject({ reason: "invalid credentials: Token [REDACTED]" });
    expect(report.outcomes[2]).toMatchObject({ warning: "maybe existed before (key [REDACTED])" });
  });

  it("is scrubbed when a journal written without scrubbing is resumed", async () => {
    const journal = journalFile("scrub-resume");
    const unscrubbed = await runImport(echoing(echoedOutcomes, false).adapter, users(4), {
      journal,
    });
    expect(JSON.stringify(unscrubbed)).toContain(SECRET);
    const { adapter } = echoing(() => {
      throw new Error("a finished chunk is not sent again");
    });
    const report = await runImport(adapter, users(4), { journal });
    expect(report.chunks.resumed).toBe(1);
    expectNoSecret(JSON.stringify(report), [SECRET]);
  });

  it("a fatal error's message the adapter built itself is scrubbed before it stops the import", async () => {
    // An error built against no secrets: what an adapter makes of a vendor's text without the client's help.
    const error = ApiError.of(
      { status: 403, body: { message: `key ${SECRET} lacks the role` }, headers: {} },
      { operation: "op", method: "POST", path: "/x" },
      new SecretSet(),
    );
    expect(error.message).toContain(SECRET);
    const { adapter } = echoing(() => ({ kind: "fatal", error }));
    const report = await runImport(adapter, users(3));
    expect(report.fatal).toMatch(/\[REDACTED\]/);
    expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "fatal" });
    expectNoSecret(JSON.stringify(report), [SECRET]);
  });
});

describe("the cost of scrubbing", () => {
  it("is nothing for outcomes without text", async () => {
    const { adapter, scrubs } = echoing((size) => ({
      kind: "done",
      outcomes: Array.from({ length: size }, () => ({ ok: true })),
    }));
    const report = await runImport(adapter, users(3000));
    expect(report.imported).toBe(3000);
    expect(scrubs()).toBe(0);
  });

  it("is one call per distinct text of a chunk, however many records share it", async () => {
    const shared: ItemOutcome = { ok: false, code: "chunk_failed", reason: "the job failed" };
    const { adapter, scrubs } = echoing((size) => ({
      kind: "done",
      outcomes: Array.from({ length: size }, (_, i) =>
        i % 2 === 0 ? shared : { ok: false, code: "rejected_by_vendor", reason: "duplicate" },
      ),
    }));
    const report = await runImport(adapter, users(3000));
    expect(report.failed).toBe(3000);
    // Three chunks of 1000, two codes and two reasons each.
    expect(scrubs()).toBe(12);
  });
});

describe("a chunk whose outcomes cannot be recorded", () => {
  it("stops the run with every record accounted for, instead of leaving it waiting forever", async () => {
    const { adapter } = echoing(() => ({
      kind: "done",
      outcomes: [{ ok: false, code: "refused", reason: "boom" }, { ok: true }],
    }));
    const broken: ImportAdapter<TestUser> = {
      ...adapter,
      defaults: { chunkRecords: 2, concurrency: 2 },
      scrub: (text) => {
        if (text === "boom") throw new Error("scrubbing failed");
        return text;
      },
    };
    const report = await runImport(broken, users(6));
    expect(report.fatal).toMatch(/^the import stopped: scrubbing failed/);
    expect(report.outcomes).toHaveLength(6);
    expect(new Set(report.outcomes.map((o) => o.index)).size).toBe(6);
  });

  it("says the vendor may hold the records of a chunk that was sent, and not of one that never was", async () => {
    // The vendor answered: it imported one record and refused the other; the refusal's text cannot be scrubbed.
    const { adapter } = echoing(() => ({
      kind: "done",
      outcomes: [{ ok: false, code: "refused", reason: "boom" }, { ok: true }],
    }));
    const broken: ImportAdapter<TestUser> = {
      ...adapter,
      defaults: { chunkRecords: 2, concurrency: 1 },
      scrub: (text) => {
        if (text === "boom") throw new Error("scrubbing failed");
        return text;
      },
    };
    const report = await runImport(broken, users(4));
    const [sent, unsent] = [report.outcomes.slice(0, 2), report.outcomes.slice(2)];
    for (const outcome of sent)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "fatal",
        reason: expect.stringMatching(/; test may hold this record: its chunk was sent/) as unknown,
        vendorMayHold: true,
      });
    // The run stopped before the second chunk went out.
    for (const outcome of unsent) expect(outcome).not.toHaveProperty("vendorMayHold");
    expect(report.vendorMayHold).toBe(2);
  });

  it("does not say the vendor may hold the records of a chunk whose request never left", async () => {
    const { adapter } = echoing((size) => ({
      kind: "done",
      outcomes: Array.from({ length: size }, () => ({
        ok: false,
        code: "network",
        reason: "boom",
        transient: true,
        unprocessed: "not_sent",
      })),
    }));
    const broken: ImportAdapter<TestUser> = {
      ...adapter,
      scrub: (text) => {
        if (text === "boom") throw new Error("scrubbing failed");
        return text;
      },
    };
    const report = await runImport(broken, users(2), { chunkAttempts: 1 });
    expect(report.outcomes.map((o) => [o.outcome, "vendorMayHold" in o])).toEqual([
      ["failed", false],
      ["failed", false],
    ]);
  });

  it("refuses an adapter without scrub before reading anything", async () => {
    const { adapter } = echoing(() => ({ kind: "done", outcomes: [] }));
    const withoutScrub: Partial<ImportAdapter<TestUser>> = { ...adapter };
    delete withoutScrub.scrub;
    await expect(runImport(withoutScrub as ImportAdapter<TestUser>, users(1))).rejects.toThrow(
      /test adapter has no scrub\(text\) method/,
    );
  });
});

describe("an onOutcome that throws", () => {
  it("stops the run and rejects with its error, without leaving the chunk half recorded", async () => {
    const { adapter } = echoing((size) => ({
      kind: "done",
      outcomes: Array.from({ length: size }, () => ({ ok: true })),
    }));
    const seen: number[] = [];
    const failing = new Error("the caller's sink is full");
    await expect(
      runImport({ ...adapter, defaults: { chunkRecords: 4, concurrency: 1 } }, users(12), {
        onOutcome: (outcome) => {
          seen.push(outcome.index);
          if (outcome.index === 1) throw failing;
        },
      }),
    ).rejects.toBe(failing);
    // Called until it threw, never after.
    expect(seen).toEqual([0, 1]);
  });
});
