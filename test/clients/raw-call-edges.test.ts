// What a `raw` call, and the client's `scrub`, do at their edges: a 2xx body openapi-fetch cannot parse
// throws a SyntaxError that quotes the body (and a key the body echoed), an AbortController given as the
// signal is refused by name, an empty baseUrl means the client's own, and `scrub` takes a key cut short.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";

const job = { id: "job-1", status: "COMPLETED", created: "2026-01-01T00:00:00Z" };
/** getBatchImportStatus's answer. */
const status = { imports: 1, errors: 0, job };

/** A FullStory client whose every request is answered by `answer`, and the requests it sent. */
function client(label: string, answer: () => Response) {
  const apiKey = fullStoryApiKey(seededFaker(`raw call edges ${label}`));
  const sent: string[] = [];
  const fullstory = createFullStoryClient({
    apiKey,
    maxRetries: 0,
    fetch: (request) => {
      sent.push(`${request.method} ${request.url}`);
      return Promise.resolve(answer());
    },
  });
  return { apiKey, sent, fullstory };
}

it("a 2xx not JSON, echoing the key: raw rejects with a SyntaxError quoting no piece of it", async () => {
  const { apiKey, fullstory } = client("syntax", () => new Response(`${apiKey} accepted`));
  const thrown = await fullstory.raw
    .GET("/v2/users/batch/{job_id}", { params: { path: { job_id: "job-1" } } })
    .then(
      () => expect.fail("the call resolved"),
      (error: unknown) => error,
    );
  expect(thrown).toBeInstanceOf(SyntaxError);
  expect(String((thrown as Error).message)).not.toContain(apiKey.slice(0, 8));
});

it("an AbortController given as a call's signal is refused by name, nothing sent", async () => {
  const { sent, fullstory } = client("controller", () => Response.json(status));
  const signal = new AbortController() as unknown as AbortSignal;
  const init = { params: { path: { job_id: "job-1" } }, signal };
  await expect(fullstory.raw.GET("/v2/users/batch/{job_id}", init)).rejects.toThrow(
    /^raw: the call's signal/,
  );
  await expect(fullstory.getBatchImportStatus(init)).rejects.toThrow(
    /^getBatchImportStatus: the call's signal/,
  );
  expect(sent).toEqual([]);
});

it("an empty baseUrl of a call is the client's own: raw and the operation go there", async () => {
  const { sent, fullstory } = client("empty base", () => Response.json(status));
  const init = { baseUrl: "", params: { path: { job_id: "job-1" } } };
  const { data } = await fullstory.raw.GET("/v2/users/batch/{job_id}", init);
  expect(data).toEqual(status);
  const result = await (fullstory.getBatchImportStatus as (i: object) => Promise<unknown>)(init);
  expect(result).toMatchObject({ ok: true, data: status });
  expect(sent).toEqual([
    "GET https://api.fullstory.com/v2/users/batch/job-1",
    "GET https://api.fullstory.com/v2/users/batch/job-1",
  ]);
});

it("scrub takes a run of the key a vendor echoed cut short, as errors do", () => {
  const { apiKey, fullstory } = client("scrub", () => Response.json(status));
  const piece = apiKey.slice(3, 11);
  expect(fullstory.scrub(`no user for key ${piece}…`)).not.toContain(piece);
});

it("an operation's error for an answer names the path it was sent to, its parameters filled in", async () => {
  const { fullstory } = client("path", () =>
    Response.json({ code: "not_found", message: "no" }, { status: 404 }),
  );
  const result = await fullstory.getBatchImportStatus({ params: { path: { job_id: "job-7" } } });
  const error = !result.ok ? result.error : expect.fail("ok");
  expect(error.path).toBe("/v2/users/batch/job-7");
  expect(error.message).toContain("(GET /v2/users/batch/job-7)");
});
