// Which job of Userpilot's list lostRequestsJob takes for a request whose answer was lost: the job it follows
// decides what the report says of each user, so a wrong pick reports users imported on another's job.
import { describe, expect, it } from "vitest";
import { lostRequestsJob } from "../../src/userpilot/lost-job.js";

const sentMs = Date.parse("2026-01-01T00:01:00.300Z");
// The operator vouched that no other process imports: a match is taken without a guess.
const request = {
  rows: 4,
  bytes: 100,
  sentMs,
  clockSkewMs: 10_000,
  others: new Set<string>(),
  soleImporter: true,
};
/** A completed job of `rows` rows (25 bytes each) that started `startS` seconds after the send's second. */
const job = (id: string, startS: number, rows = 4) => ({
  job_id: id,
  status: "completed" as const,
  total_rows: rows,
  file_size: rows * 25,
  start_time: new Date(Date.parse("2026-01-01T00:01:00Z") + startS * 1000).toISOString(),
});

describe("the job taken for a lost request", () => {
  it("is never one another chunk or import follows", () => {
    expect(lostRequestsJob([job("A", 1)], { ...request, others: new Set(["A"]) })).toBeUndefined();
  });

  it("holds as many rows as the request sent, whether or not the list gives its file_size", () => {
    const sizeless = ({ file_size: _, ...rest }: ReturnType<typeof job>) => rest;
    expect(lostRequestsJob([sizeless(job("A", 1, 5)), job("B", 2)], request)).toEqual({ id: "B" });
    expect(lostRequestsJob([sizeless(job("A", 1, 3))], request)).toBeUndefined();
  });

  it("is the first to start after the send (one bulk job at a time), whatever the list's order", () => {
    expect(lostRequestsJob([job("late", 5), job("first", 1)], request)).toEqual({ id: "first" });
  });

  it("of jobs only the clock-skew allowance lets in, is the last to start", () => {
    const found = lostRequestsJob([job("older", -8), job("latest", -2), job("old", -5)], request);
    expect(found?.id).toBe("latest");
  });
});

describe("a job of another's that started before the send", () => {
  it("raises no doubt once it ended, failed or completed, though the list gives no end time", () => {
    for (const status of ["failed", "completed"] as const) {
      const before = { ...job("X", -30, 9), status };
      expect(lostRequestsJob([before, job("Y", 1)], request)).toEqual({ id: "Y" });
    }
  });
});

describe("the bounds of the search", () => {
  it("takes a job that started as early as the clock-skew allowance lets in, to the millisecond", () => {
    const earliest = { ...job("A", 0), start_time: new Date(sentMs - 10_000).toISOString() };
    expect(lostRequestsJob([earliest], request)?.id).toBe("A");
  });

  it("does not say a job ran across the send when its start, in whole seconds, is the send's second", () => {
    // Written as 00:01:00, it may have started after the send at 00:01:00.300: no doubt is raised.
    const running = {
      ...job("X", 0, 9),
      status: "processing" as const,
      start_time: "2026-01-01T00:01:00Z",
    };
    expect(lostRequestsJob([running, job("A", 1)], request)).toEqual({ id: "A" });
  });

  it("says it matched by row count and start time only when the list's file_size is not a number", () => {
    const textSize = { ...job("A", 1), file_size: "100" as unknown as number };
    const found = lostRequestsJob([textSize], { ...request, soleImporter: false });
    expect(found?.guess).toMatch(/by its row count and start time only/);
  });
});
