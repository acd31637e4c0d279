// A body the client does not read is cancelled without waiting: msw, and a fetch that answers with a clone,
// hand back one branch of a tee, whose cancel settles only once the other branch is cancelled too.
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/index.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();

describe("a client under msw (the README's way to test against the simulators)", () => {
  // msw tees every response it hands back; cancelling one branch of a tee settles only once the other is
  // cancelled too, so awaiting the cancel never returns: the call hangs past its own timeoutMs.
  it("fails a body over maxResponseBytes with too_large, within timeoutMs", async () => {
    server.use(
      http.get(`${HOSTS.fullstory}/v2/users/:id`, () =>
        HttpResponse.json({ id: "1", uid: "u-1", display_name: "x".repeat(200) }),
      ),
    );
    const client = createFullStoryClient({
      apiKey: "test-key-123456",
      maxResponseBytes: 64,
      timeoutMs: 1000,
    });
    const result = await client.getUser({ params: { path: { id: "1" } } });
    expect(!result.ok && result.error.status).toBe("too_large");
  }, 5000);

  it("fails a 3xx with a body with the redirect variant, within timeoutMs", async () => {
    server.use(
      http.get(
        `${HOSTS.fullstory}/v2/users/:id`,
        () =>
          new HttpResponse("<html>moved</html>", {
            status: 302,
            headers: { location: "https://elsewhere.example/", "content-type": "text/html" },
          }),
      ),
    );
    const client = createFullStoryClient({ apiKey: "test-key-123456", timeoutMs: 1000 });
    const result = await client.getUser({ params: { path: { id: "1" } } });
    expect(!result.ok && result.error.status).toBe("redirect");
  }, 5000);

  it("fails a body over maxResponseBytes from a fetch that answers with a clone", async () => {
    const answer = HttpResponse.json({ id: "1", uid: "u-1", display_name: "x".repeat(200) });
    const client = createFullStoryClient({
      apiKey: "test-key-123456",
      maxResponseBytes: 64,
      timeoutMs: 1000,
      // A logging or caching fetch keeps one copy and returns the other.
      fetch: () => Promise.resolve(answer.clone()),
    });
    const result = await client.getUser({ params: { path: { id: "1" } } });
    expect(!result.ok && result.error.status).toBe("too_large");
  }, 5000);
});
