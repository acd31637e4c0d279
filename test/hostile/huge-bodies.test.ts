// A response body far larger than anything a vendor documents (a misbehaving proxy, a runaway export) must
// not be buffered whole: the client stops reading at `maxResponseBytes` and fails with the `too_large`
// variant. A loopback server writes the body with backpressure, so how much it managed to write shows how
// far the client read. No msw here: it tees every response it lets through, and the unread branch would
// hold the connection open after the client cancels its own.
import { afterEach, describe, expect, it } from "vitest";
import { isTransient } from "../../src/core/errors/transient.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { expectNoSecret } from "./leaks.js";
import { serveHugeBody, type HugeServer } from "./loopback.js";
import { hostileVendors } from "./vendors.js";

const MiB = 1024 * 1024;
const HUGE = 600 * MiB;
/** What sits in socket buffers between the server and the client besides what the client read. */
const IN_FLIGHT = 16 * MiB;

let running: HugeServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serve(options: Parameters<typeof serveHugeBody>[0]): Promise<HugeServer> {
  running = await serveHugeBody(options);
  return running;
}

describe.each(hostileVendors(seededFaker("hostile huge bodies")))("$name", (vendor) => {
  const { status } = vendor.success;

  it("stops reading at maxResponseBytes: the too_large variant, not retried", async () => {
    const server = await serve({ status, totalBytes: HUGE });
    const result = await vendor.client({ baseUrl: server.url, maxResponseBytes: MiB }).operation();
    if (result.ok || result.error.status !== "too_large") throw new Error("expected too_large");
    expect(result.error["maxBytes"]).toBe(MiB);
    expect(result.error["httpStatus"]).toBe(status);
    expect(isTransient(result.error)).toBe(false);
    expectNoSecret(result.error, vendor.secrets);
    await server.settled();
    expect(server.written()).toBeLessThan(MiB + IN_FLIGHT);
  });

  it("refuses a Content-Length over the cap without reading the body", async () => {
    const server = await serve({ status, totalBytes: HUGE, contentLength: HUGE });
    const result = await vendor.client({ baseUrl: server.url, maxResponseBytes: MiB }).operation();
    expect(!result.ok && result.error.status).toBe("too_large");
    await server.settled();
    expect(server.written()).toBeLessThan(IN_FLIGHT);
  });

  it("through the raw POST, rejects with a too_large failure instead of running out of memory", async () => {
    const server = await serve({ status, totalBytes: HUGE });
    const thrown = await vendor
      .client({ baseUrl: server.url, maxResponseBytes: MiB })
      .raw()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe("too_large");
    await server.settled();
    expect(server.written()).toBeLessThan(MiB + IN_FLIGHT);
  });
});

it("caps at 16 MiB when the option is not given, and reads a body under the cap", async () => {
  const [vendor] = hostileVendors(seededFaker("hostile default cap"));
  const over = await serve({ status: vendor!.success.status, totalBytes: 17 * MiB });
  const result = await vendor!.client({ baseUrl: over.url }).operation();
  expect(!result.ok && result.error.status).toBe("too_large");
  expect(!result.ok && result.error["maxBytes"]).toBe(16 * MiB);
});
