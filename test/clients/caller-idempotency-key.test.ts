// README "Retries": a POST without an idempotency guarantee (SlashID, Propeller, Userpilot, FullStory's
// updateUser) is retried by the client only when the vendor cannot have acted on it (no connection made, 429,
// 503). An `Idempotency-Key` header the caller adds to such a POST gives no guarantee: these endpoints do not
// honour one, so a timeout or a 500 must still not be retried, or the vendor may act twice.
import { HttpResponse, delay, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const noWait = { sleep: async () => {} };

/** Answers with `answers` in turn (the last one repeats), counting the requests. */
function answering(url: string, answers: (() => Response | Promise<Response>)[]): Request[] {
  const seen: Request[] = [];
  server.use(
    http.post(url, ({ request }) => {
      seen.push(request);
      return answers[Math.min(seen.length, answers.length) - 1]!();
    }),
  );
  return seen;
}

describe("a caller's Idempotency-Key on a POST the vendor does not make idempotent", () => {
  it("Userpilot bulkIdentifyUsers: a timed-out try is not sent again", async () => {
    const seen = answering(`${HOSTS.userpilot}/v1/users/bulk_identify`, [
      async () => {
        await delay(1000);
        return HttpResponse.json({ job_id: "job-a", status: "queued" }, { status: 202 });
      },
      () => HttpResponse.json({ job_id: "job-b", status: "queued" }, { status: 202 }),
    ]);
    const client = createUserpilotClient({
      apiKey: "up-caller-key-test",
      timeoutMs: 50,
      ...noWait,
    });
    const result = await client.bulkIdentifyUsers({
      body: { users: [{ user_id: "u-1" }] },
      headers: { "Idempotency-Key": "7f1c1f4e-4b1a-4c55-9a43-0c7b4f4f0d11" },
    });
    expect(seen).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, error: { status: "timeout" } });
  });

  it("FullStory updateUser: a 500 is not sent again", async () => {
    const seen = answering(`${HOSTS.fullstory}/v2/users/:id`, [
      () => HttpResponse.json({ code: "server_error", message: "oops" }, { status: 500 }),
      () => HttpResponse.json({ id: "1234" }),
    ]);
    const client = createFullStoryClient({ apiKey: "na1.caller-key-test", ...noWait });
    const result = await client.updateUser({
      params: { path: { id: "1234" } },
      body: { display_name: "Ada" },
      headers: { "Idempotency-Key": "3d0f2a51-9a0e-4c0e-8d0b-5f0c8b9e6a77" },
    });
    expect(seen).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, error: { status: 500 } });
  });

  it("FullStory createUser, which FullStory keys, is still retried with the caller's key", async () => {
    const key = "b0d3b2a4-0a3b-4b8e-9b61-3b7f0f0a9c21";
    const seen = answering(`${HOSTS.fullstory}/v2/users`, [
      () => HttpResponse.json({ code: "server_error", message: "oops" }, { status: 500 }),
      () => HttpResponse.json({ id: "1234" }),
    ]);
    const client = createFullStoryClient({ apiKey: "na1.caller-key-test", ...noWait });
    const result = await client.createUser({
      body: { uid: "u-1" },
      headers: { "Idempotency-Key": key },
    });
    expect(result.ok).toBe(true);
    expect(seen.map((r) => r.headers.get("idempotency-key"))).toEqual([key, key]);
  });

  it("FullStory createUser with an empty key (an unset variable) is sent under a key of its own", async () => {
    const seen = answering(`${HOSTS.fullstory}/v2/users`, [
      () => HttpResponse.json({ code: "server_error", message: "oops" }, { status: 500 }),
      () => HttpResponse.json({ id: "1234" }),
    ]);
    const client = createFullStoryClient({ apiKey: "na1.caller-key-test", ...noWait });
    const result = await client.createUser({
      body: { uid: "u-1" },
      headers: { "Idempotency-Key": "" },
    });
    expect(result.ok).toBe(true);
    const keys = seen.map((r) => r.headers.get("idempotency-key"));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(keys[1]).toBe(keys[0]);
  });
});

describe("a keyed write whose key a caller's raw.use middleware took off or emptied", () => {
  // A proxy that refuses unknown headers is a reason to drop it. Sent without a key, the write is not one
  // FullStory can tell from its first try: a 500 must not be retried, or the users may be imported twice.
  it.each([
    ["removed", (headers: Headers) => headers.delete("Idempotency-Key")],
    ["emptied", (headers: Headers) => headers.set("Idempotency-Key", "")],
  ])("FullStory createUser, its key %s: a 500 is not sent again", async (_what, change) => {
    const seen = answering(`${HOSTS.fullstory}/v2/users`, [
      () => HttpResponse.json({ code: "server_error", message: "oops" }, { status: 500 }),
      () => HttpResponse.json({ id: "1234" }),
    ]);
    const client = createFullStoryClient({ apiKey: "na1.caller-key-test", ...noWait });
    client.raw.use({
      onRequest({ request }) {
        change(request.headers);
        return undefined;
      },
    });
    const result = await client.createUser({ body: { uid: "u-1" } });
    expect(seen).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, error: { status: 500 } });
  });
});
