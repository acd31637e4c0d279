// The context the benchmarks call an adapter's `send` with directly: a first attempt, no journal, no waits.
import type { ChunkContext } from "../../src/core/engine/adapter.js";

export const idleContext: ChunkContext = {
  signal: new AbortController().signal,
  resumed: undefined,
  attempt: 0,
  checkpoint: () => {},
  sleep: () => Promise.resolve(),
  count: () => {},
  journaled: false,
  journalLost: () => undefined,
  savedByAnyChunk: () => [],
  vendorDone: () => {},
  releaseItems: () => {},
};
