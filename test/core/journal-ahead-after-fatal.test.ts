// After a fatal answer (a revoked key) a resumed run still reports what its journal holds of later chunks:
// the journal's highest chunk number decides it, not the chunk its last line happens to be of (an earlier
// run checkpoints a chunk still out after later chunks settled); so does an earlier run's send of records
// the input has moved since. A chunk whose saved state says nothing went out is not said to be held.
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { journalFile } from "../support/journal-file.js";
import { containing, matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));

/**
 * The journal of an import as it ends when chunks `states` were out, unanswered, when the run was killed:
 * their done lines gone, a state line each (saying what was saved) after the other lines.
 */
function unsettle(journal: string, states: Record<number, Record<string, string>>): void {
  const lines = readFileSync(journal, "utf8").trimEnd().split("\n");
  const kept: string[] = [];
  const added: string[] = [];
  for (const line of lines) {
    const parsed = JSON.parse(line) as { kind: string; seq?: number; fingerprint?: string };
    const state = parsed.seq === undefined ? undefined : states[parsed.seq];
    if (parsed.kind === "done" && state !== undefined)
      added.push(
        JSON.stringify({ kind: "state", seq: parsed.seq, fingerprint: parsed.fingerprint, state }),
      );
    else kept.push(line);
  }
  writeFileSync(journal, `${[...kept, ...added].join("\n")}\n`);
}

/** A vendor that refuses the credential: every chunk sent ends the run. */
const revoked = testAdapter<{ id: string }>(() =>
  Promise.resolve({
    kind: "fatal",
    error: ApiError.of(
      { status: 401, body: { message: "this key was revoked" }, headers: {} },
      { operation: "op", method: "POST", path: "/x" },
      new SecretSet(),
    ),
  }),
);

it("chunks imported after the one an earlier run left out are reported imported, not failed fatal", async () => {
  const journal = journalFile("journal-ahead");
  await runImport(testAdapter(importEvery), users(6), { journal });
  unsettle(journal, { 0: { job: "job-0" } });

  const report = await runImport(revoked, users(6), { journal });

  expectEveryRecordOnce(report, 6);
  expect(report.fatal).toContain("revoked");
  expect(report.outcomes.map((o) => o.outcome)).toEqual([
    "failed",
    "failed",
    "imported",
    "imported",
    "imported",
    "imported",
  ]);
});

it("records pushed past the journal's last chunk by inserted ones say the vendor may hold them", async () => {
  const journal = journalFile("journal-ahead-moved");
  const earlier = users(10);
  await runImport(testAdapter(importEvery), earlier, { journal });
  unsettle(journal, { 0: { job: "job-0" } });
  // Three users added before u4: u8 and u9, which the earlier run imported, now make chunks 5 and 6, which
  // the journal has no line of.
  const added = ["a1", "a2", "a3"].map((id) => ({ id }));
  const input = [...earlier.slice(0, 4), ...added, ...earlier.slice(4)];

  const report = await runImport(revoked, input, { journal });

  expectEveryRecordOnce(report, 13);
  expect(report.fatal).toContain("revoked");
  for (const key of ["u8", "u9"])
    expect(report.outcomes.find((o) => o.key === key)).toMatchObject({
      outcome: "failed",
      reason: containing("test may hold this record: an earlier run with this journal sent chunks"),
      vendorMayHold: true,
    });
});

it("a chunk whose saved state says no request went out is not said to be held by the vendor", async () => {
  const journal = journalFile("journal-ahead-unsent");
  await runImport(testAdapter(importEvery), users(6), { journal });
  // Chunk 1's key was cleared before its request went out (a body too long to build, say).
  unsettle(journal, { 0: { job: "job-0" }, 1: { key: "" } });

  const report = await runImport(revoked, users(6), { journal });

  expectEveryRecordOnce(report, 6);
  expect(report.outcomes.map((o) => o.outcome)).toEqual([
    "failed",
    "failed",
    "failed",
    "failed",
    "imported",
    "imported",
  ]);
  for (const outcome of report.outcomes.slice(2, 4)) {
    expect(outcome).toMatchObject({ code: "fatal" });
    expect(outcome).not.toHaveProperty("vendorMayHold");
  }
});

it("a chunk an earlier run sent without an answer: its records say the vendor may hold them, and why", async () => {
  const journal = journalFile("journal-ahead-unanswered");
  await runImport(testAdapter(importEvery), users(6), { journal });
  unsettle(journal, { 0: { job: "job-0" }, 1: { job: "job-1" } });

  const report = await runImport(revoked, users(6), { journal });

  expectEveryRecordOnce(report, 6);
  for (const outcome of report.outcomes.slice(2, 4))
    expect(outcome).toMatchObject({
      outcome: "failed",
      code: "fatal",
      reason: matching(
        /test may hold this record: an earlier run with this journal sent its chunk, and no answer said what became of it$/,
      ),
      vendorMayHold: true,
    });
  expect(report.outcomes.slice(4).map((o) => o.outcome)).toEqual(["imported", "imported"]);
});
