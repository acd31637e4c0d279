// A split chunk's halves save their final outcome in the journal (`done:<start>-<end>`). A value changed by
// hand was trusted as it parsed: `{}` stopped the whole import on a TypeError (every user `fatal`, though
// Userpilot held them), `null` or text that is not JSON failed the chunk. It is now passed over: the half
// is followed again (its users sent again, which Userpilot upserts).
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { journalFile } from "../support/journal-file.js";
import { run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

/** Replaces by hand the state a split import saved in `journal` with `halves`, for a re-run to read. */
function journalWithHalves(journal: string, halves: Record<string, string>) {
  const [header, ...rest] = readFileSync(journal, "utf8").split("\n");
  const state = rest
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { kind: string; fingerprint: string })
    .find((line) => line.kind === "state");
  const line = { kind: "state", seq: 0, fingerprint: state!.fingerprint, state: halves };
  writeFileSync(journal, `${header}\n${JSON.stringify(line)}\n`);
}

it.each([
  "{}",
  "null",
  "not json",
  '{"ok":false,"code":"job_failed"}',
  '{"ok":true,"note":5}',
  // A half's final outcome is an import or a failed job: another code was never saved.
  '{"ok":false,"code":"job_timeout","reason":"job j-1 outlasted its time"}',
])("a half's saved outcome %s is passed over, and the half followed again", async (value) => {
  const journal = journalFile("userpilot");
  const input = users(4);
  const up = vendor();
  expect((await run(input, { journal })).imported).toBe(4);
  journalWithHalves(journal, {
    split: "",
    "done:0-2": value,
    "done:2-4": JSON.stringify({ ok: true }),
  });
  const posted = up.ofKind("POST").length;

  const again = await run(input, { journal });

  expect(again.fatal).toBeUndefined();
  expect(again.outcomes.map((o) => o.outcome)).toEqual(Array(4).fill("imported"));
  expect(
    up
      .ofKind("POST")
      .slice(posted)
      .map((post) => post.userIds),
  ).toEqual([["u-0", "u-1"]]);
});

it("an earlier version's saved half failure, with no vendorMayHold mark, keeps what it says", async () => {
  const journal = journalFile("userpilot");
  const input = users(4);
  vendor();
  expect((await run(input, { journal })).imported).toBe(4);
  const held =
    "job j-1 failed after 1 of 2 rows; Userpilot may hold this user: the job did 1 row(s)";
  journalWithHalves(journal, {
    split: "",
    "done:0-2": JSON.stringify({ ok: false, code: "job_failed", reason: held }),
    "done:2-4": JSON.stringify({ ok: false, code: "job_failed", reason: "job j-2 failed" }),
  });

  const again = await run(input, { journal });

  expect(again.outcomes.map((o) => [o.outcome, "vendorMayHold" in o && o.vendorMayHold])).toEqual([
    ["failed", true],
    ["failed", true],
    ["failed", false],
    ["failed", false],
  ]);
  expect(again.vendorMayHold).toBe(2);
});

it("a half's saved import with a warning keeps the warning on a re-run", async () => {
  const journal = journalFile("userpilot");
  const input = users(4);
  const up = vendor();
  expect((await run(input, { journal })).imported).toBe(4);
  const note =
    "Userpilot completed job j-1 after 1 of 2 rows and does not say which rows it skipped: " +
    "this user may not have been updated";
  journalWithHalves(journal, {
    split: "",
    "done:0-2": JSON.stringify({ ok: true, note }),
    "done:2-4": JSON.stringify({ ok: true }),
  });
  const posted = up.ofKind("POST").length;

  const again = await run(input, { journal });

  expect(up.ofKind("POST")).toHaveLength(posted);
  expect(again.outcomes.map((o) => [o.outcome, "warning" in o ? o.warning : undefined])).toEqual([
    ["imported", note],
    ["imported", note],
    ["imported", undefined],
    ["imported", undefined],
  ]);
});
