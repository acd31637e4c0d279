// An import adapter for engine tests: records known by their `id`, every one valid, each chunk sent by `send`.
import type { ChunkResult, ImportAdapter } from "../../src/core/engine/adapter.js";

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
    send,
    ...overrides,
  };
}

/** A `send` that imports every record of its chunk. */
export const importEvery = (chunk: { readonly items: readonly unknown[] }) =>
  Promise.resolve<ChunkResult<string>>({
    kind: "done",
    outcomes: chunk.items.map(() => ({ ok: true })),
  });
