// Who hears of the waits a call's transport does itself (a `Retry-After`, the backoff between tries, the rate
// limit after a 429): the import engine, for the chunk whose follow-through made the call. The calls are made
// by the caller's client, which the engine never sees, so the chunk is found by the async context the call
// runs in rather than by anything passed along with it.
import { AsyncLocalStorage } from "node:async_hooks";

/** What hears of a transport's waits: one begins, and it ended (however: waited out, aborted, refused). */
export interface RequestWaits {
  began(): void;
  ended(): void;
}

const listening = new AsyncLocalStorage<RequestWaits>();

/**
 * Runs `work`, telling `waits` of each wait a transport does within it, in any call it makes (awaited or
 * not): the calls it starts carry the async context `work` runs in.
 */
export function withRequestWaits<T>(waits: RequestWaits, work: () => T): T {
  return listening.run(waits, work);
}

/** What hears of a wait beginning now, in the call's async context; undefined when nothing listens. */
export function requestWaits(): RequestWaits | undefined {
  return listening.getStore();
}
