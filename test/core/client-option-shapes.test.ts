// README "Client options": every option is checked when the client is made, one error naming the option
// and its rule. Before, a JavaScript caller's junk was taken and failed later, deep in a run: a `fetch`,
// `onRetry` or `sleep` that is not a function failed every call or the first retry; a `userAgent` with a
// line break failed every call; a rate limiter share of NaN turned the limiter off unnoticed (above 1, a 429
// raised the rate); a FullStory `region` it does not have, a missing key or a `baseUrl` that is no string
// failed with "Cannot read properties of undefined"; a missing SlashID or Propeller credential was sent as
// the text "undefined". A caller's `sleep` that rejected made the call "aborted by the caller".
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { matching } from "../support/matchers.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const faker = seededFaker("client option shapes");
const baseUrl = "http://127.0.0.1:9";
const key = faker.string.alphanumeric(32);
/** Options as a JavaScript caller may pass them, whatever the types say. */
const untyped = <T>(options: object) => options as T;

type Factory = (extra: object) => unknown;
const FACTORIES: Record<string, Factory> = {
  fullstory: (extra) => createFullStoryClient(untyped({ apiKey: key, baseUrl, ...extra })),
  slashid: (extra) =>
    createSlashIdClient(untyped({ apiKey: key, orgId: "org", baseUrl, ...extra })),
  propeller: (extra) =>
    createPropellerClient(untyped({ clientId: "id", clientSecret: key, baseUrl, ...extra })),
  userpilot: (extra) => createUserpilotClient(untyped({ apiKey: key, baseUrl, ...extra })),
};

/** What making the client threw, as `{ type, message }`, or "made" when it did not throw. */
function refusal(make: () => unknown): { type: string; message: string } | "made" {
  try {
    make();
  } catch (error) {
    return { type: (error as Error).constructor.name, message: (error as Error).message };
  }
  return "made";
}

describe.each(Object.entries(FACTORIES))("%s client", (_vendor, make) => {
  it.each([
    ["fetch", "globalThis.fetch", 'fetch: expected a function, got "globalThis.fetch"'],
    ["onRetry", 5, "onRetry: expected a function, got 5"],
    ["sleep", true, "sleep: expected a function, got true"],
    ["signal", "abort", "signal: expected an AbortSignal, got a string"],
    ["signal", {}, "signal: expected an AbortSignal, got an object"],
    // Listens as a signal does, but has no `aborted` to tell a call to stop.
    ["signal", new EventTarget(), "signal: expected an AbortSignal, got an EventTarget"],
    // A value pasted from a config file: the message shows its first 40 characters.
    ["fetch", "f".repeat(100), `fetch: expected a function, got "${"f".repeat(40)}"`],
  ])("refuses %s = %j by name", (name, value, message) => {
    expect(refusal(() => make({ [name]: value }))).toEqual({ type: "TypeError", message });
  });

  it.each([
    [{ backoff: Number.NaN }, "rateLimit.backoff: expected a share from 0 to 1, got NaN"],
    [{ backoff: 2 }, "rateLimit.backoff: expected a share from 0 to 1, got 2"],
    [{ recovery: -0.5 }, "rateLimit.recovery: expected a share from 0 to 1, got -0.5"],
    [
      { probe: Number.POSITIVE_INFINITY },
      "rateLimit.probe: expected a share from 0 to 1, got Infinity",
    ],
    [{ probe: "0.01" }, 'rateLimit.probe: expected a share from 0 to 1, got "0.01"'],
  ])("refuses rateLimit %j by the setting's name", (rateLimit, message) => {
    expect(refusal(() => make({ rateLimit }))).toEqual({ type: "RangeError", message });
  });

  it("refuses a rateLimit that is neither false nor settings, and a clock that is no function", () => {
    expect(refusal(() => make({ rateLimit: true }))).toEqual({
      type: "TypeError",
      message: "rateLimit: expected false or an object of settings, got true",
    });
    expect(refusal(() => make({ rateLimit: { now: 5 } }))).toEqual({
      type: "TypeError",
      message: "rateLimit.now: expected a function, got 5",
    });
  });

  // Node's fetch refuses, at each call, every control character but tab (ESC, DEL too), and one past Latin-1.
  it.each(["my-app\r\nX-Injected: 1", "app\u0000", "app\u001b[31m", "app\u007f", "app ✓", 42])(
    "refuses a userAgent no header can carry: %j",
    (userAgent) => {
      expect(refusal(() => make({ userAgent }))).toEqual({
        type: "TypeError",
        message: matching(/^userAgent: expected text a header can carry/),
      });
    },
  );

  // A timeout of 0 would fail every call; a negative, NaN or endless wait would retry at once or never.
  it.each([
    ["timeoutMs", 0, "a duration in ms from 1 to 2147483647"],
    ["retryBaseDelayMs", -1, "a duration in ms from 0 to 2147483647"],
    ["retryMaxDelayMs", Number.NaN, "a duration in ms from 0 to 2147483647"],
    ["maxRetryAfterMs", Number.POSITIVE_INFINITY, "a duration in ms from 0 to 2147483647"],
    ["maxRetries", -1, "a whole number ≥ 0"],
    ["maxResponseBytes", 0, "a whole number ≥ 1"],
  ])("refuses %s = %s by name", (name, value, rule) => {
    expect(refusal(() => make({ [name]: value }))).toEqual({
      type: "RangeError",
      message: `${name}: expected ${rule}, got ${String(value)}`,
    });
  });

  it("refuses a rateLimit of null, naming it", () => {
    expect(refusal(() => make({ rateLimit: null }))).toEqual({
      type: "TypeError",
      message: "rateLimit: expected false or an object of settings, got null",
    });
  });

  it("refuses a baseUrl that is not a string, naming it", () => {
    expect(refusal(() => make({ baseUrl: new URL(baseUrl) }))).toEqual({
      type: "TypeError",
      message: "baseUrl must be a string, got object",
    });
  });

  it("takes every option in range, and false for rateLimit", () => {
    const options = {
      fetch: (request: Request) => fetch(request),
      onRetry: () => {},
      sleep: () => Promise.resolve(),
      signal: new AbortController().signal,
      rateLimit: { backoff: 1, recovery: 0, probe: 0.5, now: Date.now },
      userAgent: "crm-sync/2.1 (ops@example.com)",
    };
    expect(refusal(() => make(options))).toBe("made");
    expect(refusal(() => make({ rateLimit: false }))).toBe("made");
  });
});

describe("credentials and host settings", () => {
  it.each([
    ["fullstory", "apiKey", () => createFullStoryClient(untyped({}))],
    ["userpilot", "apiKey", () => createUserpilotClient(untyped({ apiKey: 42 }))],
    ["slashid", "apiKey", () => createSlashIdClient(untyped({ orgId: "org" }))],
    ["slashid", "orgId", () => createSlashIdClient(untyped({ apiKey: key, orgId: null }))],
    ["propeller", "clientId", () => createPropellerClient(untyped({ clientSecret: key }))],
    ["propeller", "clientSecret", () => createPropellerClient(untyped({ clientId: "id" }))],
  ])("%s refuses a missing %s by name", (_vendor, name, make) => {
    expect(refusal(make)).toEqual({
      type: "TypeError",
      message: matching(
        new RegExp(`^${name}: expected a non-empty string, got (undefined|number|null)$`),
      ),
    });
  });

  it("an empty or blank key is refused, and the message never holds what was given", () => {
    expect(refusal(() => createFullStoryClient({ apiKey: "" }))).toEqual({
      type: "TypeError",
      message: "apiKey: expected a non-empty string, got an empty string",
    });
    expect(refusal(() => createUserpilotClient({ apiKey: " \r\n" }))).toEqual({
      type: "TypeError",
      message: "apiKey: expected a non-empty string, got only whitespace",
    });
  });

  it.each([
    [
      "fullstory",
      "apiKey",
      "a line break",
      () => createFullStoryClient({ apiKey: `${key}\n${key}` }),
    ],
    ["userpilot", "apiKey", "a NUL", () => createUserpilotClient({ apiKey: `${key}\0` })],
    [
      "slashid",
      "apiKey",
      "a character beyond Latin-1",
      () => createSlashIdClient({ apiKey: `${key}€`, orgId: "org" }),
    ],
    ["slashid", "orgId", "a CR", () => createSlashIdClient({ apiKey: key, orgId: "org\rx" })],
  ])(
    "%s refuses an %s holding %s, which no header can carry, without quoting it",
    (_v, name, _what, make) => {
      // Before, the client was made and every call threw fetch's TypeError instead of returning a result.
      expect(refusal(make)).toEqual({
        type: "TypeError",
        message: `${name}: expected text a header can carry (no control character but tab, none beyond Latin-1)`,
      });
    },
  );

  it.each(["clientId", "clientSecret"])(
    "propeller refuses a %s holding a lone surrogate, which its form body would send changed",
    (name) => {
      const options = { clientId: "id", clientSecret: key, [name]: `${key}\ud800` };
      expect(refusal(() => createPropellerClient(options))).toEqual({
        type: "TypeError",
        message: `${name}: expected well-formed text, got a lone surrogate in it`,
      });
    },
  );

  it("a key read with a trailing CRLF is still taken (fetch strips it from the header)", () => {
    expect(refusal(() => createUserpilotClient({ apiKey: `${key}\r\n`, baseUrl }))).toBe("made");
    expect(refusal(() => createFullStoryClient({ apiKey: ` ${key}\t`, baseUrl }))).toBe("made");
  });

  it("userpilot takes a key with a line break before it, and sends `Token <key>` without it", async () => {
    // Untrimmed, the break would sit inside `Token \n<key>`, where fetch throws on every call.
    const sent: (string | null)[] = [];
    const client = createUserpilotClient({
      apiKey: `\n${key}`,
      maxRetries: 0,
      fetch: (request) => {
        sent.push(request.headers.get("authorization"));
        return Promise.resolve(Response.json([]));
      },
    });
    await client.listBackgroundJobs();
    expect(sent).toEqual([`Token ${key}`]);
  });

  it("fullstory takes a key read with a byte order mark, and sends the key without it", async () => {
    const sent: (string | null)[] = [];
    const job = { id: "job-1", status: "PROCESSING", created: "2026-01-01T00:00:00.000Z" };
    const client = createFullStoryClient({
      apiKey: `\uFEFF${key}\n`,
      maxRetries: 0,
      fetch: (request) => {
        sent.push(request.headers.get("authorization"));
        return Promise.resolve(Response.json({ imports: 0, job }));
      },
    });
    const { data } = await client.raw.GET("/v2/users/batch/{job_id}", {
      params: { path: { job_id: job.id } },
    });
    expect(data?.job.id).toBe(job.id);
    expect(sent).toEqual([`Basic ${key}`]);
  });

  it("fullstory refuses a region it does not have, as the other vendors refuse an environment", () => {
    for (const region of ["us", "toString", "EU1"]) {
      expect(refusal(() => createFullStoryClient(untyped({ apiKey: key, region })))).toEqual({
        type: "TypeError",
        message: "region must be one of na1, eu1; use baseUrl for another host",
      });
    }
    expect(createFullStoryClient({ apiKey: key, region: "eu1" }).destination).toMatch(
      /^https:\/\/api\.eu1\.fullstory\.com /,
    );
  });
});

describe("a caller's sleep that rejects", () => {
  it("fails the call with its own error, not as an abort the caller never made", async () => {
    let calls = 0;
    const client = createUserpilotClient({
      apiKey: key,
      baseUrl,
      fetch: () => {
        calls += 1;
        return Promise.resolve(new Response(null, { status: 503 }));
      },
      sleep: () => Promise.reject(new Error("timer service down")),
    });
    await expect(client.getBackgroundJob({ params: { path: { job_id: "j1" } } })).rejects.toThrow(
      "timer service down",
    );
    expect(calls).toBe(1);
  });
});

describe("the engine's signal", () => {
  it("a signal that is not an AbortSignal is refused by name before anything is read", async () => {
    let read = 0;
    const adapter = testAdapter<{ id: string }>(importEvery);
    function* users() {
      read += 1;
      yield { id: "u1" };
    }
    await expect(runImport(adapter, users(), untyped({ signal: "stop" }))).rejects.toThrow(
      new TypeError("signal: expected an AbortSignal, got a string"),
    );
    expect(read).toBe(0);
  });
});

describe("a call's signal", () => {
  // The AbortController passed in place of its signal failed with "signal.addEventListener is not a
  // function", "Invalid value used as weak map key" or "Cannot read properties of null", naming nothing.
  it.each([
    [new AbortController(), "an AbortController"],
    // A string there may be the client's key, given in the wrong place: its kind is told, never its text.
    ["sk_live_0123456789abcdef", "a string"],
    [null, "null"],
    // Its text could not be made: the check threw "Cannot convert object to primitive value".
    [Object.create(null) as unknown, "an object"],
  ])("that is not an AbortSignal is refused by name, nothing sent: %s", async (signal, shown) => {
    let sent = 0;
    const client = createUserpilotClient({
      apiKey: key,
      baseUrl,
      fetch: () => {
        sent += 1;
        return Promise.resolve(new Response(null, { status: 404 }));
      },
    });
    await expect(
      client.getBackgroundJob(untyped({ params: { path: { job_id: "j1" } }, signal })),
    ).rejects.toThrow(
      new TypeError(`getBackgroundJob: the call's signal: expected an AbortSignal, got ${shown}`),
    );
    // A raw call's too, where undici's refusal named no call (null is fetch's "no signal" there).
    if (signal !== null)
      await expect(
        client.raw.GET("/v1/background_jobs/{job_id}", {
          params: { path: { job_id: "j1" } },
          signal: signal as AbortSignal,
        }),
      ).rejects.toThrow(
        new TypeError(`raw: the call's signal: expected an AbortSignal, got ${shown}`),
      );
    expect(sent).toBe(0);
  });

  it("of another realm, by its shape, is taken by a raw call, whose abort it carries", async () => {
    let sent = 0;
    const client = createUserpilotClient({
      apiKey: key,
      baseUrl,
      maxRetries: 0,
      fetch: (input) =>
        new Promise<Response>((_, reject) => {
          sent += 1;
          const { signal } = input;
          signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
    });
    const controller = new AbortController();
    const real = controller.signal;
    const shaped = {
      get aborted() {
        return real.aborted;
      },
      get reason(): unknown {
        return real.reason as unknown;
      },
      addEventListener: real.addEventListener.bind(real),
      removeEventListener: real.removeEventListener.bind(real),
      throwIfAborted: () => real.throwIfAborted(),
    };
    const call = client.raw.GET("/v1/background_jobs/{job_id}", {
      params: { path: { job_id: "j1" } },
      signal: shaped as unknown as AbortSignal,
    });
    await vi.waitFor(() => expect(sent).toBe(1));
    controller.abort(new Error("stopped by the caller"));
    await expect(call).rejects.toThrow();
    expect(sent).toBe(1);
  });
});

describe("a userAgent a header can carry", () => {
  it("with a tab or a Latin-1 letter: the client is made, and its calls carry it", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers["user-agent"]);
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createUserpilotClient({
        apiKey: key,
        baseUrl: `http://127.0.0.1:${port}`,
        userAgent: "crm\tsync café",
        maxRetries: 0,
      });
      await client.getBackgroundJob({ params: { path: { job_id: "j1" } } });
      expect(seen).toEqual([matching(/ crm\tsync café$/)]);
    } finally {
      server.close();
    }
  });
});
