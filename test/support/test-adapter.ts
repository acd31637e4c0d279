// An import adapter for engine tests: records known by their `id`, every one valid, each chunk sent by `send`.
import type { ChunkResult, ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import type { ImportReport } from "../../src/core/engine/report.js";

export function testAdapter<T extends { id: string }>(
  send: ImportAdapter<T>["send"],
  overrides: Partial<ImportAdapter<T>> = {},
): ImportAdapter<T> {
  return {
    vendor: "test",
    replay: { by: "none", why: "the test vendor could import twice" },
    limits: { maxRecords: 10 },
    defaults: { chunkRecords: 2, concurrency: 1 },
    keyOf: (record) => record.id,
    validate: (record) => ({ ok: true, item: record }),
    scrub: (text) => text,
    // Tests whose send makes a request make it through the package's transport (see `sendingThrough`).
    writesSeen: true,
    send,
    ...overrides,
  };
}

/** The outcome of one record whose `id` throws `message` when read, imported through {@link testAdapter}. */
export async function outcomeOfThrowingRecord(message: string) {
  const record = {
    get id(): string {
      throw new Error(message);
    },
  };
  const adapter = testAdapter<{ id: string }>(() => Promise.reject(new Error("never sent")));
  return (await runImport(adapter, [record])).outcomes[0];
}

/** The outcome of one record the test vendor refuses (`refused`) with `reason`. */
export async function outcomeOfRefusal(reason: string) {
  const adapter = testAdapter<{ id: string }>((chunk) =>
    Promise.resolve({
      kind: "done",
      outcomes: chunk.items.map(() => ({ ok: false, code: "refused", reason })),
    }),
  );
  return (await runImport(adapter, [{ id: "u0" }])).outcomes[0];
}

/** A `send` that imports every record of its chunk. */
export const importEvery = (chunk: { readonly items: readonly unknown[] }) =>
  Promise.resolve<ChunkResult<string>>({
    kind: "done",
    outcomes: chunk.items.map(() => ({ ok: true })),
  });

/**
 * A `send` that makes one request through `transport` under the chunk's signal (an error unless it is 2xx),
 * then imports every record of its chunk.
 */
export const sendingThrough =
  (
    transport: (request: Request) => Promise<Response>,
    method = "POST",
  ): ImportAdapter<{ id: string }>["send"] =>
  async (chunk, context) => {
    const request = new Request("http://127.0.0.1/import", {
      method,
      body: "{}",
      signal: context.signal,
    });
    const response = await transport(request);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return importEvery(chunk);
  };

/**
 * A run of `records` on `journal` held at its first send while `second` runs (given an adapter that counts the
 * chunks it sends): two runs on one journal at once. The second run's result (or its error), the chunks it
 * sent, and the first run's report once it is let go.
 */
export async function whileARunSends<T extends { id: string }>(
  journal: string,
  records: readonly T[],
  second: (adapter: ImportAdapter<T>) => Promise<unknown>,
): Promise<{ second: unknown; sent: number; first: ImportReport }> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered = () => {};
  const sending = new Promise<void>((resolve) => (entered = resolve));
  let sent = 0;
  const first = runImport(
    testAdapter<T>(async (chunk) => {
      entered();
      await gate;
      return importEvery(chunk);
    }),
    records,
    { journal },
  );
  await sending;
  const outcome = await second(
    testAdapter<T>((chunk) => {
      sent += 1;
      return importEvery(chunk);
    }),
  ).then(
    (value) => value,
    (error: unknown) => error,
  );
  release();
  return { second: outcome, sent, first: await first };
}
