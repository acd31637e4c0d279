// The FullStory simulator, driven by the project's typed client through msw and over loopback HTTP.
import { http, passthrough } from "msw";
import { describe, expect, it } from "vitest";
import { document } from "../../generated/fullstory.document.js";
import type { components } from "../../generated/fullstory.js";
import { createFullStoryClient, type FullStoryClient } from "../../src/fullstory/client.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import {
  createFullStorySimulator,
  type FullStorySimulator,
  type FullStorySimulatorOptions,
} from "../../src/testing/fullstory.js";
import { importUsers } from "../../src/fullstory/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryUser } from "../../src/testing/fixtures/fullstory.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { createRequestValidator } from "../../src/testing/request-validator.js";
import { serveSimulator } from "../../src/testing/serve.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const schema = createRequestValidator(document);
const conforms = (name: string, body: unknown) =>
  expect(schema(`#/components/schemas/${name}`, body)).toEqual([]);

function setup(
  options: FullStorySimulatorOptions = {},
  client: { apiKey?: string; maxRetries?: number } = {},
) {
  const sim = createFullStorySimulator(options);
  server.use(...simulatorHandlers(sim, HOSTS.fullstory));
  const fs = createFullStoryClient({
    apiKey: client.apiKey ?? "sim-key",
    maxRetries: client.maxRetries ?? 0,
    sleep: async () => {},
  });
  return { sim, fs };
}

const users = (n: number, prefix = "u") =>
  Array.from({ length: n }, (_, i) => ({
    uid: `${prefix}-${i + 1}`,
    email: `${prefix}${i + 1}@example.com`,
    properties: { plan: "pro", seats: i },
  }));

type BatchItem = components["schemas"]["BatchUserImportRequest"];

async function createJob(fs: FullStoryClient, requests: BatchItem[], key?: string) {
  const result = await fs.createBatchImport({
    body: { requests },
    ...(key !== undefined && { params: { header: { "Idempotency-Key": key } } }),
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.data.job;
}

async function poll(fs: FullStoryClient, id: string) {
  const result = await fs.getBatchImportStatus({ params: { path: { job_id: id } } });
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

/** Polls until the job ends. */
async function finish(fs: FullStoryClient, id: string) {
  for (let i = 0; i < 10; i++) {
    const status = await poll(fs, id);
    if (status.job.status !== "PROCESSING") return status;
  }
  throw new Error("job never ended");
}

describe("FullStory simulator: batch import", () => {
  it("runs a job: PROCESSING for processingPolls polls, then COMPLETED, with paged imports", async () => {
    const { sim, fs } = setup({ pageSize: 2 });
    const job = await createJob(fs, users(5));
    expect(job.status).toBe("PROCESSING");
    conforms("JobMetadata", job);

    const processing = await fs.getBatchImports({ params: { path: { job_id: job.id } } });
    expect(processing.ok && processing.status).toBe(202);
    const errorsEarly = await fs.getBatchImportErrors({ params: { path: { job_id: job.id } } });
    expect(errorsEarly.ok && errorsEarly.status).toBe(202);

    expect((await poll(fs, job.id)).job.status).toBe("PROCESSING");
    expect((await poll(fs, job.id)).job.status).toBe("PROCESSING");
    const done = await poll(fs, job.id);
    conforms("BatchImportStatusResponse", done);
    expect(done).toMatchObject({ imports: 5, errors: 0, job: { id: job.id, status: "COMPLETED" } });
    expect(done.job.finished).toBeDefined();

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await fs.getBatchImports({
        params: {
          path: { job_id: job.id },
          query: token === undefined ? {} : { page_token: token },
        },
      });
      if (!page.ok || page.status !== 200) throw new Error("expected a page");
      conforms("BatchImportsResponse", page.data);
      expect(page.data.total_records).toBe("5");
      seen.push(...page.data.results.map((u) => u.uid ?? ""));
      token = page.data.next_page_token;
      pages += 1;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(["u-1", "u-2", "u-3", "u-4", "u-5"]);

    const errors = await fs.getBatchImportErrors({ params: { path: { job_id: job.id } } });
    expect(errors.ok && errors.status === 200 && errors.data).toEqual({
      results: [],
      total_records: "0",
    });

    expect(sim.users().map((u) => u.uid)).toEqual(["u-1", "u-2", "u-3", "u-4", "u-5"]);
    expect(sim.jobs()).toMatchObject([{ id: job.id, status: "COMPLETED", polls: 3, imports: 5 }]);
    const stats = sim.stats();
    expect(stats).toMatchObject({ users: 5, duplicateWrites: 0, rejected: 0, jobs: 1 });
    expect(stats.requests["POST /v2/users/batch"]).toBe(1);
    expect(stats.requests["GET /v2/users/batch/{job_id}"]).toBe(3);
    expect(stats.requests["GET /v2/users/batch/{job_id}/imports"]).toBe(4);
  });

  it("ends a job when its time is up, not when it is polled: `finished` says nothing of the polls", async () => {
    // A client learns its jobs' pace from `finished`: a job polled late must not teach it a slow one.
    let now = Date.parse("2026-01-01T00:00:00Z");
    const byPolls = setup({ now: () => now });
    const polled = await createJob(byPolls.fs, users(2));
    now += 60_000;
    const late = await finish(byPolls.fs, polled.id);
    expect(late.job.finished).toBe(polled.created);

    const byTime = setup({ now: () => now, processingMs: 1_000 });
    const timed = await createJob(byTime.fs, users(2, "t"));
    now += 60_000;
    const done = await finish(byTime.fs, timed.id);
    expect(Date.parse(done.job.finished ?? "") - Date.parse(timed.created)).toBe(1_000);
  });

  it("returns the schema with include_schema=true, declared types over inferred ones", async () => {
    const { fs } = setup({ processingPolls: 0 });
    const job = await createJob(fs, [
      {
        uid: "s-1",
        properties: { seats: 3, plan: "pro", signup: { date: "2024-01-01T00:00:00Z" } },
      },
    ]);
    await finish(fs, job.id);
    const page = await fs.getBatchImports({
      params: { path: { job_id: job.id }, query: { include_schema: true } },
    });
    if (!page.ok || page.status !== 200) throw new Error("expected a page");
    conforms("BatchImportsResponse", page.data);
    expect(page.data.results[0]?.schema).toEqual({
      properties: { seats: "real", plan: "str", "signup.date": "str" },
    });
  });

  it("answers 404 resource_not_found for an unknown job, on all three job endpoints", async () => {
    const { fs } = setup();
    const path = { params: { path: { job_id: "nope" } } };
    for (const result of [
      await fs.getBatchImportStatus(path),
      await fs.getBatchImports(path),
      await fs.getBatchImportErrors(path),
    ]) {
      if (result.ok || result.error.status !== 404) throw new Error("expected 404");
      expect(result.error.body.code).toBe("resource_not_found");
    }
  });

  it("fails records with rejectRate: FAILED (partial), errors carry the original item", async () => {
    const { sim, fs } = setup({ processingPolls: 0, faults: { rejectRate: 0.3, seed: 5 } });
    const requests = users(20);
    const job = await createJob(fs, requests);
    const done = await finish(fs, job.id);
    expect(done.job.status).toBe("FAILED");
    expect(done.imports).toBeGreaterThan(0);
    expect(done.imports + (done.errors ?? 0)).toBe(20);

    const errors = await fs.getBatchImportErrors({ params: { path: { job_id: job.id } } });
    if (!errors.ok || errors.status !== 200) throw new Error("expected errors");
    conforms("BatchImportErrorsResponse", errors.data);
    const results = errors.data.results ?? [];
    expect(results.length).toBe(done.errors);
    expect(errors.data.total_records).toBe(String(results.length));
    for (const r of results) {
      expect(r.code).toBe("simulated_rejection");
      expect(requests).toContainEqual(r.user);
    }
    const imports = await fs.getBatchImports({ params: { path: { job_id: job.id } } });
    expect(imports.ok && imports.status === 200 && imports.data.results.length).toBe(done.imports);
    expect(sim.stats()).toMatchObject({
      rejected: results.length,
      refused: 0,
      users: done.imports,
    });
  });

  it("fails a record the simulator refuses (a property value over 8192 bytes)", async () => {
    const { sim, fs } = setup({ processingPolls: 0 });
    const big = { uid: "big", properties: { note: "x".repeat(9000) } };
    const job = await createJob(fs, [...users(2), big]);
    expect(await finish(fs, job.id)).toMatchObject({
      imports: 2,
      errors: 1,
      job: { status: "FAILED" },
    });
    const errors = await fs.getBatchImportErrors({ params: { path: { job_id: job.id } } });
    if (!errors.ok || errors.status !== 200) throw new Error("expected errors");
    expect(errors.data.results).toEqual([
      {
        code: "invalid_argument",
        message: "property note: value is 9000 bytes, more than the 8192 allowed",
        user: big,
      },
    ]);
    expect(sim.stats()).toMatchObject({ rejected: 0, refused: 1, users: 2 });
    expect(sim.users().some((u) => u.uid === "big")).toBe(false);
  });

  it("measures the values of a nested object, not the object whole (the spec's lenient reading)", async () => {
    const { fs, sim } = setup({ processingPolls: 0 });
    const nested = {
      uid: "nested",
      properties: { a: { b: "x".repeat(5000), c: "y".repeat(5000) } },
    };
    const over = { uid: "over", properties: { a: { b: "x".repeat(8193) } } };
    const job = await createJob(fs, [nested, over]);
    expect(await finish(fs, job.id)).toMatchObject({ imports: 1, errors: 1 });
    const errors = await fs.getBatchImportErrors({ params: { path: { job_id: job.id } } });
    expect(errors.ok && errors.status === 200 && errors.data.results?.[0]?.message).toBe(
      "property a.b: value is 8193 bytes, more than the 8192 allowed",
    );
    expect(sim.users().map((u) => u.uid)).toEqual(["nested"]);
  });

  it("fails a record whose id names no user with user_not_found", async () => {
    const { fs } = setup({ processingPolls: 0 });
    const job = await createJob(fs, [{ id: "999" }]);
    expect((await finish(fs, job.id)).job.status).toBe("FAILED");
    const errors = await fs.getBatchImportErrors({ params: { path: { job_id: job.id } } });
    expect(errors.ok && errors.status === 200 && errors.data.results?.[0]?.code).toBe(
      "user_not_found",
    );
  });

  it("counts a uid written again by another job as a rewrite, not a duplicate; ids stay stable", async () => {
    const { sim, fs } = setup({ processingPolls: 0 });
    await createJob(fs, users(3));
    await createJob(fs, users(3).slice(2));
    const stats = sim.stats();
    expect(stats.users).toBe(3);
    expect(stats).toMatchObject({ rewrites: 1, duplicates: 0, duplicateWrites: 0 });
    const u3 = sim.users().find((u) => u.uid === "u-3");
    expect(u3?.writers).toHaveLength(2);
    expect(u3?.properties).toEqual({ plan: "pro", seats: 2 });
  });

  it("answers 429 once maxInProgressJobs jobs are in progress", async () => {
    const { fs } = setup({ maxInProgressJobs: 1 });
    await createJob(fs, users(1));
    const second = await fs.createBatchImport({ body: { requests: users(1, "v") } });
    if (second.ok || second.error.status !== 429) throw new Error("expected 429");
    expect(second.error.body.code).toBe("too_many_requests");
    expect(second.error.retryAfter).toBe(1);
  });

  // specs/fullstory.yaml (Limits): "at 200 in-progress jobs or 500,000 operations in flight the batch endpoint
  // answers `429` until some finish".
  it("answers 429 once maxOperationsInFlight users are in jobs in progress, until one ends", async () => {
    const { fs } = setup({ maxOperationsInFlight: 3, processingPolls: 1 });
    const first = await createJob(fs, users(2));
    await createJob(fs, users(1, "v"));
    const third = await fs.createBatchImport({ body: { requests: users(1, "w") } });
    if (third.ok || third.error.status !== 429) throw new Error("expected 429");
    expect(third.error.body.code).toBe("too_many_requests");
    expect(third.error.retryAfter).toBe(1);
    for (let i = 0; i < 2; i++)
      await fs.getBatchImportStatus({ params: { path: { job_id: first.id } } });
    await createJob(fs, users(1, "w"));
  });
});

describe("FullStory simulator: idempotency", () => {
  it("replays the first result for the same key and body: same job, nothing written again", async () => {
    const { sim, fs } = setup({ processingPolls: 0 });
    const first = await createJob(fs, users(3), "key-1");
    const again = await createJob(fs, users(3), "key-1");
    expect(again).toEqual(first);
    expect(sim.jobs()).toHaveLength(1);
    expect(sim.stats()).toMatchObject({ users: 3, duplicateWrites: 0, replays: 1, jobs: 1 });
  });

  it("refuses the same key with a different body with 400 idempotency_key_reused", async () => {
    const { sim, fs } = setup();
    await createJob(fs, users(2), "key-2");
    const other = await fs.createBatchImport({
      body: { requests: users(3) },
      params: { header: { "Idempotency-Key": "key-2" } },
    });
    if (other.ok || other.error.status !== 400) throw new Error("expected 400");
    expect(other.error.body.code).toBe("idempotency_key_reused");
    expect(sim.jobs()).toHaveLength(1);
  });

  it("replays a stored 400 for the same key and body", async () => {
    const { sim, fs } = setup();
    const bad = { body: { requests: [] }, params: { header: { "Idempotency-Key": "key-3" } } };
    const first = await fs.createBatchImport(bad);
    const second = await fs.createBatchImport(bad);
    expect(!first.ok && first.error.status).toBe(400);
    expect(!second.ok && second.error.status).toBe(400);
    expect(sim.stats().replays).toBe(1);
  });

  it("does not store 429 and 5xx results: the same key is processed once the fault is gone", async () => {
    const { sim, fs } = setup({ faults: { rate429: 1 } });
    const call = () =>
      fs.createBatchImport({
        body: { requests: users(2) },
        params: { header: { "Idempotency-Key": "key-4" } },
      });
    expect((await call()).ok).toBe(false);
    sim.setFaults({ rate5xx: 1 });
    expect((await call()).ok).toBe(false);
    sim.setFaults({});
    const result = await call();
    expect(result.ok).toBe(true);
    expect(sim.stats()).toMatchObject({
      jobs: 1,
      users: 2,
      replays: 0,
      faults: { "429": 1, "5xx": 1 },
    });
  });

  it("a retried batch behind 429s imports once (the client keeps its key)", async () => {
    const { sim, fs } = setup({ faults: { rate429: 0.5, seed: 7 } }, { maxRetries: 10 });
    const result = await fs.createBatchImport({ body: { requests: users(4) } });
    expect(result.ok).toBe(true);
    expect(sim.stats()).toMatchObject({ jobs: 1, users: 4, duplicateWrites: 0, replays: 0 });
    expect(sim.stats().faults).toEqual({ "429": 2 });
  });
});

/** Pages through one of a job's lists to its end: the uids listed. */
async function readList(fs: FullStoryClient, id: string, list: "imports" | "errors") {
  const uids: (string | undefined)[] = [];
  let token: string | undefined;
  do {
    const params = {
      path: { job_id: id },
      query: token === undefined ? {} : { page_token: token },
    };
    const page =
      list === "imports"
        ? await fs.getBatchImports({ params })
        : await fs.getBatchImportErrors({ params });
    if (!page.ok || page.status !== 200) throw new Error(`expected a page of ${list}`);
    uids.push(
      ...(page.data.results ?? []).map((entry) => ("user" in entry ? entry.user.uid : entry.uid)),
    );
    token = page.data.next_page_token;
  } while (token !== undefined);
  return uids;
}

/** Creates a job, polls it to its end and reads both its lists, as the adapter does. */
async function runJob(fs: FullStoryClient, requests: BatchItem[], key?: string) {
  const job = await createJob(fs, requests, key);
  await finish(fs, job.id);
  await readList(fs, job.id, "imports");
  await readList(fs, job.id, "errors");
  return job;
}

describe("FullStory simulator: retention recent", () => {
  it("keeps everything by default, read or not", async () => {
    const { sim, fs } = setup({ processingPolls: 0 });
    for (const prefix of ["a", "b", "c"]) await runJob(fs, users(2, prefix));
    expect(sim.jobs().map((job) => job.resultsKept)).toEqual([true, true, true]);
    expect(sim.stats()).toMatchObject({ users: 6, forgottenJobs: 0, forgottenUsers: 0 });
  });

  it("forgets a read job's lists and the users it wrote last once recentJobs later jobs were read", async () => {
    const { sim, fs } = setup({ processingPolls: 0, retention: "recent", recentJobs: 1 });
    const a = await runJob(fs, users(3, "a"), "key-a");
    expect(sim.jobs().map((job) => job.resultsKept)).toEqual([true]);
    const idsOfA = sim.users().map((user) => user.id);

    // b-1 is sent again by the next job: its last writer is that job, so it outlives job a.
    await runJob(fs, [users(3, "a")[0]!, ...users(2, "b")]);
    expect(sim.jobs().map((job) => job.resultsKept)).toEqual([false, true]);
    expect(sim.stats()).toMatchObject({ users: 3, forgottenJobs: 1, forgottenUsers: 2 });
    expect(sim.users().map((user) => user.uid)).toEqual(["a-1", "b-1", "b-2"]);

    const gone = await fs.getBatchImports({ params: { path: { job_id: a.id } } });
    expect(!gone.ok && gone.error.status).toBe(404);
    // Status polls and idempotent replays still answer for a forgotten job.
    expect(await poll(fs, a.id)).toMatchObject({
      imports: 3,
      errors: 0,
      job: { status: "COMPLETED" },
    });
    expect(await createJob(fs, users(3, "a"), "key-a")).toMatchObject({ id: a.id });
    expect(sim.stats().replays).toBe(1);

    // What it gives up: a forgotten user sent again is new, under an id never given before.
    await createJob(fs, users(3, "a").slice(2));
    expect(sim.users().map((user) => user.uid)).toEqual(["a-1", "b-1", "b-2", "a-3"]);
    expect(idsOfA).not.toContain(sim.users().find((user) => user.uid === "a-3")?.id);
    // a-1, sent again while kept, is a rewrite; a-3, sent again once forgotten, is not.
    expect(sim.stats().rewrites).toBe(1);
  });

  it("still counts a rewrite once the user rewritten is forgotten", async () => {
    const { sim, fs } = setup({ processingPolls: 0, retention: "recent", recentJobs: 0 });
    // A chunk re-sent under a new key before the first job was read: its users are written twice.
    const first = await createJob(fs, users(2, "a"), "key-1");
    const second = await createJob(fs, users(2, "a"), "key-2");
    await finish(fs, first.id);
    await finish(fs, second.id);
    expect(sim.stats()).toMatchObject({ rewrites: 2, duplicates: 1 });
    for (const job of [first, second]) await readList(fs, job.id, "imports");
    expect(sim.stats()).toMatchObject({ users: 0, forgottenUsers: 2, rewrites: 2, duplicates: 1 });
  });

  it("keeps a job's lists until both were read to their last page", async () => {
    const { sim, fs } = setup({
      ...{ processingPolls: 0, retention: "recent", recentJobs: 0, pageSize: 2 },
      faults: { reject: (key) => key === "uid:a-2" },
    });
    const job = await createJob(fs, users(5, "a"));
    await finish(fs, job.id);
    const first = await fs.getBatchImports({ params: { path: { job_id: job.id } } });
    expect(first.ok && first.status).toBe(200);
    expect(await readList(fs, job.id, "imports")).toEqual(["a-1", "a-3", "a-4", "a-5"]);
    expect(sim.jobs()[0]?.resultsKept).toBe(true);
    expect(await readList(fs, job.id, "errors")).toEqual(["a-2"]);
    expect(sim.jobs()[0]?.resultsKept).toBe(false);
    expect(sim.stats()).toMatchObject({ users: 0, forgottenUsers: 4 });
  });

  it("imports every user of many small chunks through importUsers, holding only recent jobs", async () => {
    const { sim, fs } = setup({ processingPolls: 0, retention: "recent", recentJobs: 2 });
    const f = seededFaker("retention-recent");
    const input = Array.from({ length: 120 }, (_, i) => {
      const { id: _id, ...user } = fullStoryUser(f);
      return { ...user, uid: `r-${i}` };
    });
    const report = await importUsers(fs, input, {
      chunkRecords: 7,
      pollIntervalMs: 1,
      maxPollIntervalMs: 1,
      sleep: async () => {},
    });
    expect(report).toMatchObject({ total: 120, imported: 120, failed: 0 });
    const ids = report.outcomes.map((o) => (o.outcome === "imported" ? o.id : undefined));
    expect(new Set(ids.filter((id) => id !== undefined)).size).toBe(120);
    const kept = sim.jobs().filter((job) => job.resultsKept).length;
    expect(sim.jobs()).toHaveLength(18);
    expect(kept).toBeLessThanOrEqual(2 + 2);
    expect(sim.stats().forgottenJobs).toBe(18 - kept);
    expect(sim.stats().users).toBeLessThanOrEqual(kept * 7);
  });
});

describe("FullStory simulator: single users", () => {
  it("creates (upserts by uid), gets and updates a user", async () => {
    const { sim, fs } = setup();
    const created = await fs.createUser({
      body: {
        uid: "x-1",
        display_name: "Ada",
        email: "ada@example.com",
        properties: { plan: "free" },
      },
    });
    if (!created.ok) throw new Error(created.error.message);
    conforms("CreateUserResponse", created.data);
    const id = created.data.id;

    const again = await fs.createUser({ body: { uid: "x-1", properties: { seats: 2 } } });
    expect(again.ok && again.data.id).toBe(id);

    const updated = await fs.updateUser({
      params: { path: { id } },
      body: { display_name: "Ada L.", properties: { plan: "pro" } },
    });
    expect(updated.ok && updated.data).toEqual({ id });

    const got = await fs.getUser({ params: { path: { id } } });
    if (!got.ok) throw new Error(got.error.message);
    conforms("GetUserResponse", got.data);
    expect(got.data).toMatchObject({
      id,
      uid: "x-1",
      display_name: "Ada L.",
      email: "ada@example.com",
      is_being_deleted: false,
      properties: { plan: "pro", seats: 2 },
    });
    // Two createUser requests wrote x-1: an upsert, so a rewrite and no duplicate.
    expect(sim.stats()).toMatchObject({ users: 1, rewrites: 1, duplicates: 0 });
  });

  it("refuses to change an identified user's uid (400 invalid_argument: uid is immutable)", async () => {
    const { fs } = setup();
    const created = await fs.createUser({ body: { uid: "x-2" } });
    if (!created.ok) throw new Error(created.error.message);
    const same = await fs.updateUser({
      params: { path: { id: created.data.id } },
      body: { uid: "x-2" },
    });
    expect(same.ok).toBe(true);
    const changed = await fs.updateUser({
      params: { path: { id: created.data.id } },
      body: { uid: "x-3" },
    });
    if (changed.ok || changed.error.status !== 400) throw new Error("expected 400");
    expect(changed.error.body.code).toBe("invalid_argument");
    expect(changed.error.body.message).toMatch(/uid is immutable/);
  });

  it("sets the uid of an anonymous user once", async () => {
    const { sim, fs } = setup();
    const created = await fs.createUser({ body: { display_name: "anon" } });
    if (!created.ok) throw new Error(created.error.message);
    const set = await fs.updateUser({
      params: { path: { id: created.data.id } },
      body: { uid: "x-4" },
    });
    expect(set.ok).toBe(true);
    expect(sim.users()[0]?.uid).toBe("x-4");
  });

  it("answers 404 user_not_found for an unknown user", async () => {
    const { fs } = setup();
    const got = await fs.getUser({ params: { path: { id: "123" } } });
    expect(!got.ok && got.error.status === 404 && got.error.body.code).toBe("user_not_found");
    const updated = await fs.updateUser({
      params: { path: { id: "123" } },
      body: { email: "a@b.c" },
    });
    expect(!updated.ok && updated.error.status).toBe(404);
  });
});

describe("FullStory simulator: refusals", () => {
  it("answers 401 unauthorized for a wrong or missing key", async () => {
    const { sim, fs } = setup({}, { apiKey: "wrong" });
    const result = await fs.createBatchImport({ body: { requests: users(1) } });
    if (result.ok || result.error.status !== 401) throw new Error("expected 401");
    expect(result.error.body).toEqual({ message: "access is unauthorized", code: "unauthorized" });
    const bare = await sim.handle(new Request(`${HOSTS.fullstory}/v2/users/batch/x`));
    expect(bare.status).toBe(401);
    expect(sim.stats().jobs).toBe(0);
  });

  it("answers a spec-invalid body with 400 listing the problems", async () => {
    const { sim, fs } = setup();
    const empty = await fs.createBatchImport({ body: { requests: [] } });
    if (empty.ok || empty.error.status !== 400) throw new Error("expected 400");
    expect(empty.error.body.code).toBe("invalid_argument");
    expect(empty.error.body.message).toMatch(/\/requests must NOT have fewer than 1 items/);

    const bad = await fs.createBatchImport({
      body: { requests: [{ uid: "a".repeat(300), properties: { "1bad": 1 } }] },
    });
    if (bad.ok || bad.error.status !== 400) throw new Error("expected 400");
    expect(bad.error.body.message).toMatch(/uid must NOT have more than 256 characters/);
    expect(bad.error.body.message).toMatch(/property name/);

    const missing = await fs.createBatchImport({ body: {} as { requests: [] } });
    expect(!missing.ok && missing.error.status === 400 && missing.error.body.code).toBe(
      "required_field",
    );
    expect(sim.stats().jobs).toBe(0);
  });

  it("refuses more than 50,000 users with 400", async () => {
    const { sim, fs } = setup();
    const requests = Array.from({ length: 50_001 }, (_, i) => ({ uid: String(i) }));
    const result = await fs.createBatchImport({ body: { requests } });
    if (result.ok || result.error.status !== 400) throw new Error("expected 400");
    expect(result.error.body.message).toMatch(/must NOT have more than 50000 items/);
    expect(sim.stats().users).toBe(0);
  });

  it("refuses a property value over 8192 bytes in createUser with 400", async () => {
    const { fs } = setup();
    const result = await fs.createUser({
      body: { uid: "b", properties: { note: "é".repeat(4097) } },
    });
    expect(!result.ok && result.error.status === 400 && result.error.body.message).toMatch(
      /8194 bytes/,
    );
  });
});

describe("FullStory simulator: faults as the client sees them", () => {
  const batch = { body: { requests: users(1) } };
  const withFaults = (faults: FaultOptions, clientOptions: { maxRetries?: number } = {}) =>
    setup({ faults }, clientOptions).fs;

  it("429 carries Retry-After and too_many_requests", async () => {
    const result = await withFaults({ rate429: 1, retryAfterSeconds: 7 }).createBatchImport(batch);
    if (result.ok || result.error.status !== 429) throw new Error("expected 429");
    expect(result.error.retryAfter).toBe(7);
    expect(result.error.body.code).toBe("too_many_requests");
  });

  it("5xx: 500 server_error, then 503 (declared UNCONFIRMED in the spec), each typed with its body", async () => {
    const fs = withFaults({ rate5xx: 1 });
    const first = await fs.createBatchImport(batch);
    expect(!first.ok && first.error.status === 500 && first.error.body.code).toBe("server_error");
    const second = await fs.createBatchImport(batch);
    expect(!second.ok && second.error.status === 503 && second.error.body.code).toBe(
      "service_unavailable",
    );
  });

  it("a dropped connection is the network variant", async () => {
    const result = await withFaults({ rateDrop: 1 }).createBatchImport(batch);
    expect(!result.ok && result.error.status).toBe("network");
  });

  it("a slow answer beyond the client's timeout is the timeout variant", async () => {
    const sim = createFullStorySimulator({ faults: { rateSlow: 1, slowMs: 300 } });
    server.use(...simulatorHandlers(sim, HOSTS.fullstory));
    const fs = createFullStoryClient({ apiKey: "sim-key", maxRetries: 0, timeoutMs: 20 });
    const result = await fs.getBatchImportStatus({ params: { path: { job_id: "x" } } });
    expect(!result.ok && result.error.status).toBe("timeout");
    expect(sim.stats().faults).toEqual({ slow: 1 });
  });
});

describe("FullStory simulator over loopback HTTP", () => {
  it("serves the batch workflow under a base path", async () => {
    const sim = createFullStorySimulator({ basePath: "/fs", processingPolls: 1, apiKey: "na1.k" });
    const running = await serveSimulator(sim);
    server.use(http.all(`${running.url}/*`, () => passthrough()));
    try {
      const fs = createFullStoryClient({
        apiKey: "na1.k",
        baseUrl: `${running.url}/fs`,
        maxRetries: 0,
        sleep: async () => {},
      });
      const job = await createJob(fs, users(3));
      const done = await finish(fs, job.id);
      expect(done).toMatchObject({ imports: 3, errors: 0, job: { status: "COMPLETED" } });
      const page = await fs.getBatchImports({ params: { path: { job_id: job.id } } });
      expect(page.ok && page.status === 200 && page.data.results.map((u) => u.uid)).toEqual([
        "u-1",
        "u-2",
        "u-3",
      ]);
      const outside = await fetch(`${running.url}/v2/users/batch/${job.id}`, {
        headers: { Authorization: "Basic na1.k" },
      });
      expect(outside.status).toBe(404);
    } finally {
      await running.close();
    }
  });

  it("drops the connection: the network variant", async () => {
    const sim: FullStorySimulator = createFullStorySimulator({ faults: { rateDrop: 1 } });
    const running = await serveSimulator(sim);
    server.use(http.all(`${running.url}/*`, () => passthrough()));
    try {
      const fs = createFullStoryClient({ apiKey: "sim-key", baseUrl: running.url, maxRetries: 0 });
      const result = await fs.createBatchImport({ body: { requests: users(1) } });
      expect(!result.ok && result.error.status).toBe("network");
      expect(sim.stats().faults).toEqual({ drop: 1 });
    } finally {
      await running.close();
    }
  });
});
