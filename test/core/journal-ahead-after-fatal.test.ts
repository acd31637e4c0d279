// After a fatal answer (a revoked key) a resumed run still reports what its journal holds of later chunks:
// the journal's highest chunk number decides it, not the chunk its last line happens to be of (an earlier
// run checkpoints a chunk still out after later chunks settled).
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { journalFile } from "../support/journal-file.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const users = Array.from({ length: 6 }, (_, i) => ({ id: `u${i}` }));

it("chunks imported after the one an earlier run left out are reported imported, not failed fatal", async () => {
  const journal = journalFile("journal-ahead");
  await runImport(testAdapter(importEvery), users, { journal });
  // The earlier run as it ends when chunk 0 went out first and was checkpointed last, unanswered: its done
  // line gone, its state line the journal's last.
  const lines = readFileSync(journal, "utf8").trimEnd().split("\n");
  const doneOf0 = lines.findIndex((line) => line.includes('"kind":"done","seq":0,'));
  const { fingerprint } = JSON.parse(lines[doneOf0] ?? "{}") as { fingerprint: string };
  const rest = lines.filter((_, i) => i !== doneOf0);
  const state = { kind: "state", seq: 0, fingerprint, state: { job: "job-0" } };
  writeFileSync(journal, `${[...rest, JSON.stringify(state)].join("\n")}\n`);

  const revoked = ApiError.of(
    { status: 401, body: { message: "this key was revoked" }, headers: {} },
    { operation: "op", method: "POST", path: "/x" },
    new SecretSet(),
  );
  const report = await runImport(
    testAdapter<{ id: string }>(() => Promise.resolve({ kind: "fatal", error: revoked })),
    users,
    { journal },
  );

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
