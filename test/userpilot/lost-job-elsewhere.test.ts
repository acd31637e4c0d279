// A job that started while another import's request through the same client was out (unanswered, or its
// answer lost) may be that request's, of other users: the job list cannot tell the two apart.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { lostRequestsJob } from "../../src/userpilot/lost-job.js";
import { UnansweredSends } from "../../src/userpilot/unanswered-sends.js";

const at = (s: number) => Date.parse("2026-01-01T00:01:00Z") + s * 1000;
const request = {
  rows: 4,
  bytes: 100,
  sentMs: at(0),
  clockSkewMs: 10_000,
  others: new Set<string>(),
  soleImporter: true,
};
const job = (id: string, startS: number) => ({
  job_id: id,
  status: "completed" as const,
  total_rows: 4,
  file_size: 100,
  start_time: new Date(at(startS)).toISOString(),
});
const send = (fromS: number, toS: number | undefined, rows = 4, bytes = 100) => ({
  rows,
  bytes,
  sentMs: at(fromS),
  endedMs: toS === undefined ? undefined : at(toS),
});

describe("another import's unanswered request of as many rows and bytes", () => {
  it("rules out a job that started while it was out, or still is", () => {
    expect(lostRequestsJob([job("B", 60)], { ...request, elsewhere: [send(59, 61)] })).toBe(
      undefined,
    );
    expect(lostRequestsJob([job("B", 60)], { ...request, elsewhere: [send(59, undefined)] })).toBe(
      undefined,
    );
    // Userpilot's clock may be behind ours: a job it says started a little before the send may be the send's.
    expect(lostRequestsJob([job("B", 55)], { ...request, elsewhere: [send(59, 61)] })).toBe(
      undefined,
    );
    // One that started in the very millisecond its call ended without an answer may be its job too.
    expect(lostRequestsJob([job("B", 61)], { ...request, elsewhere: [send(59, 61)] })).toBe(
      undefined,
    );
  });

  it("rules out a job whose start, written to the second, may be after it went out, less the skew", () => {
    // Out from 20.3 s: with 10 s of skew, a job Userpilot says started at 10 s (to 10.999 s) may be its.
    const out = { ...send(20, 30), sentMs: at(20) + 300 };
    const toTheSecond = {
      ...job("B", 10),
      start_time: new Date(at(10)).toISOString().replace(".000", ""),
    };
    expect(lostRequestsJob([toTheSecond], { ...request, elsewhere: [out] })).toBe(undefined);
  });

  it("leaves a job that started after it ended, or of other rows or bytes, to be taken", () => {
    expect(lostRequestsJob([job("A", 1)], { ...request, elsewhere: [send(59, 61)] })).toEqual({
      id: "A",
    });
    expect(lostRequestsJob([job("A", 62)], { ...request, elsewhere: [send(59, 61)] })).toEqual({
      id: "A",
    });
    for (const other of [send(0, 2, 5), send(0, 2, 4, 101)])
      expect(lostRequestsJob([job("A", 1)], { ...request, elsewhere: [other] })).toEqual({
        id: "A",
      });
  });
});

describe("the requests a client's imports left unsettled", () => {
  const run = {};
  const other = {};
  it("are another run's of another body, until answered", () => {
    const sends = new UnansweredSends();
    const out = sends.send(other, "x".repeat(100), 4);
    const own = sends.send(run, "y".repeat(100), 4);
    expect(sends.othersThan(run, "y".repeat(100))).toMatchObject([{ rows: 4, bytes: 100 }]);
    // A request of the same body made a job of the same users and values: its job imports them alike.
    expect(sends.othersThan(run, "x".repeat(100))).toEqual([]);
    out.answered();
    own.lost();
    expect(sends.othersThan(run, "y".repeat(100))).toEqual([]);
  });

  it("keep a lost request (its body's digest only), with when its call ended", () => {
    const sends = new UnansweredSends();
    sends.send(other, "x".repeat(100), 4).lost();
    const [lost] = sends.othersThan(run, "y".repeat(100));
    expect(lost?.endedMs).toBeTypeOf("number");
    expect(sends.othersThan(run, "x".repeat(100))).toEqual([]);
  });
});

describe("a client used for years", () => {
  it("keeps the last thousand lost requests only, each without its body", () => {
    const sends = new UnansweredSends();
    const other = {};
    // 1,001 lost requests, each of its own body; then one still out.
    for (let i = 0; i <= 1000; i++)
      sends.send(other, `{"users":[${String(i).padStart(4, "0")}]}`, 1).lost();
    sends.send(other, "x".repeat(17), 1);
    const kept = sends.othersThan({}, "y".repeat(17));
    expect(kept).toHaveLength(1001);
    expect(kept.filter((s) => s.endedMs === undefined)).toHaveLength(1);
    // The earliest lost one went: the body of request 0 is no longer told apart from any other.
    expect(sends.othersThan({}, `{"users":[0000]}`)).toHaveLength(1001);
    expect(sends.othersThan({}, `{"users":[0001]}`)).toHaveLength(1000);
  });

  it("keeps a request still out while a thousand and more later ones are lost", () => {
    const sends = new UnansweredSends();
    const other = {};
    // Out first (a slow upload of another import), then 1,001 lost requests, each of its own body.
    sends.send(other, "x".repeat(17), 1);
    for (let i = 0; i <= 1000; i++)
      sends.send(other, `{"users":[${String(i).padStart(4, "0")}]}`, 1).lost();
    const kept = sends.othersThan({}, "y".repeat(17));
    // A job that starts while it is out may be its own: it still rules such a job out.
    expect(kept.filter((s) => s.endedMs === undefined)).toHaveLength(1);
    expect(kept).toHaveLength(1001);
  });
});

it("a lost request keeps no hold on the import that sent it: the import's memory is freed once it ended", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const sends = new UnansweredSends();
  // An import's state (Userpilot's: its job queue, with the time spent on each of its jobs), gone once the
  // import ended.
  const freed = (() => {
    const run = { times: new Array<string>(1000).fill("job") };
    sends.send(run, "x".repeat(100), 4).lost();
    return new WeakRef(run);
  })();
  // A WeakRef's target lives until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  expect(freed.deref()).toBe(undefined);
  // Its lost request still rules out jobs of its time for every later import.
  expect(sends.othersThan({}, "y".repeat(100))).toHaveLength(1);
});
