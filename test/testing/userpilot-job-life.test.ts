// The Userpilot simulator's jobs as its options document them: when a job ends and at what time, what its
// failures count, which jobs `failJobs` decides, and what a foreign job started earlier says of itself.
import { describe, expect, it } from "vitest";
import { createUserpilotClient, type UserpilotClient } from "../../src/userpilot/client.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import {
  createUserpilotSimulator,
  type UserpilotJobInfo,
  type UserpilotSimulatorOptions,
} from "../../src/testing/userpilot.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const START = Date.parse("2026-02-01T09:00:00.000Z");

function setup(options: UserpilotSimulatorOptions = {}) {
  const sim = createUserpilotSimulator(options);
  server.use(...simulatorHandlers(sim, HOSTS.userpilot));
  const up = createUserpilotClient({ apiKey: "sim-key", maxRetries: 0, sleep: async () => {} });
  return { sim, up };
}

const users = (ids: readonly string[]) =>
  ids.map((user_id) => ({ user_id, metadata: { plan: "pro" } }));

async function submit(up: UserpilotClient, ids: readonly string[]) {
  const result = await up.bulkIdentifyUsers({ body: { users: users(ids) } });
  if (!result.ok) throw new Error(result.error.message);
  return result.data.job_id;
}

async function poll(up: UserpilotClient, jobId: string) {
  const result = await up.getBackgroundJob({ params: { path: { job_id: jobId } } });
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

/** Polls the job until it ends (the default pace: three polls), giving its last status. */
async function finish(up: UserpilotClient, jobId: string) {
  for (let i = 0; i < 10; i++) {
    const job = await poll(up, jobId);
    if (job.status === "completed" || job.status === "failed") return job;
  }
  throw new Error(`job ${jobId} never ended`);
}

describe("Userpilot simulator: when a job ends", () => {
  it("stepMs 0 ends a job the first time it is looked at", async () => {
    const { up } = setup({ stepMs: 0, pollsPerStep: 100 });
    const job = await submit(up, ["u-1"]);
    expect(await poll(up, job)).toMatchObject({ status: "completed", completed_rows: 1 });
  });

  it("a job's steps are the more of its polls' and its stepMs', not their sum", async () => {
    let now = START;
    const { up } = setup({ stepMs: 1_000, now: () => now });
    const job = await submit(up, ["u-1"]);
    now += 1_000;
    // One step by the clock, one by this poll: the job is one step on.
    expect(await poll(up, job)).toMatchObject({ status: "validating" });
    expect(await poll(up, job)).toMatchObject({ status: "processing" });
  });

  it("a job ended by polls before its stepMs are up ends at the poll, never in the future", async () => {
    let now = START;
    const { up } = setup({ stepMs: 60_000, now: () => now });
    const job = await submit(up, ["u-1"]);
    now += 1_000;
    const done = await finish(up, job);
    expect(done).toMatchObject({
      status: "completed",
      elapsed_time: 1,
      end_time: new Date(START + 1_000).toISOString(),
    });
  });

  it("the job list ends a job whose time is up: completed, at the time its steps were done", async () => {
    let now = START;
    const { up } = setup({ stepMs: 1_000, pollsPerStep: 100, now: () => now });
    const accepted = await up.bulkIdentifyUsers({ body: { users: users(["u-1"]) } });
    if (!accepted.ok) throw new Error(accepted.error.message);
    expect(accepted.data).toMatchObject({ status: "queued", end_time: null });
    now += 5_000;
    const listed = await up.listBackgroundJobs();
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.data).toMatchObject([
      {
        job_id: accepted.data.job_id,
        status: "completed",
        completed_rows: 1,
        end_time: new Date(START + 3_000).toISOString(),
      },
    ]);
  });

  it("jobs() ends a job whose time is up, without a poll", async () => {
    let now = START;
    const { sim, up } = setup({ stepMs: 1_000, pollsPerStep: 100, now: () => now });
    const job = await submit(up, ["u-1"]);
    now += 5_000;
    expect(sim.jobs()).toMatchObject([{ job_id: job, status: "completed" }]);
  });

  it("counts in a job's ticks only the polls made while it ran", async () => {
    const { sim, up } = setup();
    const job = await submit(up, ["u-1"]);
    await finish(up, job);
    await poll(up, job);
    await poll(up, job);
    expect(sim.jobs()).toMatchObject([{ job_id: job, status: "completed", ticks: 3 }]);
  });

  it("a job whose time is up is not running: startForeignJob does not throw for it", async () => {
    const { sim, up } = setup({ stepMs: 0 });
    const job = await submit(up, ["u-1"]);
    const foreign = sim.startForeignJob({ pollsPerStep: Number.POSITIVE_INFINITY });
    expect(sim.jobs()).toMatchObject([
      { job_id: job, status: "completed" },
      { job_id: foreign, foreign: true },
    ]);
  });
});

describe("Userpilot simulator: what a job writes", () => {
  it("a request naming a user twice writes one user, metadata merged in order, by that one job", async () => {
    const { sim, up } = setup();
    const result = await up.bulkIdentifyUsers({
      body: {
        users: [
          { user_id: "u-1", metadata: { plan: "free", seats: 2 } },
          { user_id: "u-1", metadata: { plan: "pro" } },
        ],
      },
    });
    if (!result.ok) throw new Error(result.error.message);
    await finish(up, result.data.job_id);
    expect(sim.users()).toEqual([
      { user_id: "u-1", metadata: { plan: "pro", seats: 2 }, writers: [result.data.job_id] },
    ]);
  });
  it("companies() names the job that wrote each company", async () => {
    const { sim, up } = setup();
    const result = await up.bulkIdentifyCompanies({
      body: { companies: [{ company_id: "c-1", metadata: { tier: "gold" } }] },
    });
    if (!result.ok) throw new Error(result.error.message);
    await finish(up, result.data.job_id);
    expect(sim.companies()).toEqual([
      { company_id: "c-1", metadata: { tier: "gold" }, writers: [result.data.job_id] },
    ]);
  });
});

describe("Userpilot simulator: failed jobs", () => {
  it("counts the rows of one set of ids in rejected once, however often a job of it fails", async () => {
    const { sim, up } = setup({ failJobs: () => true });
    expect((await finish(up, await submit(up, ["u-1", "u-2"]))).status).toBe("failed");
    expect((await finish(up, await submit(up, ["u-2", "u-1"]))).status).toBe("failed");
    expect(sim.stats()).toMatchObject({ users: 0, rejected: 2, jobs: 2 });
  });

  it("a set of ids sent again after its job failed is no duplicate", async () => {
    const { sim, up } = setup({ failJobs: (job) => job.index === 1 });
    expect((await finish(up, await submit(up, ["u-1"]))).status).toBe("failed");
    expect((await finish(up, await submit(up, ["u-1"]))).status).toBe("completed");
    expect(sim.stats()).toMatchObject({ users: 1, duplicates: 0, jobs: 2 });
  });

  it("a job both rejectRate and failJobs would fail says it was rejectRate", async () => {
    const { sim, up } = setup({ faults: { reject: () => true }, failJobs: () => true });
    const job = await finish(up, await submit(up, ["u-1"]));
    expect(job["error"]).toBe("the simulator rejected this job (rejectRate)");
    expect(sim.jobs()[0]?.failure).toBe("the simulator rejected this job (rejectRate)");
  });

  it("failJobs decides only the client's jobs: a foreign job is never asked about, nor failed", async () => {
    const asked: UserpilotJobInfo[] = [];
    const { sim, up } = setup({
      failJobs: (job) => {
        asked.push(job);
        return true;
      },
    });
    const foreign = sim.startForeignJob({ rows: 5 });
    const done = await finish(up, foreign);
    expect(done).toMatchObject({ status: "completed", total_rows: 5 });
    expect(done).not.toHaveProperty("error");
    expect(asked).toEqual([]);
  });
});

describe("Userpilot simulator: a foreign job started earlier", () => {
  it("lists the foreign job with the start time it was given", async () => {
    const { sim, up } = setup({ now: () => START });
    const foreign = sim.startForeignJob({ rows: 3, startedAt: START - 90_000 });
    const listed = await up.listBackgroundJobs();
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.data).toMatchObject([
      {
        job_id: foreign,
        total_rows: 3,
        start_time: new Date(START - 90_000).toISOString(),
        elapsed_time: 90,
      },
    ]);
  });
});

describe("Userpilot simulator: a body's size", () => {
  it("is counted in UTF-8 bytes: for maxBytes, the 413's details and the job's file_size", async () => {
    const text = JSON.stringify({ users: [{ user_id: "zoë", metadata: { city: "Zürich" } }] });
    const bytes = Buffer.byteLength(text);
    const send = (maxBytes: number) => {
      setup({ maxBytes });
      return fetch(`${HOSTS.userpilot}/v1/users/bulk_identify`, {
        method: "POST",
        headers: { Authorization: "Token sim-key", "Content-Type": "application/json" },
        body: text,
      });
    };
    const over = await send(bytes - 1);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({
      errors: [
        { details: `The request body must not exceed ${bytes - 1} bytes; it has ${bytes}.` },
      ],
    });
    const fits = await send(bytes);
    expect(fits.status).toBe(202);
    expect(await fits.json()).toMatchObject({ file_size: bytes });
  });
});

describe("Userpilot simulator: a body that is not JSON", () => {
  it("answers 400 invalid_json, not the invalid_input of a body the spec refuses", async () => {
    const { sim } = setup();
    const answer = await fetch(`${HOSTS.userpilot}/v1/users/bulk_identify`, {
      method: "POST",
      headers: { Authorization: "Token sim-key", "Content-Type": "application/json" },
      body: '{"users": [',
    });
    expect(answer.status).toBe(400);
    // No example in the spec shows this code: the label and message are the status's own words.
    expect(await answer.json()).toEqual({
      errors: [
        {
          error: "bad_request",
          error_code: "invalid_json",
          message: "Bad request",
          details: "The request body is not valid JSON.",
        },
      ],
    });
    expect(sim.stats().jobs).toBe(0);
  });

  it("answers a path it does not serve with 404 not_found in the same envelope", async () => {
    setup();
    const answer = await fetch(`${HOSTS.userpilot}/v1/no_such_thing`, {
      headers: { Authorization: "Token sim-key" },
    });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({
      errors: [{ error: "not_found", error_code: "not_found", message: "Not found" }],
    });
  });
});
