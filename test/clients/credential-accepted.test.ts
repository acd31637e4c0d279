// A client tells when the vendor first accepts its credential (a 2xx answer), which a journal resumed after a
// credential was rotated waits for before it names the new account: a 401 or 403 refuses the credential,
// and a 429 or 5xx may come from a gateway in front of the vendor's authentication, so neither says so. Each
// vendor's adapter hands the engine its client's word.
import { describe, expect, it, vi } from "vitest";
import type { Destined } from "../../src/core/client/destination.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { simulatorSettings } from "../../src/vendor-module.js";
import { VENDORS } from "../../src/vendors.js";

const json = (status: number) => () =>
  Promise.resolve(
    new Response(JSON.stringify({ id: "u1", message: "m", code: "c" }), {
      status,
      headers: { "content-type": "application/json" },
    }),
  );

/** A FullStory client whose every call the vendor answers with `status`, and a call of it. */
function answeredWith(status: number) {
  const client = createFullStoryClient({ apiKey: "k1", maxRetries: 0, fetch: json(status) });
  return { client, call: () => client.getUser({ params: { path: { id: "u1" } } }) };
}

describe("whenCredentialAccepted", () => {
  it.each([401, 403, 404, 429, 500, 503])(
    "a %i is no word that the credential was accepted",
    async (status) => {
      const { client, call } = answeredWith(status);
      const listener = vi.fn();
      client.whenCredentialAccepted(listener);
      await call();
      expect(listener).not.toHaveBeenCalled();
    },
  );

  it("a 2xx is: the listener is told once, before the call that asked reads the answer", async () => {
    const { client, call } = answeredWith(200);
    const order: string[] = [];
    client.whenCredentialAccepted(() => order.push("accepted"));
    const result = await call().then((answer) => {
      order.push("answer read");
      return answer;
    });
    await call();
    expect(result.ok).toBe(true);
    expect(order).toEqual(["accepted", "answer read"]);
  });

  it("a listener dropped is not told; one that throws leaves the call its answer", async () => {
    const { client, call } = answeredWith(200);
    const dropped = vi.fn();
    client.whenCredentialAccepted(dropped)();
    client.whenCredentialAccepted(() => {
      throw new Error("listener broke");
    });
    const told = vi.fn();
    client.whenCredentialAccepted(told);
    const result = await call();
    expect(result.ok).toBe(true);
    expect(dropped).not.toHaveBeenCalled();
    expect(told).toHaveBeenCalledOnce();
  });

  it("an async listener that rejects leaves the call its answer, and no rejection unhandled", async () => {
    const { client, call } = answeredWith(200);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      // As a caller in JavaScript (or without a lint rule against it) may give one.
      const rejecting = (() => Promise.reject(new Error("async listener broke"))) as () => void;
      client.whenCredentialAccepted(rejecting);
      const result = await call();
      expect(result.ok).toBe(true);
      // Node reports a rejection left unhandled once the microtasks of the tick ran out.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("Propeller: a token issued (2xx) is no word that the API takes the client; the API's 2xx is", async () => {
    let apiStatus = 401;
    const fetch = (input: Request | string | URL) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith("/oauth2/token"))
        return Promise.resolve(
          Response.json({ access_token: "t0k3n-issued", expires_in: 1800, token_type: "Bearer" }),
        );
      return Promise.resolve(
        Response.json({ data: [], messages: [], total: 0 }, { status: apiStatus }),
      );
    };
    const client = createPropellerClient({
      clientId: "client-2",
      clientSecret: "s3cret-of-client-2",
      maxRetries: 0,
      fetch,
    });
    const call = () =>
      client.bulkUsersBySourceId({ body: { users: [{ source: "CRM", sourceId: "1" }] } });
    const listener = vi.fn();
    client.whenCredentialAccepted(listener);

    expect((await call()).ok).toBe(false);
    expect(listener).not.toHaveBeenCalled();
    apiStatus = 200;
    await call();
    expect(listener).toHaveBeenCalledOnce();
  });

  it.each(VENDORS.map((vendor) => [vendor.name, vendor] as const))(
    "%s: the adapter gives the engine its client's word",
    (_, vendor) => {
      const client = vendor.createClient(simulatorSettings(vendor), {
        baseUrl: "http://127.0.0.1:9",
      });
      const adapter = vendor.createAdapter(client, {});
      const unwatch = () => {};
      const watch = vi.spyOn(client as Destined, "whenCredentialAccepted").mockReturnValue(unwatch);
      const listener = () => {};
      expect(adapter.whenCredentialAccepted?.(listener)).toBe(unwatch);
      expect(watch).toHaveBeenCalledWith(listener);
    },
  );
});
