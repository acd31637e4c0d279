// maxResponseBytes is the largest body read: a body of exactly that many bytes is the vendor's answer, read
// as any other, whether it declares its length or streams without one; one byte more is too_large.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/index.js";

const user = JSON.stringify({ id: "1", uid: "u-1", display_name: "Ada" });

/** A fetch answering with `text` streamed in two pieces, with no Content-Length to go by. */
function streaming(text: string): () => Promise<Response> {
  const bytes = new TextEncoder().encode(text);
  return () =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes.subarray(0, 10));
            controller.enqueue(bytes.subarray(10));
            controller.close();
          },
        }),
        { headers: { "Content-Type": "application/json" } },
      ),
    );
}

const getUser = (maxResponseBytes: number) =>
  createFullStoryClient({
    apiKey: "test-key-123456",
    maxResponseBytes,
    maxRetries: 0,
    fetch: streaming(user),
  }).getUser({ params: { path: { id: "1" } } });

describe("a streamed body at the maxResponseBytes cap", () => {
  it("is read when it is exactly as long as the cap", async () => {
    const result = await getUser(user.length);
    expect(result.ok && result.data).toEqual(JSON.parse(user));
  });

  it("fails with too_large when it is one byte longer", async () => {
    const result = await getUser(user.length - 1);
    expect(!result.ok && result.error.status).toBe("too_large");
  });
});

describe("a body that declares its length at the maxResponseBytes cap", () => {
  /** A client whose fetch answers `user` with its Content-Length, as a vendor's server sends it. */
  const getDeclared = (maxResponseBytes: number) =>
    createFullStoryClient({
      apiKey: "test-key-123456",
      maxResponseBytes,
      maxRetries: 0,
      fetch: () =>
        Promise.resolve(
          new Response(user, {
            headers: { "Content-Type": "application/json", "Content-Length": `${user.length}` },
          }),
        ),
    }).getUser({ params: { path: { id: "1" } } });

  it("is read when it declares exactly the cap", async () => {
    const result = await getDeclared(user.length);
    expect(result.ok && result.data).toEqual(JSON.parse(user));
  });

  it("fails with too_large when it declares one byte more", async () => {
    const result = await getDeclared(user.length - 1);
    expect(!result.ok && result.error.status).toBe("too_large");
  });
});

it("a body over the cap is not asked for again: another try would meet the same answer", async () => {
  let sends = 0;
  const client = createFullStoryClient({
    apiKey: "test-key-123456",
    maxResponseBytes: user.length - 1,
    sleep: () => Promise.resolve(),
    fetch: () => {
      sends += 1;
      return streaming(user)();
    },
  });
  const result = await client.getUser({ params: { path: { id: "1" } } });
  expect(!result.ok && result.error.status).toBe("too_large");
  expect(sends).toBe(1);
});
