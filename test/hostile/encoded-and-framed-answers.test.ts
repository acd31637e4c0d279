// Answers broken below the JSON: in their content encoding (fetch inflates gzip, deflate and br by itself, so
// the bytes the client counts are not those on the wire), their framing (a Content-Length the body does not
// match, an interim 1xx), their text encoding, or their pace. Whatever comes, the caller gets a documented
// variant, never data from a body it could not read whole; an answer to a write that cannot be read is a lost
// answer (transient), not a refusal; and a body is cut at `maxResponseBytes` and `timeoutMs`. (What a cut costs
// in memory and time is a benchmark's to measure, not a test's.)
import { brotliCompressSync, constants, createBrotliCompress, gzipSync } from "node:zlib";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import { isTransient, isUnreadableSuccess } from "../../src/core/errors/transient.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { serveFrames, type Frame } from "./loopback.js";
import { hostileVendors, type HostileVendor, type Outcome } from "./vendors.js";

const MiB = 1024 * 1024;
/** What a bomb inflates to: 64 times the cap the calls are given. */
const BOMB = 64 * MiB;

/** A gzip bomb as members that each inflate to 4 MiB of spaces (gunzip reads one member after another). */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(4 * MiB, " "), { level: 9 });
  return Buffer.concat(Array.from({ length: BOMB / (4 * MiB) }, () => member));
}

async function brotliBomb(): Promise<Buffer> {
  // The fastest quality: a bomb is cheap to make.
  const encoder = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
  const out: Buffer[] = [];
  encoder.on("data", (chunk: Buffer) => out.push(chunk));
  const chunk = Buffer.alloc(MiB, " ");
  for (let written = 0; written < BOMB; written += MiB) {
    if (!encoder.write(chunk)) await new Promise((resolve) => encoder.once("drain", resolve));
  }
  await new Promise((resolve) => encoder.end(resolve));
  return Buffer.concat(out);
}

const bombs: Record<string, Buffer> = {};
beforeAll(async () => {
  bombs["gzip"] = gzipBomb();
  bombs["br"] = await brotliBomb();
});

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function answer(status: number, headers: readonly string[], body: string | Uint8Array = ""): Frame {
  return [
    `HTTP/1.1 ${status} Answer\r\n${[...headers, "Connection: close"].join("\r\n")}\r\n\r\n`,
    body,
  ];
}

const json = "Content-Type: application/json";
const length = (body: string | Uint8Array) => `Content-Length: ${Buffer.byteLength(body)}`;

async function call(
  vendor: HostileVendor,
  frame: () => Frame,
  options: { intervalMs?: number; client?: Partial<CommonClientOptions> } = {},
): Promise<Outcome> {
  const server = await serveFrames(frame, options.intervalMs);
  close = () => server.close();
  return vendor.client({ baseUrl: server.url, maxRetries: 0, ...options.client }).operation();
}

/**
 * Sends every request but a token request, which it answers in memory: no I/O, so the token is issued
 * before any timer runs, and a client's timeoutMs, however short and the machine however slow, can end only
 * the call's own request.
 */
function tokenAtOnce(request: Request): Promise<Response> {
  if (!new URL(request.url).pathname.endsWith("/oauth2/token")) return fetch(request);
  const token = { access_token: "t".repeat(24), expires_in: 1800, token_type: "Bearer" };
  return Promise.resolve(Response.json(token));
}

function failed(result: Outcome): Extract<Outcome, { ok: false }>["error"] {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return result.error;
}

describe.each(hostileVendors(seededFaker("hostile encoded and framed answers")))(
  "$name",
  (vendor) => {
    const { status } = vendor.success;
    const body = JSON.stringify(vendor.success.body);

    it.each([
      { name: "a gzip bomb without a Content-Length", encoding: "gzip", declared: false },
      { name: "a br bomb under its Content-Length", encoding: "br", declared: true },
    ])("$name is cut at maxResponseBytes of inflated bytes", async ({ encoding, declared }) => {
      const bomb = bombs[encoding]!;
      const headers = [json, `Content-Encoding: ${encoding}`];
      const result = await call(
        vendor,
        () => answer(status, declared ? [...headers, length(bomb)] : headers, bomb),
        { client: { maxResponseBytes: MiB } },
      );
      expect(failed(result)).toMatchObject({
        status: "too_large",
        maxBytes: MiB,
        httpStatus: status,
      });
    });

    it.each([
      [
        "gzip declared over a plain body",
        () => answer(status, [json, "Content-Encoding: gzip", length(body)], body),
      ],
      [
        "gzip and br applied in the wrong order",
        () => {
          const wrong = gzipSync(Buffer.from(body));
          return answer(status, [json, "Content-Encoding: gzip, br", length(wrong)], wrong);
        },
      ],
      [
        "a Content-Length past the body, then the connection closed",
        () => answer(status, [json, `Content-Length: ${Buffer.byteLength(body) + 10}`], body),
      ],
      [
        "an unsolicited 100 Continue before the answer",
        () => ["HTTP/1.1 100 Continue\r\n\r\n", ...answer(status, [json, length(body)], body)],
      ],
    ])("%s: network, transient, the write not confirmed", async (_name, frame) => {
      const error = failed(await call(vendor, frame));
      expect(error.status).toBe("network");
      expect(isTransient(error)).toBe(true);
      expect(error.cannotHaveArrived).toBeUndefined();
    });

    it.each([
      [
        "a gzip stream cut halfway",
        () => {
          const whole = gzipSync(Buffer.from(body));
          const cut = whole.subarray(0, Math.floor(whole.length / 2));
          return answer(status, [json, "Content-Encoding: gzip", length(cut)], cut);
        },
      ],
      [
        "a Content-Length short of the body",
        () => answer(status, [json, `Content-Length: ${Buffer.byteLength(body) - 3}`], body),
      ],
      [
        "UTF-16 JSON",
        () => {
          const utf16 = Buffer.from(`\ufeff${body}`, "utf16le");
          return answer(
            status,
            ["Content-Type: application/json; charset=utf-16", length(utf16)],
            utf16,
          );
        },
      ],
    ])("%s: malformed, an unreadable success, never data", async (_name, frame) => {
      const error = failed(await call(vendor, frame));
      expect(error).toMatchObject({ status: "malformed", httpStatus: status });
      expect(isUnreadableSuccess(error)).toBe(true);
    });

    it.each([
      [
        "an interim 103 Early Hints first",
        () => [
          "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
          ...answer(status, [json, length(body)], body),
        ],
      ],
      [
        "a UTF-8 byte order mark before the JSON",
        () => {
          const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
          return answer(status, [json, length(marked)], marked);
        },
      ],
      [
        "gzip, then br, as declared",
        () => {
          const both = brotliCompressSync(gzipSync(Buffer.from(body)));
          return answer(status, [json, "Content-Encoding: gzip, br", length(both)], both);
        },
      ],
    ])("%s: the answer as sent", async (_name, frame) => {
      const result = await call(vendor, frame);
      expect(result).toMatchObject({ ok: true, status, data: vendor.success.body });
    });

    it("a body that trickles in without end times out within timeoutMs", async () => {
      function* trickle(): Frame {
        yield `HTTP/1.1 ${status} Answer\r\n${json}\r\nTransfer-Encoding: chunked\r\n\r\n`;
        for (;;) yield "1\r\n \r\n";
      }
      // One try: a retry under a loaded machine may meet a connection the server is closing (network).
      // Propeller's token is issued at once: the 100 ms would end a token request too, which on a loaded
      // machine could take longer (the call then failed `network`, no access token, the trickle never met).
      const client = { timeoutMs: 100, maxRetries: 0, fetch: tokenAtOnce };
      const error = failed(await call(vendor, trickle, { intervalMs: 10, client }));
      expect(error).toMatchObject({ status: "timeout", timeoutMs: 100 });
    });

    it("a 429 whose Retry-After comes twice, a huge number and a date far away: each wait is maxRetryAfterMs", async () => {
      const waits: number[] = [];
      const server = await serveFrames(() =>
        answer(
          429,
          [
            json,
            "Retry-After: 99999999999",
            "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT",
            "Content-Length: 2",
          ],
          "{}",
        ),
      );
      close = () => server.close();
      const result = await vendor
        .client({
          baseUrl: server.url,
          maxRetries: 2,
          maxRetryAfterMs: 2_000,
          sleep: (ms: number) => {
            waits.push(ms);
            return Promise.resolve();
          },
        })
        .operation();
      expect(result.ok).toBe(false);
      expect(waits).toEqual([2_000, 2_000]);
    });
  },
);
