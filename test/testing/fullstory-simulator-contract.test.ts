// What the FullStory simulator promises an integrator's tests beyond its main workflow: the
// Idempotency-Key window and what it keeps, bodies it cannot take, its documented defaults, the end of a
// timed job, which user a batch record upserts, property limits, merges and types, `retention: "recent"`
// forgetting, updateUser refusals, `jobs()`, `users()` copies and `rotateKey`.
import { describe, expect, it } from "vitest";
import {
  createFullStorySimulator,
  type FullStorySimulatorOptions,
} from "../../src/testing/fullstory.js";
import { useMswServer } from "../support/msw.js";

// Every answer below is checked against the spec by the msw server's observer.
useMswServer();

const BASE = "https://api.fullstory.com";
const HOUR = 60 * 60 * 1000;

function setup(options: FullStorySimulatorOptions = {}) {
  const sim = createFullStorySimulator(options);
  const send = async (path: string, body?: unknown, key?: string) => {
    const answer = await sim.handle(
      new Request(`${BASE}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: {
          authorization: "Basic sim-key",
          "content-type": "application/json",
          ...(key !== undefined && { "idempotency-key": key }),
        },
        ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
      }),
    );
    const text = await answer.text();
    return { status: answer.status, body: (text === "" ? undefined : JSON.parse(text)) as Json };
  };
  const batch = (requests: unknown[], key?: string) => send("/v2/users/batch", { requests }, key);
  return { sim, send, batch };
}

type Json = Record<string, unknown> & {
  job?: { id: string; status: string };
  code?: string;
  results?: Record<string, unknown>[];
  next_page_token?: string;
};

const users = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ uid: `${prefix}-${i + 1}`, properties: { seats: i } }));

/** Runs one batch job to its end: its imports and the codes of its errors. */
async function run(setupped: ReturnType<typeof setup>, requests: unknown[]) {
  const { send, batch } = setupped;
  const id = (await batch(requests)).body.job?.id ?? "";
  await send(`/v2/users/batch/${id}`);
  const imports = await send(`/v2/users/batch/${id}/imports?include_schema=true`);
  const errors = await send(`/v2/users/batch/${id}/errors`);
  return {
    imports: imports.body.results ?? [],
    errors: errors.body.results?.map((e) => e["code"]),
  };
}
describe("FullStory simulator: the Idempotency-Key window", () => {
  it("replays the first answer for 24 h, then processes the request anew", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const { sim, batch } = setup({ now: () => now });
    const first = await batch(users(2, "a"), "key-1");
    now += 24 * HOUR - 1;
    expect((await batch(users(2, "a"), "key-1")).body.job?.id).toBe(first.body.job?.id);
    // Past the window the key is free again, even for another body.
    now += 1;
    const later = await batch(users(3, "a"), "key-1");
    expect(later.status).toBe(200);
    expect(later.body.job?.id).not.toBe(first.body.job?.id);
    expect(sim.stats()).toMatchObject({ jobs: 2, replays: 1 });
  });

  it("keeps no 429 of its own: the same key and body make a job once jobs ended", async () => {
    const { sim, send, batch } = setup({ maxInProgressJobs: 1, processingPolls: 0 });
    const running = await batch(users(1, "a"));
    const turned = await batch(users(1, "b"), "key-2");
    expect([turned.status, turned.body.code]).toEqual([429, "too_many_requests"]);
    await send(`/v2/users/batch/${running.body.job?.id ?? ""}`);
    const made = await batch(users(1, "b"), "key-2");
    expect(made.status).toBe(200);
    expect(sim.stats()).toMatchObject({ jobs: 2, replays: 0 });
  });

  it("refuses a key used by one operation for another, even with the same body", async () => {
    const { sim, send } = setup();
    // `{}` is a batch missing its `requests` (400) but a valid createUser (an anonymous user).
    const batch = await send("/v2/users/batch", {}, "key-3");
    expect([batch.status, batch.body.code]).toEqual([400, "required_field"]);
    const create = await send("/v2/users", {}, "key-3");
    expect([create.status, create.body.code]).toEqual([400, "idempotency_key_reused"]);
    expect(sim.users()).toEqual([]);
  });
});

describe("FullStory simulator: bodies it cannot take", () => {
  it("answers a body that is not JSON with 400 invalid_argument", async () => {
    const { send } = setup();
    const answer = await send("/v2/users/batch", "{not json");
    expect(answer).toEqual({
      status: 400,
      body: { message: "request body is not valid JSON", code: "invalid_argument" },
    });
  });

  it("names a body missing a field and wrong besides invalid_argument, not required_field", async () => {
    const { send } = setup();
    const answer = await send("/v2/users/batch", { extra: 1 });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("invalid_argument");
    expect(answer.body.message).toMatch(/must have required property 'requests'/);
  });
});

describe("FullStory simulator: documented defaults and edges", () => {
  it("pages 1000 results by default", async () => {
    const { send, batch } = setup({ processingPolls: 0 });
    const job = await batch(users(1001, "p"));
    const id = job.body.job?.id ?? "";
    await send(`/v2/users/batch/${id}`);
    const first = await send(`/v2/users/batch/${id}/imports`);
    expect(first.body.results).toHaveLength(1000);
    const token = first.body.next_page_token ?? "";
    const last = await send(`/v2/users/batch/${id}/imports?page_token=${token}`);
    expect(last.body.results?.map((user) => user.uid)).toEqual(["p-1001"]);
    expect(last.body.next_page_token).toBeUndefined();
  });

  it("keeps 8 read jobs by default with retention recent: a 9th read job forgets the first", async () => {
    const { sim, send, batch } = setup({ processingPolls: 0, retention: "recent" });
    for (let i = 1; i <= 9; i++) {
      const id = (await batch(users(1, `r${i}`))).body.job?.id ?? "";
      await send(`/v2/users/batch/${id}`);
      await send(`/v2/users/batch/${id}/imports`);
      const kept = sim.jobs().map((job) => job.resultsKept);
      expect(kept.filter((k) => !k)).toHaveLength(i === 9 ? 1 : 0);
    }
    expect(sim.jobs()[0]?.resultsKept).toBe(false);
  });

  it("keeps a job's lists with retention recent while a page short of the last was read", async () => {
    const { sim, send, batch } = setup({
      ...{ processingPolls: 0, retention: "recent", recentJobs: 0, pageSize: 1 },
      faults: { reject: (key) => key === "uid:w-3" },
    });
    const id = (await batch(users(3, "w"))).body.job?.id ?? "";
    await send(`/v2/users/batch/${id}`);
    await send(`/v2/users/batch/${id}/errors`);
    const first = await send(`/v2/users/batch/${id}/imports`);
    expect(sim.jobs()[0]?.resultsKept).toBe(true);
    await send(`/v2/users/batch/${id}/imports?page_token=${first.body.next_page_token ?? ""}`);
    expect(sim.jobs()[0]?.resultsKept).toBe(false);
  });

  it("ends a timed job exactly processingMs after its creation", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const { sim, send, batch } = setup({ now: () => now, processingMs: 1_000 });
    const id = (await batch(users(1, "t"))).body.job?.id ?? "";
    now += 999;
    // Until it ends, a job reports none of its users imported or failed.
    expect((await send(`/v2/users/batch/${id}`)).body).toMatchObject({
      ...{ imports: 0, errors: 0 },
      job: { status: "PROCESSING" },
    });
    now += 1;
    expect((await send(`/v2/users/batch/${id}`)).body).toMatchObject({
      ...{ imports: 1, errors: 0 },
      job: { status: "COMPLETED", finished: "2026-01-01T00:00:01.000Z" },
    });
    // jobs() counts the polls until the end, not those after it.
    await send(`/v2/users/batch/${id}`);
    expect(sim.jobs()[0]?.polls).toBe(2);
  });

  it("lists users without their schema for include_schema=false, and errors never with one", async () => {
    const { send, batch } = setup({
      processingPolls: 0,
      faults: { reject: (key) => key === "uid:s-2" },
    });
    const id = (await batch(users(2, "s"))).body.job?.id ?? "";
    await send(`/v2/users/batch/${id}`);
    const imports = await send(`/v2/users/batch/${id}/imports?include_schema=false`);
    expect(imports.body.results?.map((user) => user["schema"])).toEqual([null]);
    const errors = await send(`/v2/users/batch/${id}/errors?include_schema=true`);
    expect(errors.body.results?.map((error) => Object.keys(error).sort())).toEqual([
      ["code", "message", "user"],
    ]);
  });

  it("lists in jobs() a job's records, failed ones too, and its Idempotency-Key", async () => {
    const { sim, batch } = setup({ faults: { reject: (key) => key === "uid:k-2" } });
    await batch(users(2, "k"), "key-4");
    await batch(users(1, "l"));
    expect(sim.jobs()).toMatchObject([
      { records: 2, imports: 1, errors: 1, idempotencyKey: "key-4" },
      { records: 1, imports: 1, errors: 0 },
    ]);
    expect(sim.jobs()[1]).not.toHaveProperty("idempotencyKey");
  });

  it("judges a record anew once retention recent forgot the job that refused it", async () => {
    let asked = 0;
    const { send, batch } = setup({
      ...{ processingPolls: 0, retention: "recent", recentJobs: 0 },
      // Refuses the first time only: a verdict remembered would refuse the record again.
      faults: { reject: () => asked++ === 0 },
    });
    const first = (await batch(users(1, "v"))).body.job?.id ?? "";
    await send(`/v2/users/batch/${first}`);
    await send(`/v2/users/batch/${first}/errors`);
    const second = (await batch(users(1, "v"))).body.job?.id ?? "";
    const status = await send(`/v2/users/batch/${second}`);
    expect(status.body).toMatchObject({ imports: 1, errors: 0, job: { status: "COMPLETED" } });
  });
});

describe("FullStory simulator: which user a batch record upserts", () => {
  it("finds a user by uid before id, by id when it has no uid, by email only without either", async () => {
    const fs = setup({ processingPolls: 0 });
    const [a, b] = (
      await run(fs, [{ uid: "a", email: "a@example.com" }, { email: "b@example.com" }])
    ).imports;
    const again = await run(fs, [
      // uid first: the id of another user, or of none, is not looked at.
      { uid: "a", id: String(b?.["id"]), properties: { n: 1 } },
      { uid: "a", id: "999", properties: { n: 2 } },
      { id: String(b?.["id"]), properties: { n: 3 } },
      { email: "b@example.com", properties: { m: 4 } },
      // With a uid, an email is not a match: this is a new user, not a uid change refused.
      { uid: "c", email: "a@example.com" },
    ]);
    expect(again.errors).toEqual([]);
    const ids = again.imports.map((user) => user["id"]);
    expect(ids.slice(0, 4)).toEqual([a?.["id"], a?.["id"], b?.["id"], b?.["id"]]);
    expect([a?.["id"], b?.["id"]]).not.toContain(ids[4]);
    expect(fs.sim.users().map((user) => [user.uid, user.properties])).toEqual([
      ["a", { n: 2 }],
      [undefined, { n: 3, m: 4 }],
      ["c", {}],
    ]);
  });

  it("asks faults.reject about a record by uid, else id, else email", async () => {
    const asked: string[] = [];
    const fs = setup({ processingPolls: 0, faults: { reject: (key) => asked.push(key) < 0 } });
    const [made] = (await run(fs, [{ email: "f@example.com" }])).imports;
    const id = String(made?.["id"]);
    await run(fs, [
      { uid: "g", id, email: "g@example.com" },
      { id, email: "h@example.com" },
    ]);
    expect(asked).toEqual(["email:f@example.com", "uid:g", `id:${id}`]);
  });

  it("keeps the types a user's earlier writes declared when a later write declares others", async () => {
    const fs = setup({ processingPolls: 0 });
    await run(fs, [{ uid: "d", properties: { n: 1 }, schema: { properties: { n: "int" } } }]);
    const later = await run(fs, [
      { uid: "d", properties: { day: "2026-01-01" }, schema: { properties: { day: "date" } } },
    ]);
    expect(later.imports[0]?.["schema"]).toEqual({ properties: { n: "int", day: "date" } });
  });
});

describe("FullStory simulator: properties", () => {
  it("takes a value of 8192 bytes and a nested path of 512 characters, not more", async () => {
    const fs = setup({ processingPolls: 0 });
    const name = (length: number) => "n".repeat(length);
    const result = await run(fs, [
      { uid: "at-1", properties: { note: "x".repeat(8192) } },
      { uid: "at-2", properties: { a: { [name(510)]: 1 } } },
      { uid: "over", properties: { a: { [name(511)]: 1 } } },
    ]);
    expect(result.imports.map((user) => user["uid"])).toEqual(["at-1", "at-2"]);
    expect(result.errors).toEqual(["invalid_argument"]);
  });

  it("merges nested objects by path; types an array by its first non-null item, a null not", async () => {
    const fs = setup({ processingPolls: 0 });
    await run(fs, [{ uid: "m", properties: { plan: { tier: "pro" } } }]);
    const later = await run(fs, [
      {
        uid: "m",
        properties: {
          plan: { seats: 3 },
          ...{ tags: [null, "a"], nums: [null, 1], flags: [true], gone: null },
        },
      },
    ]);
    expect(later.errors).toEqual([]);
    expect(fs.sim.users()[0]?.properties["plan"]).toEqual({ tier: "pro", seats: 3 });
    expect(later.imports[0]?.["schema"]).toEqual({
      properties: {
        ...{ "plan.tier": "str", "plan.seats": "real" },
        ...{ tags: "strs", nums: "reals", flags: "bools" },
      },
    });
  });
});

describe("FullStory simulator: updateUser, users() and rotateKey", () => {
  it("gives copies in users(): changing one changes nothing the simulator holds", async () => {
    const { sim, send } = setup();
    await send("/v2/users", { uid: "c", properties: { plan: "free" } });
    const [copy] = sim.users();
    if (copy !== undefined) copy.properties["plan"] = "pro";
    expect(sim.users()[0]?.properties).toEqual({ plan: "free" });
  });

  it("refuses an update spec-invalid or over a property limit, the user unchanged", async () => {
    const { sim, send } = setup();
    const { id } = (await send("/v2/users", { uid: "e", properties: { note: "kept" } })).body;
    const path = `/v2/users/${String(id)}`;
    const closed = await send(path, { nickname: "x" });
    expect([closed.status, closed.body.code]).toEqual([400, "invalid_argument"]);
    const big = await send(path, { properties: { note: "x".repeat(8193) } });
    expect(big).toEqual({
      status: 400,
      body: {
        message: "property note: value is 8193 bytes, more than the 8192 allowed",
        code: "invalid_argument",
      },
    });
    expect(sim.users()[0]?.properties).toEqual({ note: "kept" });
  });

  it("accepts only the new key once rotated, and answers for what the account held", async () => {
    const { sim, batch } = setup();
    const id = (await batch(users(1, "q"))).body.job?.id ?? "";
    const ask = (key: string) =>
      sim.handle(
        new Request(`${BASE}/v2/users/batch/${id}`, { headers: { authorization: `Basic ${key}` } }),
      );
    sim.rotateKey("new-key");
    expect((await ask("sim-key")).status).toBe(401);
    expect((await ask("new-key")).status).toBe(200);
  });
});
