// lostRequestsJob: "a job that started after another chunk of the import sent a request (with no send of this
// chunk since) is not taken". Chunk A's first send (t0) made no job; chunk B sent at t1 and its job started
// at once (B's answer lost, B's job id never saved: the run was killed); a re-run resent A at t2, 5 s after
// t1, and lost that answer too. B's job started before A's resend on our clock; only the clock-skew allowance
// lets A's resend count as "since". Taking B's job for A's without a word reports A's users imported on the
// strength of B's job; A's own resend made a job after t2, which is unambiguous.
import { describe, expect, it } from "vitest";
import { lostRequestsJob } from "../../src/userpilot/lost-job.js";
import { matching } from "../support/matchers.js";

const t0 = Date.parse("2026-01-01T00:00:00Z");
const t1 = t0 + 60_000;
const t2 = t1 + 5_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A completed job of the request's 4 rows and 100 bytes, started at `startMs`. */
const completed = (job_id: string, startMs: number) => ({
  ...{ job_id, status: "completed" as const, total_rows: 4, file_size: 100 },
  start_time: iso(startMs),
});
const chunkA = {
  ...{ rows: 4, bytes: 100, clockSkewMs: 10_000, others: new Set<string>() },
  // Without it every match warns that the job may be another process's: the doubt here is this import's own.
  soleImporter: true,
};

it("a job that started between another chunk's send and this chunk's resend is not silently taken", () => {
  const jobs = [completed("job-B", t1 + 500), completed("job-A2", t2 + 500)];
  const found = lostRequestsJob(jobs, { ...chunkA, sentMs: t0, lastSentMs: t2, otherSends: [t1] });
  expect(found?.id === "job-A2" || found?.guess !== undefined).toBe(true);
});

it("a job that started in the millisecond of another chunk's later send is still taken, as a guess", () => {
  // This range's answer was lost after Userpilot made the job; the next chunk went out in the same
  // millisecond, so the job may be either's: left out, this range would be sent again, a second job.
  const found = lostRequestsJob([completed("job-A", t1)], {
    ...chunkA,
    sentMs: t1 - 2,
    otherSends: [t1],
  });
  expect(found).toMatchObject({ id: "job-A", guess: matching(/may be that request's job/) });
});

it("a job that started after another chunk's send, within the clock-skew allowance before this chunk's resend, is taken as a guess", () => {
  // A's resend at t2 made the job; Userpilot's clock, 3 s behind ours, wrote its start before t2 (after B's
  // send at t1). Left out, A's users would go in one more job.
  const found = lostRequestsJob([completed("job-A2", t2 - 3_000)], {
    ...chunkA,
    sentMs: t0,
    lastSentMs: t2,
    otherSends: [t1],
  });
  expect(found).toMatchObject({ id: "job-A2", guess: matching(/may be that request's job/) });
});

describe("a job that started before the lost send, by our clock", () => {
  const request = { rows: 4, bytes: 100, clockSkewMs: 10_000, others: new Set<string>() };
  const job = (start: string) => ({
    job_id: "job-1",
    status: "completed" as const,
    total_rows: 4,
    file_size: 100,
    start_time: start,
  });

  it("is taken as a guess: it may have been running then, when Userpilot turns a request away", () => {
    const found = lostRequestsJob([job(iso(t1 - 3_000))], { ...request, sentMs: t1 });
    expect(found).toMatchObject({
      id: "job-1",
      guess: matching(/started before that request was sent, by our clock/),
    });
  });

  it("is not said to start before the send when its start time in whole seconds is the send's second", () => {
    // Userpilot's reference writes times to the second: a job made at once starts "before" a send at .700.
    const found = lostRequestsJob([job("2026-01-01T00:01:00Z")], { ...request, sentMs: t1 + 700 });
    expect(found?.id).toBe("job-1");
    expect(found?.guess).not.toMatch(/started before/);
  });

  it("is not taken when it started more than the clock-skew allowance before the send, though it ran past it", () => {
    // Another's job that was running when the request went out: the request's own job starts after it.
    const ranAcross = { ...job(iso(t1 - 60_000)), end_time: iso(t1 + 5_000) };
    expect(lostRequestsJob([ranAcross], { ...request, sentMs: t1, soleImporter: true })).toBe(
      undefined,
    );
  });
});

describe("a job of as many rows and bytes, started after the lost send, while another job ran across the send", () => {
  const request = { rows: 4, bytes: 100, sentMs: t1, clockSkewMs: 10_000 };
  // Z ran from a minute before the send to half a minute after it: Userpilot turned the request away, and
  // the job that started after Z, as large as the request's body, may be another process's.
  const z = { job_id: "job-Z", total_rows: 7, file_size: 300, start_time: iso(t1 - 60_000) };
  const y = {
    ...{ job_id: "job-Y", status: "completed" as const, total_rows: 4, file_size: 100 },
    start_time: iso(t1 + 31_000),
  };

  it("is taken as a guess, naming the job that was running", () => {
    const running = { ...z, status: "completed" as const, end_time: iso(t1 + 30_000) };
    const found = lostRequestsJob([running, y], { ...request, others: new Set() });
    expect(found).toMatchObject({
      id: "job-Y",
      guess: matching(/job job-Z, not this import's, was running when that request was sent/),
    });
  });

  it("names it too when the list gives its submitted_at, or an end in whole seconds within the send's second", () => {
    const { start_time: start, ...unstarted } = z;
    const submitted = { ...unstarted, submitted_at: start, status: "processing" as const };
    // Ended at 00:01:00.something, written to the second; the request went out at 00:01:00.300.
    const endedThen = { ...z, status: "completed" as const, end_time: "2026-01-01T00:01:00Z" };
    for (const [running, sentMs] of [
      [submitted, t1],
      [endedThen, t1 + 300],
    ] as const) {
      const found = lostRequestsJob([running, y], { ...request, sentMs, others: new Set() });
      expect(found?.guess).toMatch(/job job-Z, not this import's, was running/);
    }
  });

  it("names no running job when the job that ran is this import's, or had ended before the send", () => {
    const running = { ...z, status: "processing" as const, end_time: null };
    const ended = { ...z, status: "completed" as const, end_time: iso(t1 - 1_000) };
    for (const found of [
      lostRequestsJob([running, y], { ...request, others: new Set(["job-Z"]) }),
      lostRequestsJob([ended, y], { ...request, others: new Set() }),
    ]) {
      expect(found?.id).toBe("job-Y");
      expect(found?.guess).not.toMatch(/was running/);
    }
  });
});

describe("an import that says it is the account's sole importer (soleImporter)", () => {
  const request = { rows: 4, bytes: 100, clockSkewMs: 10_000, others: new Set<string>() };
  const job = (start: number) => ({
    ...{ job_id: "job-1", status: "completed" as const, total_rows: 4, file_size: 100 },
    start_time: iso(start),
  });

  it("takes the job of as many rows and bytes that started after the send as the request's own", () => {
    expect(lostRequestsJob([job(t1 + 500)], { ...request, sentMs: t1 })).toMatchObject({
      guess: matching(/may be another process's job/),
    });
    expect(
      lostRequestsJob([job(t1 + 500)], { ...request, sentMs: t1, soleImporter: true }),
    ).toEqual({ id: "job-1" });
  });

  it("still says a job that started before the send may not be the request's", () => {
    const found = lostRequestsJob([job(t1 - 3_000)], {
      ...request,
      sentMs: t1,
      soleImporter: true,
    });
    expect(found?.guess).toMatch(/started before that request was sent/);
    expect(found?.guess).not.toMatch(/another process's job/);
  });
});
