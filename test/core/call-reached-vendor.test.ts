// What a failed call tells of whether the vendor can have acted on it (`unprocessedBy`): the engine leaves
// out "may hold" only when no try of the call can have reached the vendor, or the vendor turned it away.
// Each client here sends through a fetch of the test's own: nothing goes over a network.
import { describe, expect, it } from "vitest";
import { httpStatusOf, type ApiError } from "../../src/core/errors/api-error.js";
import { unprocessedBy } from "../../src/core/errors/unprocessed.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";

type Try = (request: Request) => Promise<Response>;

/** A connection never made (undici's error for a refused connect). */
const refused: Try = () =>
  Promise.reject(
    Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
        code: "ECONNREFUSED",
        syscall: "connect",
      }),
    }),
  );
/** A connection reset after the request went out. */
const reset: Try = () =>
  Promise.reject(
    Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" }),
    }),
  );
const answer =
  (status: number): Try =>
  () =>
    Promise.resolve(Response.json({ message: "no", code: "no" }, { status }));

/** A fetch that answers the n-th try with `tries[n]` (the last one repeats). */
function tried(tries: readonly Try[]) {
  let n = 0;
  return (request: Request) => tries[Math.min(n++, tries.length - 1)]!(request);
}

/** The error of a Userpilot bulk POST (no idempotency: retried only when it cannot have arrived). */
async function userpilotPost(
  fetch: Try,
  options: { signal?: AbortSignal; sleep?: () => Promise<void> } = {},
): Promise<ApiError> {
  const client = createUserpilotClient({
    apiKey: "up_Qm4Zr8Tx2Vb6",
    maxRetries: 2,
    fetch,
    sleep: options.sleep ?? (async () => {}),
    ...(options.signal && { signal: options.signal }),
  });
  const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } });
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

/** The error of a FullStory create (it carries an Idempotency-Key: retried after a lost answer too). */
async function fullStoryCreate(fetch: Try): Promise<ApiError> {
  const client = createFullStoryClient({
    apiKey: "na1.Hs5Kp9Wd3Rx7",
    maxRetries: 1,
    fetch,
    sleep: async () => {},
  });
  const result = await client.createBatchImport({ body: { requests: [{ uid: "u-1" }] } });
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

describe("a call that cannot have reached the vendor", () => {
  it("a connection refused on every try: not sent", async () => {
    const error = await userpilotPost(refused);
    expect(error.status).toBe("network");
    expect(unprocessedBy(error)).toBe("not_sent");
  });

  it("429 on every try, even as a gateway's page: turned away", async () => {
    expect(unprocessedBy(await userpilotPost(answer(429)))).toBe("turned_away");
    const page = () =>
      Promise.resolve(
        new Response("<html>503</html>", { status: 503, headers: { "Content-Type": "text/html" } }),
      );
    const error = await userpilotPost(page);
    expect(["malformed", "undocumented", 503]).toContain(error.status);
    expect(unprocessedBy(error)).toBe("turned_away");
  });

  it("the caller aborts in the wait after a 429: turned away, nothing sent after it", async () => {
    const controller = new AbortController();
    const error = await userpilotPost(answer(429), {
      signal: controller.signal,
      sleep: () => {
        controller.abort();
        return Promise.reject(new Error("aborted"));
      },
    });
    expect(error.status).toBe("aborted");
    // Before, "not_sent": the 429's try went out, and reached the vendor.
    expect(unprocessedBy(error)).toBe("turned_away");
  });
});

describe("a call that may have reached the vendor", () => {
  it("the caller aborts while the request is out", async () => {
    const controller = new AbortController();
    const inFlight: Try = (request) =>
      new Promise((_resolve, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason as Error));
        controller.abort();
      });
    const error = await userpilotPost(inFlight, { signal: controller.signal });
    expect(error.status).toBe("aborted");
    expect(unprocessedBy(error)).toBeUndefined();
  });

  it("a lost answer, then a try whose connection is refused", async () => {
    const error = await fullStoryCreate(tried([reset, refused]));
    expect(error.status).toBe("network");
    expect(unprocessedBy(error)).toBeUndefined();
  });

  it("a lost answer, then a try answered 429", async () => {
    const error = await fullStoryCreate(tried([reset, answer(429)]));
    expect(error.status).toBe(429);
    expect(unprocessedBy(error)).toBeUndefined();
  });

  it("a 502 that was not retried", async () => {
    expect(unprocessedBy(await userpilotPost(answer(502)))).toBeUndefined();
  });
});

// A 408 may come from a proxy in front of the vendor after it forwarded the request: it never says, as a 429
// or 503 does, that the vendor acted on nothing, whether it is the call's last answer or a retry followed it.
describe("a call answered 408", () => {
  it("as its last answer, retried or not", async () => {
    const error = await userpilotPost(answer(408));
    expect(httpStatusOf(error)).toBe(408);
    expect(unprocessedBy(error)).toBeUndefined();
    expect(unprocessedBy(await fullStoryCreate(answer(408)))).toBeUndefined();
  });

  it("then a try whose connection is refused", async () => {
    const error = await fullStoryCreate(tried([answer(408), refused]));
    expect(error.status).toBe("network");
    expect(unprocessedBy(error)).toBeUndefined();
  });

  it("then a try answered 429", async () => {
    const error = await fullStoryCreate(tried([answer(408), answer(429)]));
    expect(error.status).toBe(429);
    expect(unprocessedBy(error)).toBeUndefined();
  });
});
