// lostRequestsJob against the times of a job list written in other forms than `2026-01-01T00:01:00.000Z`:
// Userpilot's format is UNCONFIRMED (ISO-8601 expected), and a proxy or another API version may write
// them otherwise. A job's place before or after the send decides whether the report doubts it.
import { afterEach, describe, expect, it } from "vitest";
import { jobTime } from "../../src/userpilot/job-time.js";
import { lostRequestsJob } from "../../src/userpilot/lost-job.js";
import { matching } from "../support/matchers.js";

const t1 = Date.parse("2026-01-01T00:01:00Z");
// The operator vouched that no other process imports: only the list's times can raise a doubt.
const request = {
  rows: 4,
  bytes: 100,
  sentMs: t1 + 300,
  clockSkewMs: 10_000,
  others: new Set<string>(),
  soleImporter: true,
};
const job = (id: string, times: Record<string, unknown>, rows = 4) => ({
  ...{ job_id: id, status: "completed" as const, total_rows: rows, file_size: rows * 25 },
  ...times,
});
/** Job X ran from a minute before the send to 3 s after it, written with `write`; job Y started after X. */
const acrossTheSend = (write: (iso: string) => unknown) => [
  job(
    "X",
    { start_time: write("2026-01-01T00:00:00.000Z"), end_time: write("2026-01-01T00:01:03.000Z") },
    9,
  ),
  job("Y", { start_time: "2026-01-01T00:01:04Z" }),
];

describe("times without an offset, on an importer whose time zone is not UTC", () => {
  const zone = process.env["TZ"];
  afterEach(() => {
    if (zone === undefined) delete process.env["TZ"];
    else process.env["TZ"] = zone;
  });
  const noOffset = (iso: string) => iso.slice(0, -1);

  it("are UTC: a job that ran across the send is still named, west of Greenwich", () => {
    process.env["TZ"] = "America/Los_Angeles";
    const found = lostRequestsJob(acrossTheSend(noOffset), request);
    expect(found).toMatchObject({
      id: "Y",
      guess: matching(/job X, not this import's, was running/),
    });
  });

  it("are UTC: a job that started before the send is still said to, west of Greenwich", () => {
    process.env["TZ"] = "America/Los_Angeles";
    const found = lostRequestsJob([job("J", { start_time: "2026-01-01T00:00:57" })], request);
    expect(found).toMatchObject({
      id: "J",
      guess: matching(/started before that request was sent/),
    });
  });

  it("in another form that names no zone are not read: as local time, a job would move by hours", () => {
    process.env["TZ"] = "Asia/Tokyo";
    expect(jobTime("Thu, 01 Jan 2026 00:01:00")).toBeUndefined();
    expect(jobTime("01/01/2026 00:01:00")).toBeUndefined();
  });

  it("are UTC: the job that started just after the send is found, east of Greenwich", () => {
    // Read as Tokyo time it started 9 hours before the send: the users would be sent once more.
    process.env["TZ"] = "Asia/Tokyo";
    expect(lostRequestsJob([job("J", { start_time: "2026-01-01T00:01:01" })], request)).toEqual({
      id: "J",
    });
  });
});

it.each([
  ["an offset", (iso: string) => iso.replace("T00:0", "T14:0").replace(".000Z", "+14:00")],
  ["lower-case t and z", (iso: string) => iso.replace("T", "t").replace("Z", "z")],
  ["nine digits of fraction", (iso: string) => iso.replace(".000Z", ".000000000Z")],
  ["a comma as decimal mark", (iso: string) => iso.replace(".", ",")],
])("a job that ran across the send is named when its times have %s", (_, write) => {
  expect(lostRequestsJob(acrossTheSend(write), request)?.guess).toMatch(
    /job X, not this import's, was running/,
  );
});

it("a job that ended within the minute of a send, written to the minute, ran across it", () => {
  const found = lostRequestsJob(
    [
      job("X", { start_time: "2026-01-01T00:00Z", end_time: "2026-01-01T00:01Z" }, 9),
      job("Y", { start_time: "2026-01-01T00:01:40Z" }),
    ],
    { ...request, sentMs: t1 + 30_000 },
  );
  expect(found?.guess).toMatch(/job X, not this import's, was running/);
});

it("a job of as many rows and bytes whose job_id is empty is not taken: it names no job to follow", () => {
  expect(
    lostRequestsJob([job("", { start_time: "2026-01-01T00:01:01Z" })], request),
  ).toBeUndefined();
});

it("a job listed twice, once as running across the send, is not taken without that doubt", () => {
  // Which of the list's two accounts of job J is true is unknown: by the first, it is not the request's.
  const running = job("J", {
    start_time: "2026-01-01T00:00:58Z",
    end_time: "2026-01-01T00:01:03Z",
  });
  const found = lostRequestsJob(
    [running, job("J", { start_time: "2026-01-01T00:01:04Z" })],
    request,
  );
  expect(found?.guess).toMatch(/job J, not this import's, was running/);
});

it.each([
  ["2026-01-01T00:01:00.5Z", 500, 100],
  ["2026-01-01T00:01:00.25Z", 250, 10],
  ["2026-01-01T00:01:00,123456Z", 123, 1],
  ["Thu, 01 Jan 2026 00:01:00 GMT", 0, 1000],
  // Offsets of half an hour (India, Newfoundland): their minutes count, or the job moves by 30 min.
  ["2026-01-01T05:31:00+05:30", 0, 1000],
  ["2026-01-01T05:31:00+0530", 0, 1000],
  ["2025-12-31T20:31:00-03:30", 0, 1000],
  // Other spellings ISO-8601 and its common writers allow: a bare hour offset, one with no colon on a time
  // to the minute, a blank for the T or before the zone, blanks around the text.
  ["2026-01-01T05:01:00+05", 0, 1000],
  ["2026-01-01T05:31+0530", 0, 60_000],
  ["2026-01-01 00:01:00", 0, 1000],
  ["2026-01-01T00:01:00 Z", 0, 1000],
  [" 2026-01-01T00:01:00.5Z\n", 500, 100],
])(
  "a job time written %s is read as the time it names, and how much later it may be",
  (text, ms, precisionMs) => {
    expect(jobTime(text)).toEqual({ ms: Date.parse("2026-01-01T00:01:00Z") + ms, precisionMs });
  },
);

it("a job time given as a number is not read: nothing says whether it counts seconds or ms", () => {
  expect(jobTime(t1)).toBeUndefined();
  expect(jobTime(t1 / 1000)).toBeUndefined();
});
