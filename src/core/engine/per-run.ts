import type { ChunkContext } from "./adapter.js";

/**
 * What an adapter keeps for one import run, made by `make` when a run's first chunk asks for it. Keyed by the
 * run's signal (one for all its chunks, another for each run): an adapter given to runImport again, or to two
 * at once, keeps each run's apart, and lets it go with the run.
 */
export function perRun<T>(make: (context: ChunkContext) => T): (context: ChunkContext) => T {
  const runs = new WeakMap<AbortSignal, T>();
  return (context) => {
    if (runs.has(context.signal)) return runs.get(context.signal) as T;
    const made = make(context);
    runs.set(context.signal, made);
    return made;
  };
}
