// A raw call's path may carry a query (`/v2/users/batch?source=crm`): the ApiError it rejects with names the
// operation that path reaches, and its `path` and message hold no query, as RequestTarget promises (a query
// may hold an email address or a token the client does not know).
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/core/errors/api-error.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryApiKey } from "../../src/testing/fixtures/fullstory.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();

describe("the target of a raw call whose path holds a query", () => {
  // A line break in the query: fetch drops it from the URL, and the target must not keep the query for it.
  it.each(["?", "#", "?note=a\nb&"])(
    "a path with %j: its operation, a path without it",
    async (mark) => {
      const f = seededFaker(`raw target ${mark}`);
      const email = f.internet.email();
      server.use(http.post(`${HOSTS.fullstory}/v2/users/batch`, () => HttpResponse.error()));
      const client = createFullStoryClient({ apiKey: fullStoryApiKey(f), maxRetries: 0 });
      const path = `/v2/users/batch${mark}notify=${encodeURIComponent(email)}`;
      const thrown: unknown = await client.raw
        .POST(path as "/v2/users/batch", { body: { requests: [{ uid: f.string.uuid() }] } })
        .catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(ApiError);
      expect(thrown).toMatchObject({
        status: "network",
        operation: "createBatchImport",
        path: "/v2/users/batch",
      });
      expect((thrown as ApiError).message).not.toContain("notify");
    },
  );
});
