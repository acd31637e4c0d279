// Two imports at once on one Userpilot client (one account, one bulk job at a time): the job list holds the
// other import's jobs, which a lost answer's search must never take for its own request's.
import { expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers } from "../../src/userpilot/import.js";
import {
  afterwards,
  client,
  dropAfter,
  expectTruthfulReport,
  useUserpilot,
  alike,
  turnTaking,
} from "./harness.js";

const vendor = useUserpilot();

const options = turnTaking;

it("a lost answer's search does not take the job of another import of the same client", async () => {
  const shared = client();
  let second: Promise<ImportReport> | undefined;
  // The second import starts once the first one's job runs: Userpilot turns its request away with 409, and that
  // answer is lost. The job list then holds one job of as many rows and bytes: the first import's.
  const up = vendor(
    { pollsPerStep: 4 },
    {
      bulkIdentifyUsers: {
        1: afterwards(() => {
          second = importUsers(shared, alike("a", 5), options);
        }),
        2: dropAfter,
      },
    },
  );

  const first = await importUsers(shared, alike("b", 10), options);
  if (second === undefined) throw new Error("the second import never started");
  const report = await second;

  expect(
    up
      .ofKind("POST")
      .slice(0, 2)
      .map((e) => [e.userIds[0], e.status]),
  ).toEqual([
    ["b-0", 202],
    ["a-0", 0],
  ]);
  expect(up.sim.stats().conflicts).toBeGreaterThan(0);
  expect(report.imported).toBe(5);
  expectTruthfulReport(report, up.sim);
  expectTruthfulReport(first, up.sim);
});

it("through two clients of one account, the other's job, which started before the lost send, is taken only with a warning", async () => {
  let second: Promise<ImportReport> | undefined;
  // As above, but the second import has a client of its own: nothing in this process says the first
  // import's job is not its request's. That job started before the request was sent, as a job that was
  // running when Userpilot turned the request away did.
  const up = vendor(
    { pollsPerStep: 4 },
    {
      bulkIdentifyUsers: {
        1: afterwards(() => {
          second = importUsers(client(), alike("a", 5), options);
        }),
        2: dropAfter,
      },
    },
  );

  const first = await importUsers(client(), alike("b", 10), options);
  if (second === undefined) throw new Error("the second import never started");
  const report = await second;

  const stored = new Set(up.sim.users().map((user) => user.user_id));
  const unsaid = report.outcomes.filter(
    (o) =>
      o.outcome === "imported" &&
      !stored.has(o.key) &&
      // It started before the send, or in its millisecond: either way the warning says what may be.
      !/this user may not have been imported$/.test(o.warning ?? ""),
  );
  expect(unsaid, "users reported imported, without a word, that Userpilot does not hold").toEqual(
    [],
  );
  expectTruthfulReport(first, up.sim);
});
