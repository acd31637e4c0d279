// A vendor's id that the client puts in a path (a Userpilot job id to poll) may echo the credential cut short,
// as a job id of limited length quoting the request's Authorization header would. The error of a call to that
// path names the path: its `path`, which `toJSON()` and `util.inspect` show, is scrubbed as its message is.
import { describe, expect, it } from "vitest";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { expectNoSecret } from "./leaks.js";

const apiKey = "upk7x9Qm2Lw8Rt5Zp3Vn6Bc1Hd4Jf0Ks";
const jobId = `job-${apiKey.slice(0, 20)}`;

describe("a job id holding 20 characters of the API key", () => {
  it.each<[string, () => Promise<Response>]>([
    ["answered 500", () => Promise.resolve(Response.json({ message: "boom" }, { status: 500 }))],
    ["never answered (network)", () => Promise.reject(new TypeError("fetch failed"))],
  ])("a poll %s: no piece of the key in the error", async (_, answer) => {
    const client = createUserpilotClient({ apiKey, maxRetries: 0, fetch: answer });
    const result = await client.getBackgroundJob({ params: { path: { job_id: jobId } } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.path).toMatch(/^\/v1\/background_jobs\/job-/);
      expectNoSecret(result.error, [apiKey]);
    }
  });

  it("a raw poll that gets no answer rejects without a piece of the key", async () => {
    const client = createUserpilotClient({
      apiKey,
      maxRetries: 0,
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    const error: unknown = await client.raw
      .GET("/v1/background_jobs/{job_id}", { params: { path: { job_id: jobId } } })
      .catch((thrown: unknown) => thrown);
    expectNoSecret(error, [apiKey]);
  });
});
