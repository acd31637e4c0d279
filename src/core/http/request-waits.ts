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

// Holds undefined where a send's context is left for the caller's (see outsideRequestWaits).
const listening = new AsyncLocalStorage<RequestWaits | undefined>();

/** Sends running inside {@link withRequestWaits}, of every import in the process. */
let running = 0;

/**
 * Runs `work`, telling `waits` of each wait a transport does within it, in any call it makes (awaited or
 * not): the calls it starts carry the async context `work` runs in. Once no send runs, the store is switched
 * off: while it is on, Node 20 runs a hook for every promise of the whole process, the integrator's too
 * (promise-heavy code ran about 3 times slower).
 */
export async function withRequestWaits<T>(waits: RequestWaits, work: () => Promise<T>): Promise<T> {
  running += 1;
  try {
    return await listening.run(waits, work);
  } finally {
    running -= 1;
    if (running === 0) listening.disable();
  }
}

/** What hears of a wait beginning now, in the call's async context; undefined when nothing listens. */
export function requestWaits(): RequestWaits | undefined {
  return listening.getStore();
}

/**
 * Runs `callback` outside every send's context: what it starts (a call through a client, a timer) tells no
 * send of its waits. For the caller's callbacks, which run inside a send at times (`onProgress` as a wait
 * begins): a lookup one makes waits for the caller, not for the chunk. Nothing changes where no store is on.
 */
export function outsideRequestWaits<T>(callback: () => T): T {
  // `run(undefined)` rather than `exit`: `exit` turns the store off for the whole process while `callback`
  // runs, costing a hook's switch each way (~1.3 µs), and a send `callback` began at once turned it on again,
  // handing what followed the send's store. Only where a store is found, so the store is never turned on here.
  return listening.getStore() === undefined ? callback() : listening.run(undefined, callback);
}
