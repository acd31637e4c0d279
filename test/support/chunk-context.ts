import type { ChunkContext } from "../../src/core/engine/adapter.js";

/**
 * A context for calling an adapter's `send` directly, as a first attempt with no journal: nothing waits, and
 * what the adapter counts is summed into `events`.
 */
export function chunkContext(overrides: Partial<ChunkContext> = {}): {
  context: ChunkContext;
  events: Record<string, number>;
} {
  const events: Record<string, number> = {};
  const context: ChunkContext = {
    signal: new AbortController().signal,
    resumed: undefined,
    attempt: 0,
    checkpoint: () => {},
    journaled: false,
    journalLost: () => undefined,
    savedByAnyChunk: () => [],
    sleep: async () => {},
    count: (event, n = 1) => {
      events[event] = (events[event] ?? 0) + n;
    },
    vendorDone: () => {},
    releaseItems: () => {},
    ...overrides,
  };
  return { context, events };
}
