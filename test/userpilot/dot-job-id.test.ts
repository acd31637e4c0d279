// A Userpilot (or a proxy in front of it) that names a job `..` or `.`, in a 202 or in its job list: polled as
// it is, the job's URL would resolve to another path of the host (`/v1/background_jobs/..` is `/v1/`). Such
// an id names no job that can be followed, and nothing is asked anywhere else.
import { describe, expect, it } from "vitest";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { dropAfter, run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

/** The vendor processes the call; every job its answer names (one, or a list) is named `id` instead. */
const renamed = (id: string): ScriptAction => ({
  after: async (answer) => {
    const body = (await answer.json()) as Record<string, unknown> | Record<string, unknown>[];
    const rename = (job: Record<string, unknown>) => ({ ...job, job_id: id });
    return json(Array.isArray(body) ? body.map(rename) : rename(body), answer.status);
  },
});

const OWN_PATHS = /^\/v1\/(?:users\/bulk_identify|background_jobs(?:\/[^/]+)?)$/;

describe.each(["..", "."])("a job named %j", (id) => {
  it("in a 202 is not polled: the answer is as lost as a 502's", async () => {
    const up = vendor(undefined, { bulkIdentifyUsers: { 1: renamed(id) } });
    const report = await run(users(2), { replayDelayMs: 0 });

    expectEveryRecordOnce(report, 2);
    for (const exchange of up.log) expect(exchange.path).toMatch(OWN_PATHS);
    expect(up.log[0]).toMatchObject({ op: "POST", status: 202 });
    // The replay finds the job in Userpilot's list, by its own id, and follows that.
    expect(report.imported).toBe(2);
  });

  it("in the job list, after a lost answer, is not taken for the lost request's job", async () => {
    const up = vendor(undefined, {
      bulkIdentifyUsers: { 1: dropAfter },
      listBackgroundJobs: { 1: renamed(id), 2: renamed(id), 3: renamed(id) },
    });
    const report = await run(users(2), { replayDelayMs: 0 });

    expectEveryRecordOnce(report, 2);
    for (const exchange of up.log) expect(exchange.path).toMatch(OWN_PATHS);
    expect(report.imported).toBe(2);
  });
});
