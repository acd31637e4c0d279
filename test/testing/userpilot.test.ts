// The Userpilot simulator, driven by the project's typed client through msw and over loopback HTTP.
import { http, passthrough } from "msw";
import { describe, expect, it } from "vitest";
import { document } from "../../generated/userpilot.document.js";
import { createUserpilotClient, type UserpilotClient } from "../../src/userpilot/client.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { createRequestValidator } from "../../src/testing/request-validator.js";
import { serveSimulator } from "../../src/testing/serve.js";
import {
  createUserpilotSimulator,
  type UserpilotSimulatorOptions,
} from "../../src/testing/userpilot.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const schema = createRequestValidator(document);
const conforms = (name: string, body: unknown) =>
  expect(schema(`#/components/schemas/${name}`, body)).toEqual([]);

function setup(options: UserpilotSimulatorOptions = {}, apiKey = "sim-key") {
  const sim = createUserpilotSimulator(options);
  server.use(...simulatorHandlers(sim, HOSTS.userpilot));
  const up = createUserpilotClient({ apiKey, maxRetries: 0, sleep: async () => {} });
  return { sim, up };
}

const users = (n: number, prefix = "u") =>
  Array.from({ length: n }, (_, i) => ({
    user_id: `${prefix}-${i + 1}`,
    company_id: "c-1",
    metadata: { plan: "pro", seats: i, active: true, note: null },
  }));

async function submit(up: UserpilotClient, list: ReturnType<typeof users>) {
  const result = await up.bulkIdentifyUsers({ body: { users: list } });
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

async function poll(up: UserpilotClient, jobId: string) {
  const result = await up.getBackgroundJob({ params: { path: { job_id: jobId } } });
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

async function finish(up: UserpilotClient, jobId: string) {
  for (let i = 0; i < 20; i++) {
    const job = await poll(up, jobId);
    if (job.status === "completed" || job.status === "failed") return job;
  }
  throw new Error("job never ended");
}

describe("Userpilot simulator: bulk identify and background jobs", () => {
  it("accepts users with 202, walks queued → validating → processing → completed, then stores them", async () => {
    const { sim, up } = setup();
    const job = await submit(up, users(3));
    conforms("BackgroundJob", job);
    expect(job).toMatchObject({ status: "queued", total_rows: 3 });
    expect(job.job_id).toMatch(/^users:1:[0-9a-f]{8}$/);
    expect(sim.users()).toEqual([]);

    const walk: string[] = [];
    for (let i = 0; i < 3; i++) {
      const status = await poll(up, job.job_id);
      conforms("BackgroundJobStatus", status);
      walk.push(status.status);
    }
    expect(walk).toEqual(["validating", "processing", "completed"]);
    const done = await poll(up, job.job_id);
    expect(done).toMatchObject({ status: "completed", total_rows: 3, completed_rows: 3 });
    expect(typeof done.end_time).toBe("string");

    expect(sim.users()).toEqual([
      { user_id: "u-1", company_id: "c-1", metadata: users(3)[0]!.metadata, writers: [job.job_id] },
      { user_id: "u-2", company_id: "c-1", metadata: users(3)[1]!.metadata, writers: [job.job_id] },
      { user_id: "u-3", company_id: "c-1", metadata: users(3)[2]!.metadata, writers: [job.job_id] },
    ]);
    const stats = sim.stats();
    expect(stats).toMatchObject({ users: 3, duplicateWrites: 0, rejected: 0, jobs: 1 });
    expect(stats.requests).toEqual({
      "POST /v1/users/bulk_identify": 1,
      "GET /v1/background_jobs/{job_id}": 4,
    });
  });

  it("decodes the URL-encoded job id (the client encodes ':')", async () => {
    const { up } = setup();
    const seen: string[] = [];
    server.events.on("request:start", ({ request }) => seen.push(new URL(request.url).pathname));
    const job = await submit(up, users(1));
    await poll(up, job.job_id);
    server.events.removeAllListeners("request:start");
    expect(seen[1]).toBe(`/v1/background_jobs/${encodeURIComponent(job.job_id)}`);
    expect(seen[1]).toContain("%3A");
  });

  it("moves one step per pollsPerStep polls", async () => {
    const { up } = setup({ pollsPerStep: 2 });
    const job = await submit(up, users(1));
    const walk: string[] = [];
    for (let i = 0; i < 6; i++) walk.push((await poll(up, job.job_id)).status);
    expect(walk).toEqual([
      "queued",
      "validating",
      "validating",
      "processing",
      "processing",
      "completed",
    ]);
  });

  it("ends a job by ticks at its start on the clock, however late they came", async () => {
    // A client learns its jobs' pace from end_time − start_time: late polls must not teach it a slow one.
    let now = Date.parse("2026-01-01T00:00:00Z");
    const { up } = setup({ now: () => now });
    const job = await submit(up, users(1));
    now += 60_000;
    for (let i = 0; i < 2; i++) await poll(up, job.job_id);
    expect(await poll(up, job.job_id)).toMatchObject({
      status: "completed",
      elapsed_time: 0,
      end_time: "2026-01-01T00:00:00.000Z",
    });
  });

  it("moves by the clock with stepMs", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const { up } = setup({ stepMs: 1000, pollsPerStep: 100, now: () => now });
    const job = await submit(up, users(1));
    expect((await poll(up, job.job_id)).status).toBe("queued");
    now += 2000;
    expect((await poll(up, job.job_id)).status).toBe("processing");
    now += 1000;
    expect(await poll(up, job.job_id)).toMatchObject({
      status: "completed",
      elapsed_time: 3,
      start_time: "2026-01-01T00:00:00.000Z",
      end_time: "2026-01-01T00:00:03.000Z",
    });
  });

  it("identifies companies", async () => {
    const { sim, up } = setup();
    const accepted = await up.bulkIdentifyCompanies({
      body: {
        companies: [{ company_id: "c-1", metadata: { tier: "gold" } }, { company_id: "c-2" }],
      },
    });
    if (!accepted.ok) throw new Error(accepted.error.message);
    expect(accepted.data.job_id).toMatch(/^companies:1:/);
    expect((await finish(up, accepted.data.job_id)).status).toBe("completed");
    expect(sim.companies().map((c) => c.company_id)).toEqual(["c-1", "c-2"]);
    expect(sim.stats()).toMatchObject({ companies: 2, users: 0 });
  });

  it("lists background jobs as a bare array", async () => {
    const { up } = setup();
    const empty = await up.listBackgroundJobs();
    expect(empty.ok && empty.data).toEqual([]);
    const job = await submit(up, users(2));
    const listed = await up.listBackgroundJobs();
    if (!listed.ok) throw new Error(listed.error.message);
    conforms("BackgroundJobList", listed.data);
    expect(listed.data).toMatchObject([{ job_id: job.job_id, status: "queued", total_rows: 2 }]);
  });

  // Userpilot's reference lists `x-request-id` on the 202 of both bulk identify calls and the 200 of both
  // job reads (specs/userpilot.yaml, components/headers/RequestId).
  it("gives every 202 and 200 an X-Request-Id, a new one each time", async () => {
    const sim = createUserpilotSimulator();
    const send = (path: string, body?: unknown) =>
      sim.handle(
        new Request(`${HOSTS.userpilot}${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { Authorization: "Token sim-key", "Content-Type": "application/json" },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        }),
      );
    const accepted = await send("/v1/users/bulk_identify", { users: users(1) });
    const { job_id } = (await accepted.json()) as { job_id: string };
    const answers = [
      accepted,
      await send(`/v1/background_jobs/${encodeURIComponent(job_id)}`),
      await send("/v1/background_jobs"),
    ];
    for (let i = 0; i < 3; i++) await send(`/v1/background_jobs/${encodeURIComponent(job_id)}`);
    answers.push(await send("/v1/companies/bulk_identify", { companies: [{ company_id: "c" }] }));
    expect(answers.map((a) => a.status)).toEqual([202, 200, 200, 202]);
    const ids = answers.map((a) => a.headers.get("x-request-id"));
    expect(ids.every((id) => typeof id === "string" && id !== "")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("answers 404 job_not_found for an unknown job", async () => {
    const { up } = setup();
    const result = await up.getBackgroundJob({ params: { path: { job_id: "users:9:nope" } } });
    if (result.ok || result.error.status !== 404) throw new Error("expected 404");
    expect(result.error.body.errors?.[0]?.error_code).toBe("job_not_found");
  });
});

describe("Userpilot simulator: one bulk job at a time", () => {
  it("answers 409 while a job runs, and accepts once it has ended", async () => {
    const { sim, up } = setup({ pollsPerStep: 3 });
    const first = await submit(up, users(2));
    const second = await up.bulkIdentifyUsers({ body: { users: users(2, "v") } });
    if (second.ok || second.error.status !== 409) throw new Error("expected 409");
    expect(second.error.body.errors?.[0]).toMatchObject({
      error: "conflict",
      error_code: "job_already_running",
    });
    expect(second.error.body.errors?.[0]?.details).toContain(first.job_id);
    await finish(up, first.job_id);
    const third = await submit(up, users(2, "v"));
    expect(third.job_id).toMatch(/^users:2:/);
    expect(sim.stats()).toMatchObject({ conflicts: 1, jobs: 2 });
  });

  it("a foreign job blocks with 409 until it ends; each turned-away request lets time pass", async () => {
    const { sim, up } = setup();
    const foreign = sim.startForeignJob();
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await up.bulkIdentifyUsers({ body: { users: users(1) } });
      statuses.push(result.ok ? result.status : result.error.status);
      if (result.ok) break;
    }
    expect(statuses).toEqual([409, 409, 202]);
    expect(sim.jobs()).toMatchObject([
      { job_id: foreign, foreign: true, status: "completed" },
      { foreign: false, status: "queued" },
    ]);
    // A foreign job writes nothing and rejects nothing.
    expect(sim.stats()).toMatchObject({ users: 0, rejected: 0, conflicts: 2 });
  });

  it("what jobs() returns is a copy: changing it changes no job", async () => {
    const { sim, up } = setup();
    const job = await submit(up, users(2));
    // A test may sort or edit the list; the job writes the users its request named.
    sim.jobs()[0]!.ids.splice(0, 2, "x-1", "x-2");
    await finish(up, job.job_id);
    expect(sim.users().map((user) => user.user_id)).toEqual(["u-1", "u-2"]);
  });

  it("a job its clock has not reached yet (started after now()) reports 0 rows done, never fewer", async () => {
    const { sim, up } = setup({ rowsPerMinute: 60, now: () => 1_000_000 });
    const foreign = sim.startForeignJob({ rows: 10, startedAt: 1_060_000 });
    const job = await poll(up, foreign);
    conforms("BackgroundJobStatus", job);
    expect(job).toMatchObject({ status: "processing", completed_rows: 0, total_rows: 10 });
  });

  it("at rowsPerMinute a job reports the rows finished, and ends when the last one is done", async () => {
    const start = Date.parse("2026-03-01T10:00:00.000Z");
    let clock = start;
    const { up } = setup({ rowsPerMinute: 7, now: () => clock });
    const job = await submit(up, users(2));
    // A row every 60/7 s: the first done at 8.57 s, the second at 17.142857 s.
    clock = start + 10_000;
    expect(await poll(up, job.job_id)).toMatchObject({ status: "processing", completed_rows: 1 });
    clock = start + 20_000;
    expect(await poll(up, job.job_id)).toMatchObject({
      status: "completed",
      completed_rows: 2,
      end_time: new Date(start + 17_143).toISOString(),
    });
  });

  it("a foreign job with pollsPerStep Infinity never ends", async () => {
    const { sim, up } = setup();
    sim.startForeignJob({ pollsPerStep: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 5; i++) {
      const result = await up.bulkIdentifyUsers({ body: { users: users(1) } });
      expect(!result.ok && result.error.status).toBe(409);
    }
    expect(() => sim.startForeignJob()).toThrow(/still running/);
  });
});

describe("Userpilot simulator: failures and duplicates", () => {
  it("rejectRate fails whole jobs: nothing written, their rows counted as rejected", async () => {
    const { sim, up } = setup({ faults: { rejectRate: 1 } });
    const job = await submit(up, users(4));
    const done = await finish(up, job.job_id);
    conforms("BackgroundJobStatus", done);
    expect(done).toMatchObject({ status: "failed", total_rows: 4, completed_rows: 0 });
    expect(done["error"]).toMatch(/rejectRate/);
    expect(sim.stats()).toMatchObject({ users: 0, rejected: 4 });
  });

  it("failJobs picks the jobs that fail", async () => {
    const { sim, up } = setup({ failJobs: (job) => job.index === 2 });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await submit(up, users(2, `b${i}`));
      outcomes.push((await finish(up, job.job_id)).status);
    }
    expect(outcomes).toEqual(["completed", "failed", "completed"]);
    expect(sim.stats()).toMatchObject({ users: 4, rejected: 2 });
    expect(sim.users().map((u) => u.user_id)).toEqual(["b0-1", "b0-2", "b2-1", "b2-2"]);
  });

  it("counts a user_id written again by a job for other ids as a rewrite, metadata merged", async () => {
    const { sim, up } = setup();
    await finish(up, (await submit(up, users(2))).job_id);
    const again = [{ user_id: "u-2", metadata: { plan: "team" } }] as ReturnType<typeof users>;
    await finish(up, (await submit(up, again)).job_id);
    expect(sim.stats()).toMatchObject({ users: 2, rewrites: 1, duplicates: 0 });
    expect(sim.users()[1]).toMatchObject({
      user_id: "u-2",
      company_id: "c-1",
      metadata: { plan: "team", seats: 1, active: true, note: null },
    });
  });
});

describe("Userpilot simulator: refusals", () => {
  it("answers 401 for a wrong key", async () => {
    const { sim, up } = setup({}, "wrong");
    const result = await up.bulkIdentifyUsers({ body: { users: users(1) } });
    if (result.ok || result.error.status !== 401) throw new Error("expected 401");
    expect(result.error.body.errors?.[0]?.error_code).toBe("invalid_api_key");
    const bare = await sim.handle(new Request(`${HOSTS.userpilot}/v1/background_jobs`));
    expect(bare.status).toBe(401);
    expect(sim.stats().jobs).toBe(0);
  });

  it("names a problem of the body as a whole by the path /", async () => {
    const { sim, up } = setup();
    const bad = await up.bulkIdentifyUsers({ body: {} as never });
    if (bad.ok || bad.error.status !== 400) throw new Error("expected 400");
    expect(bad.error.body.errors?.[0]?.details).toBe("/ must have required property 'users'");
    expect(sim.stats().jobs).toBe(0);
  });

  it("answers a spec-invalid body with 400 listing the problems", async () => {
    const { sim, up } = setup();
    const bad = await up.bulkIdentifyUsers({
      body: {
        users: [{ user_id: "" }, { metadata: { nested: { a: 1 } } }] as unknown as ReturnType<
          typeof users
        >,
      },
    });
    if (bad.ok || bad.error.status !== 400) throw new Error("expected 400");
    const detail = bad.error.body.errors?.[0];
    expect(detail?.error_code).toBe("invalid_input");
    expect(detail?.details).toMatch(/\/users\/0\/user_id must NOT have fewer than 1 characters/);
    expect(detail?.details).toMatch(/\/users\/1 must have required property 'user_id'/);
    expect(detail?.details).toMatch(
      /\/users\/1\/metadata\/nested must be string,number,boolean,null/,
    );
    expect(sim.stats().jobs).toBe(0);
  });

  it("refuses more than 10,000 users with 400", async () => {
    const result = await setup().up.bulkIdentifyUsers({ body: { users: users(10_001) } });
    if (result.ok || result.error.status !== 400) throw new Error("expected 400");
    expect(result.error.body.errors?.[0]?.error_code).toBe("invalid_input");
  });

  it("answers 413 for a body over maxBytes", async () => {
    const { sim, up } = setup({ maxBytes: 200 });
    const result = await up.bulkIdentifyUsers({ body: { users: users(5) } });
    if (result.ok || result.error.status !== 413) throw new Error("expected 413");
    expect(result.error.body.errors?.[0]?.error_code).toBe("payload_too_large");
    expect((await up.bulkIdentifyUsers({ body: { users: users(1) } })).ok).toBe(true);
    expect(sim.stats().jobs).toBe(1);
  });
});

describe("Userpilot simulator: faults as the client sees them", () => {
  const body = { body: { users: users(1) } };
  const withFaults = (faults: FaultOptions) => setup({ faults }).up;

  it("429 carries Retry-After and the error body", async () => {
    const result = await withFaults({ rate429: 1, retryAfterSeconds: 30 }).bulkIdentifyUsers(body);
    if (result.ok || result.error.status !== 429) throw new Error("expected 429");
    expect(result.error.retryAfter).toBe(30);
    expect(result.error.body.errors?.[0]?.error_code).toBe("rate_limit_exceeded");
  });

  it("5xx (declared UNCONFIRMED in the spec): 500, then 503, each typed with its body", async () => {
    const up = withFaults({ rate5xx: 1 });
    const first = await up.bulkIdentifyUsers(body);
    expect(
      !first.ok && first.error.status === 500 && first.error.body.errors?.[0]?.error_code,
    ).toBe("internal_error");
    const second = await up.listBackgroundJobs();
    expect(
      !second.ok && second.error.status === 503 && second.error.body.errors?.[0]?.error_code,
    ).toBe("service_unavailable");
  });

  it("a dropped connection is the network variant", async () => {
    const result = await withFaults({ rateDrop: 1 }).bulkIdentifyUsers(body);
    expect(!result.ok && result.error.status).toBe("network");
  });

  it("a slow answer beyond the client's timeout is the timeout variant", async () => {
    const sim = createUserpilotSimulator({ faults: { rateSlow: 1, slowMs: 300 } });
    server.use(...simulatorHandlers(sim, HOSTS.userpilot));
    const up = createUserpilotClient({ apiKey: "sim-key", maxRetries: 0, timeoutMs: 20 });
    const result = await up.listBackgroundJobs();
    expect(!result.ok && result.error.status).toBe("timeout");
    expect(sim.stats().faults).toEqual({ slow: 1 });
  });

  it("setFaults switches faults on and off, keeping the counts", async () => {
    const { sim, up } = setup({ faults: { rate429: 1 } });
    expect((await up.bulkIdentifyUsers(body)).ok).toBe(false);
    sim.setFaults({});
    expect((await up.bulkIdentifyUsers(body)).ok).toBe(true);
    expect(sim.stats()).toMatchObject({ faults: { "429": 1 }, jobs: 1 });
  });
});

describe("Userpilot simulator over loopback HTTP", () => {
  it("serves bulk identify and job polling under a base path", async () => {
    const sim = createUserpilotSimulator({ basePath: "/up", apiKey: "up-key" });
    const running = await serveSimulator(sim);
    server.use(http.all(`${running.url}/*`, () => passthrough()));
    try {
      const up = createUserpilotClient({
        apiKey: "up-key",
        baseUrl: `${running.url}/up`,
        maxRetries: 0,
        sleep: async () => {},
      });
      const job = await submit(up, users(2));
      expect((await finish(up, job.job_id)).status).toBe("completed");
      expect(sim.stats()).toMatchObject({ users: 2, duplicateWrites: 0 });
      const outside = await fetch(`${running.url}/v1/background_jobs`, {
        headers: { Authorization: "Token up-key" },
      });
      expect(outside.status).toBe(404);
    } finally {
      await running.close();
    }
  });

  it("drops the connection: the network variant", async () => {
    const sim = createUserpilotSimulator({ faults: { rateDrop: 1 } });
    const running = await serveSimulator(sim);
    server.use(http.all(`${running.url}/*`, () => passthrough()));
    try {
      const up = createUserpilotClient({ apiKey: "sim-key", baseUrl: running.url, maxRetries: 0 });
      const result = await up.bulkIdentifyUsers({ body: { users: users(1) } });
      expect(!result.ok && result.error.status).toBe("network");
      expect(sim.stats().faults).toEqual({ drop: 1 });
    } finally {
      await running.close();
    }
  });
});
