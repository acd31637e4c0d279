// Connection failures over real loopback sockets (no msw), so the transport sees the errors Node's fetch
// really throws: a refused connection cannot have reached the vendor and is retried for every request; a
// connection closed after the request was read may have been processed, and only replay-safe requests are
// sent again.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RetryEvent } from "../../src/core/http/transport.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { refusedAt } from "../support/refused-port.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback server that reads each request whole, counts it, then closes the socket without answering. */
async function hangingUp(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req) => {
    req.resume();
    req.on("end", () => {
      requests += 1;
      req.socket.destroy();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
  };
}

const common = (retries: RetryEvent[]) => ({
  maxRetries: 2,
  sleep: async () => {},
  onRetry: (event: RetryEvent) => retries.push(event),
});

describe("a refused connection", () => {
  it("is retried for a POST without an idempotency guarantee: nothing reached the vendor", async () => {
    const retries: RetryEvent[] = [];
    const client = createUserpilotClient({
      apiKey: "connections-key",
      baseUrl: refusedAt(),
      ...common(retries),
    });
    const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } });
    expect(!result.ok && result.error.status).toBe("network");
    expect(!result.ok && result.error.message).not.toMatch(/not retried/);
    expect(retries.map((r) => r.reason)).toEqual(["network", "network"]);
  });

  it("is retried when no address of the host could be connected to (Node reports an AggregateError)", async () => {
    const retries: RetryEvent[] = [];
    // As Node's connect reports a host with two addresses: each attempt failed in `connect`, and the aggregate
    // carries the first one's code (here a timeout of the first address).
    const failed = (code: string, address: string) =>
      Object.assign(new Error(`connect ${code} ${address}`), { code, syscall: "connect" });
    const client = createUserpilotClient({
      apiKey: "connections-key",
      baseUrl: "http://vendor.test",
      fetch: () =>
        Promise.reject(
          new TypeError("fetch failed", {
            cause: Object.assign(
              new AggregateError([
                failed("ETIMEDOUT", "::1:443"),
                failed("ECONNREFUSED", "127.0.0.1:443"),
              ]),
              { code: "ETIMEDOUT" },
            ),
          }),
        ),
      ...common(retries),
    });
    const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } });
    expect(!result.ok && result.error.status).toBe("network");
    expect(retries.map((r) => r.reason)).toEqual(["network", "network"]);
  });

  it("is retried when the connection timed out before it was made (undici's connect timeout)", async () => {
    const retries: RetryEvent[] = [];
    // As undici reports it: a code of its own, no syscall.
    const timedOut = Object.assign(new Error("Connect Timeout Error (timeout: 10000ms)"), {
      name: "ConnectTimeoutError",
      code: "UND_ERR_CONNECT_TIMEOUT",
    });
    const client = createUserpilotClient({
      apiKey: "connections-key",
      baseUrl: "http://vendor.test",
      fetch: () => Promise.reject(new TypeError("fetch failed", { cause: timedOut })),
      ...common(retries),
    });
    const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } });
    expect(!result.ok && result.error.status).toBe("network");
    expect(!result.ok && result.error.cannotHaveArrived).toBe(true);
    expect(retries.map((r) => r.reason)).toEqual(["network", "network"]);
  });

  it("is retried when fetch refuses the port before connecting (undici's bad port)", async () => {
    const retries: RetryEvent[] = [];
    // Port 25 is one the fetch standard blocks: Node's fetch fails with no connection tried.
    const client = createUserpilotClient({
      apiKey: "connections-key",
      baseUrl: "http://127.0.0.1:25",
      ...common(retries),
    });
    const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } });
    expect(!result.ok && result.error.status).toBe("network");
    expect(!result.ok && result.error.cannotHaveArrived).toBe(true);
    expect(retries.map((r) => r.reason)).toEqual(["network", "network"]);
  });
});

describe("a connection closed after the request was read", () => {
  it("is not retried for a POST without an idempotency guarantee", async () => {
    const retries: RetryEvent[] = [];
    const vendor = await hangingUp();
    const client = createUserpilotClient({
      apiKey: "connections-key",
      baseUrl: vendor.url,
      ...common(retries),
    });
    const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } });
    expect(!result.ok && result.error.status).toBe("network");
    expect(!result.ok && result.error.message).toMatch(
      /not retried by the client: the request may have reached the vendor/,
    );
    expect(retries).toEqual([]);
    expect(vendor.requests()).toBe(1);
  });

  it("is retried for a batch import under an Idempotency-Key", async () => {
    const retries: RetryEvent[] = [];
    const vendor = await hangingUp();
    const client = createFullStoryClient({
      apiKey: "na1.connections-key",
      baseUrl: vendor.url,
      ...common(retries),
    });
    const result = await client.createBatchImport({ body: { requests: [{ uid: "u-1" }] } });
    expect(!result.ok && result.error.status).toBe("network");
    expect(!result.ok && result.error.message).not.toMatch(/not retried/);
    expect(retries.map((r) => r.reason)).toEqual(["network", "network"]);
    expect(vendor.requests()).toBe(3);
  });
});
