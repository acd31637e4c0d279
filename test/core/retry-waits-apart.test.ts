// `waitingToRetryRequest` counts the chunk whose own call waits in the client (a Retry-After), found by the
// async context the call runs in: never another chunk of the import, nor a chunk of another import through
// the same client (two imports at once through one client are supported), whose calls were answered at once.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { createTransport } from "../../src/core/http/transport.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

/**
 * One transport, as one client's: the first request to `/held` is answered, once `answer` is called, 429
 * with a Retry-After of a minute, whose wait is held until `release`; every other request is answered 200 at
 * once.
 */
function sharedTransport() {
  let turnedAway = false;
  let release = () => {};
  let began = () => {};
  const waiting = new Promise<void>((resolve) => (began = resolve));
  let answer = () => {};
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const transport = createTransport({
    fetch: async (request) => {
      const first = request.url.endsWith("/held") && !turnedAway;
      if (!first) return new Response("{}", { status: 200 });
      turnedAway = true;
      await answered;
      return new Response("{}", { status: 429, headers: { "Retry-After": "60" } });
    },
    rateLimit: false,
    sleep: () => {
      began();
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  /** An adapter whose chunks each send one request, to `/held` for a chunk holding the record `held`. */
  const adapter = (concurrency = 1) =>
    testAdapter<{ id: string }>(
      async (chunk, context) => {
        const path = chunk.items.some((item) => item.id === "held") ? "held" : "at-once";
        const response = await transport(
          new Request(`http://127.0.0.1/${path}`, {
            method: "POST",
            body: "{}",
            signal: context.signal,
          }),
        );
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return importEvery(chunk);
      },
      { defaults: { chunkRecords: 1, concurrency } },
    );
  return { adapter, answer, waiting, release: () => release() };
}

const retrying = (calls: readonly ImportProgress[]) => calls.map((p) => p.waitingToRetryRequest);

describe("waitingToRetryRequest counts only the chunk whose call waits", () => {
  it("not a chunk of another import through the same client, which runs meanwhile", async () => {
    const shared = sharedTransport();
    const first: ImportProgress[] = [];
    const second: ImportProgress[] = [];
    // The first import's request is out, unanswered, while the other import runs whole; then it is answered
    // 429 and its client waits.
    const held = runImport(shared.adapter(), [{ id: "held" }], {
      onProgress: (p) => first.push(p),
    });
    const other = await runImport(shared.adapter(), [{ id: "b0" }, { id: "b1" }], {
      onProgress: (p) => second.push(p),
    });
    shared.answer();
    await shared.waiting;
    expect(other.imported).toBe(2);
    expect(retrying(second).every((n) => n === 0)).toBe(true);
    expect(first.at(-1)).toMatchObject({ sent: 1, confirmed: 0, waitingToRetryRequest: 1 });

    shared.release();
    expect((await held).imported).toBe(1);
    expect(first.at(-1)).toMatchObject({ confirmed: 1, waitingToRetryRequest: 0 });
  });

  it("not another chunk of the import, sent and settled while that one waits", async () => {
    const shared = sharedTransport();
    const calls: ImportProgress[] = [];
    const done = runImport(
      shared.adapter(2),
      [{ id: "held" }, { id: "a1" }, { id: "a2" }, { id: "a3" }],
      { onProgress: (p) => calls.push(p) },
    );
    shared.answer();
    await shared.waiting;
    // Let the other chunks go through while the held one waits.
    for (let i = 0; i < 50 && (calls.at(-1)?.confirmed ?? 0) < 3; i++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(calls.at(-1)).toMatchObject({ confirmed: 3, waitingToRetryRequest: 1 });
    expect(Math.max(...retrying(calls))).toBe(1);

    shared.release();
    const report = await done;
    expect(report.imported).toBe(4);
    expect(calls.at(-1)).toMatchObject({ confirmed: 4, waitingToRetryRequest: 0 });
  });
});
