// A 202 without `total_rows` (one documented shape) names a job whose rows no answer has checked yet; the run
// stops before its first status poll. A re-run polls the journaled job, and must check it as the first run
// would have: a job of fewer rows than the users sent is not this request's.
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { journalFile } from "../support/journal-file.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { acceptedAs, run, users, useUserpilot } from "./harness.js";

const userpilot = useUserpilot();

/** A status poll script whose first look at the job stops the run: only the journal knows the job. */
const stopAtFirstLook = (controller: AbortController) => ({
  1: {
    answer: () => {
      controller.abort(new Error("interrupted"));
      return gatewayPage(502);
    },
  },
});

it.each([
  ["this version's journal", false],
  ["an earlier version's journal, which kept no row count beside the job", true],
])(
  "a re-run of %s, polling a job named by a 202 without total_rows, takes no job of fewer rows",
  async (_, earlier) => {
    const up = userpilot({ stepMs: 0 });
    // Another process's job of 2 rows; the answer to a request of 4 users names it.
    const foreign = up.sim.startForeignJob({ rows: 2 });
    const journal = journalFile("userpilot-resumed-unchecked");
    const controller = new AbortController();
    up.script({
      bulkIdentifyUsers: {
        1: acceptedAs(foreign),
      },
      getBackgroundJob: stopAtFirstLook(controller),
    });
    const first = await run(users(4), { chunkRecords: 4, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    if (earlier) {
      const text = readFileSync(journal, "utf8");
      const earlierText = text.replaceAll(/,"unchecked":"\d+"/g, "");
      expect(earlierText).not.toBe(text);
      writeFileSync(journal, earlierText);
    }

    up.script();
    const second = await run(users(4), { chunkRecords: 4, journal, replayDelayMs: 0 });

    expectEveryRecordOnce(second, 4);
    const held = new Set(up.sim.users().map((user) => user.user_id));
    const unheldImported = second.outcomes.filter(
      (o) => o.outcome === "imported" && !held.has(o.key),
    );
    expect(unheldImported.map((o) => o.key)).toEqual([]);
  },
);

it("a replay after the first status poll failed checks the job's rows as that poll would have", async () => {
  const up = userpilot({ stepMs: 0 });
  const foreign = up.sim.startForeignJob({ rows: 2 });
  const unreadable = { answer: () => gatewayPage(502) };
  up.script({
    bulkIdentifyUsers: {
      1: acceptedAs(foreign),
    },
    // Every try of the client's first status request: the chunk is replayed, and polls the job again.
    getBackgroundJob: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [i + 1, unreadable])),
  });
  const report = await run(users(4), { chunkRecords: 4, replayDelayMs: 0 });

  expectEveryRecordOnce(report, 4);
  const held = new Set(up.sim.users().map((user) => user.user_id));
  const unheldImported = report.outcomes.filter(
    (o) => o.outcome === "imported" && !held.has(o.key),
  );
  expect(unheldImported.map((o) => o.key)).toEqual([]);
  expect(report).toMatchObject({ imported: 4 });
});

it("a re-run polling its own job, named by a 202 without total_rows, takes it when its rows are the users sent", async () => {
  const up = userpilot({ stepMs: 0 });
  const journal = journalFile("userpilot-resumed-own-job");
  const controller = new AbortController();
  up.script({
    // Userpilot's own job of the 4 users, in the shape that leaves total_rows out.
    bulkIdentifyUsers: {
      1: {
        after: async (answer) => {
          const { total_rows: _rows, ...job } = (await answer.json()) as Record<string, unknown>;
          return json(job, 202);
        },
      },
    },
    getBackgroundJob: stopAtFirstLook(controller),
  });
  const first = await run(users(4), { chunkRecords: 4, journal, signal: controller.signal });
  expect(first.aborted).toBe(true);

  up.script();
  const second = await run(users(4), { chunkRecords: 4, journal, replayDelayMs: 0 });

  // A job of exactly the 4 rows sent is this request's: its users are imported, and sent once.
  expect(second).toMatchObject({ total: 4, imported: 4 });
  expect(up.ofKind("POST")).toHaveLength(1);
  expect(up.jobIds()).toHaveLength(1);
});
