// The simulator core every vendor simulator is built on: routes from the spec, scripts that answer instead of
// the vendor or rewrite its answer, and refusals decided once per record.
import { describe, expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import {
  createSimulatorKit,
  listProblems,
  type OperationHandlers,
} from "../../src/testing/kit/simulator-kit.js";
import type { FaultOptions } from "../../src/testing/faults.js";

const document = {
  openapi: "3.1.0",
  paths: {
    "/v2/users/{id}": { post: { operationId: "updateUser", responses: {} } },
    "/v2/users/batch": { post: { operationId: "createBatch", responses: {} } },
    "/v2/users/batch/{job_id}": { get: { operationId: "getJob", responses: {} } },
  },
  components: {
    schemas: {
      Batch: {
        type: "object",
        required: ["requests"],
        properties: { requests: { type: "array", maxItems: 2 } },
      },
    },
  },
};

function setup(faults: FaultOptions = {}) {
  const written: string[] = [];
  const kit = createSimulatorKit({
    vendor: "test",
    document,
    options: { basePath: "/api/", faults },
    faultBody: (status) => ({ code: `fault_${status}` }),
    notFound: () => json({ code: "not_found" }, 404),
    authenticate: (request) =>
      request.headers.get("authorization") === "Key k" ? true : json({ code: "auth" }, 401),
  });
  const handlers: OperationHandlers = {
    updateUser: ({ params }) => json({ updated: params["id"] }),
    createBatch: () => {
      written.push("batch");
      return json({ job: "j1" });
    },
    getJob: ({ params }) => json({ job: params["job_id"] }),
  };
  const call = (method: string, path: string, auth = "Key k") =>
    kit.handle(
      new Request(`http://127.0.0.1/api${path}`, {
        method,
        headers: { authorization: auth },
        ...(method === "POST" ? { body: "{}" } : {}),
      }),
      handlers,
    );
  return { kit, call, written };
}

describe("simulator kit", () => {
  it("routes by the spec's operations, a literal path before a template, under the base path", async () => {
    const { kit, call } = setup();
    expect(await (await call("POST", "/v2/users/batch")).json()).toEqual({ job: "j1" });
    expect(await (await call("POST", "/v2/users/u%2F1")).json()).toEqual({ updated: "u/1" });
    expect(await (await call("GET", "/v2/users/batch/j9")).json()).toEqual({ job: "j9" });
    expect((await call("GET", "/v2/users/u1")).status).toBe(404);
    expect((await call("POST", "/v2/users/batch", "Key other")).status).toBe(401);
    expect(kit.stats({ users: 0, duplicates: 0, rewrites: 0 }).requests).toEqual({
      "POST /v2/users/batch": 2,
      "POST /v2/users/{id}": 1,
      "GET /v2/users/batch/{job_id}": 1,
      "GET (unknown route)": 1,
    });
  });

  it("lets a script answer instead of the vendor, or rewrite the answer after the vendor acted", async () => {
    const { call, written } = setup({
      script: ({ operation, attempt, params }) => {
        if (operation === "createBatch" && attempt === 1)
          return { answer: json({ hostile: 1 }, 500) };
        if (operation === "createBatch" && attempt === 2)
          return { after: async (answer) => json({ seen: (await answer.json()) as unknown }) };
        if (operation === "getJob" && params["job_id"] === "slow") return "429";
        return undefined;
      },
    });
    const first = await call("POST", "/v2/users/batch");
    expect([first.status, await first.json()]).toEqual([500, { hostile: 1 }]);
    expect(written).toEqual([]); // the scripted answer stood in for the vendor
    expect(await (await call("POST", "/v2/users/batch")).json()).toEqual({ seen: { job: "j1" } });
    expect(written).toEqual(["batch"]);
    expect((await call("GET", "/v2/users/batch/slow")).status).toBe(429);
    expect((await call("GET", "/v2/users/batch/fast")).status).toBe(200);
  });

  it("refuses the records a test names, once per record however often they are sent", () => {
    const { kit } = setup({ reject: (key) => key.startsWith("refuse:") });
    expect(kit.faults.verdict("refuse:a")).toEqual({ refused: true, again: false });
    expect(kit.faults.verdict("refuse:a")).toEqual({ refused: true, again: true });
    expect(kit.faults.verdict("keep:b")).toEqual({ refused: false, again: false });
    expect(kit.stats({ users: 0, duplicates: 0, rewrites: 0 }).rejected).toBe(1);
  });

  it("reads a request body against a schema of the spec: its problems, or none for a body that is not JSON", async () => {
    const { kit } = setup();
    const body = (text: string) =>
      kit.readJson(new Request("http://127.0.0.1/", { method: "POST", body: text }), "Batch");
    expect(await body('{"requests":[1]}')).toEqual({
      text: '{"requests":[1]}',
      value: { requests: [1] },
      problems: [],
    });
    expect((await body('{"requests":[1,2,3]}')).problems).toEqual([
      expect.stringMatching(/must NOT have more than 2 items/),
    ]);
    expect(await body("{not json")).toEqual({
      text: "{not json",
      value: undefined,
      problems: undefined,
    });
  });

  it("lists at most 20 problems in one message, saying how many more there are", () => {
    const problems = Array.from({ length: 23 }, (_, i) => `p${i}`);
    expect(listProblems(problems.slice(0, 2))).toBe("p0; p1");
    expect(listProblems(problems)).toBe(`${problems.slice(0, 20).join("; ")}; and 3 more`);
  });

  it("lists exactly 20 problems whole, with no word of more", () => {
    const problems = Array.from({ length: 20 }, (_, i) => `p${i}`);
    expect(listProblems(problems)).toBe(problems.join("; "));
  });

  // A test compares the counts before and after a step: what it took before must not move.
  it("gives stats as they are when asked, unchanged by later requests", async () => {
    const { kit, call } = setup({ rate429: 1 });
    await call("POST", "/v2/users/batch");
    const before = kit.stats({ users: 0, duplicates: 0, rewrites: 0 });
    await call("POST", "/v2/users/batch");
    await call("GET", "/v2/users/batch/j1");
    expect(before).toMatchObject({
      requests: { "POST /v2/users/batch": 1 },
      faults: { "429": 1 },
    });
    expect(Object.keys(before.requests)).toEqual(["POST /v2/users/batch"]);
    expect(kit.stats({ users: 0, duplicates: 0, rewrites: 0 })).toMatchObject({
      requests: { "POST /v2/users/batch": 2, "GET /v2/users/batch/{job_id}": 1 },
      faults: { "429": 3 },
    });
  });
});
