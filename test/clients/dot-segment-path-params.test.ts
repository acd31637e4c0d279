// A path parameter that is empty, `.` or `..` would not stay a segment of its own: URL parsing resolves it, so
// the request reaches another path of the same host (an update of user `.` is `POST /v2/users/`, which is
// Create User; job `..`'s imports are `/v2/users/imports`, user "imports"). The client refuses it before
// sending, on the operation methods and `raw` alike.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";

/** A client's `fetch` that records every URL it is asked for and answers 404. */
function recordingFetch() {
  const urls: string[] = [];
  const fetch = (input: RequestInfo | URL) => {
    urls.push(input instanceof Request ? `${input.method} ${input.url}` : String(input));
    return Promise.resolve(
      Response.json({ message: "no such thing", code: "not_found" }, { status: 404 }),
    );
  };
  return { urls, fetch };
}

function clients() {
  const wire = recordingFetch();
  const options = { baseUrl: "https://vendor.test", fetch: wire.fetch, maxRetries: 0 };
  const fs = createFullStoryClient({ apiKey: "na1.Vq7Rk2Lw9Xc4Tz", ...options });
  const up = createUserpilotClient({ apiKey: "up-test-key", ...options });
  // Every operation of the specs with a path parameter (specs/*.yaml), and `raw` with one.
  const calls: [string, string, (value: string) => Promise<unknown>][] = [
    ["updateUser", "id", (id) => fs.updateUser({ params: { path: { id } }, body: {} })],
    ["getUser", "id", (id) => fs.getUser({ params: { path: { id } } })],
    [
      "getBatchImportStatus",
      "job_id",
      (job_id) => fs.getBatchImportStatus({ params: { path: { job_id } } }),
    ],
    ["getBatchImports", "job_id", (job_id) => fs.getBatchImports({ params: { path: { job_id } } })],
    [
      "getBatchImportErrors",
      "job_id",
      (job_id) => fs.getBatchImportErrors({ params: { path: { job_id } } }),
    ],
    [
      "getBackgroundJob",
      "job_id",
      (job_id) => up.getBackgroundJob({ params: { path: { job_id } } }),
    ],
    [
      "updateUser",
      "id",
      (id) => fs.raw.POST("/v2/users/{id}", { params: { path: { id } }, body: {} }),
    ],
    [
      "getBackgroundJob",
      "job_id",
      (job_id) => up.raw.GET("/v1/background_jobs/{job_id}", { params: { path: { job_id } } }),
    ],
  ];
  return { urls: wire.urls, calls };
}

describe("a path parameter that would resolve into another path", () => {
  it.each(["", ".", ".."])(
    "%j is refused with a TypeError naming the operation, sending nothing",
    async (value) => {
      const { urls, calls } = clients();
      for (const [operation, parameter, call] of calls) {
        const refused = call(value);
        await expect(refused).rejects.toBeInstanceOf(TypeError);
        await expect(refused).rejects.toThrow(
          `${operation}: path parameter ${parameter} is ${JSON.stringify(value)}, which would send the request to another path (an empty or dot segment); nothing was sent`,
        );
      }
      expect(urls).toEqual([]);
    },
  );

  it("a value that only looks like one goes to its own path, encoded", async () => {
    const { urls, calls } = clients();
    const [, , getUser] = calls[1]!;
    for (const id of ["%2e", "%2E%2e", ".%2e", "...", "a/..", "./"]) await getUser(id);
    expect(urls).toEqual(
      ["%252e", "%252E%252e", ".%252e", "...", "a%2F..", ".%2F"].map(
        (segment) => `GET https://vendor.test/v2/users/${segment}`,
      ),
    );
  });
});
