// Two imports at once on one Userpilot client (one account, one bulk job at a time): the job list holds the
// other import's jobs, which a lost answer's search must never take for its own request's.
import { afterEach, expect, it, vi } from "vitest";
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

afterEach(() => {
  vi.useRealTimers();
});

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

it("a lost answer's search does not take the job of another import's lost send through the same client", async () => {
  const shared = client();
  let second: Promise<ImportReport> | undefined;
  const lost = new Set<string>();
  // Once, the POST whose first user is `first`: the vendor acts, the connection drops before its answer.
  const loseOnce = (first: string) => {
    if (lost.has(first)) return undefined;
    lost.add(first);
    return dropAfter;
  };
  // The first import (b, two chunks) has its first job running when the second (a) sends: Userpilot turns
  // that request away, and the 409 is lost. While a looks for its request's job (at each 409 of its sends
  // again), b's second chunk makes a job of as many rows and bytes, whose answer is lost too: a job that
  // started after a's send, while a job that a's list search knows for b's ran at that send. Said sole
  // importers, as a process whose only writer to the account is this one client may say.
  // Each call to Userpilot comes 20 s after the one before (more than the clock-skew allowance): a job
  // that started after a lost request's call ended is not that request's.
  // The users' plan has a letter of two bytes in UTF-8: the list's file_size counts bytes, not characters.
  vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-12-04T10:00:00Z") });
  const up = vendor({
    pollsPerStep: 4,
    faults: {
      script: async ({ operation, request }) => {
        vi.setSystemTime(Date.now() + 20_000);
        if (operation !== "bulkIdentifyUsers") return undefined;
        const { users } = (await request.json()) as { users: { user_id: string }[] };
        const first = users[0]?.user_id ?? "";
        if (first === "b-0" && second === undefined)
          return afterwards(() => {
            second = importUsers(shared, alike("a", 5, "prö"), { ...options, soleImporter: true });
          });
        return first === "a-0" || first === "b-5" ? loseOnce(first) : undefined;
      },
    },
  });

  const first = await importUsers(shared, alike("b", 10, "prö"), {
    ...options,
    soleImporter: true,
  });
  if (second === undefined) throw new Error("the second import never started");
  const report = await second;

  expect([...lost].sort()).toEqual(["a-0", "b-5"]);
  expectTruthfulReport(report, up.sim);
  expectTruthfulReport(first, up.sim);
});
