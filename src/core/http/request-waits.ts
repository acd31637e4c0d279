// Who hears of the waits a call's transport does itself (a `Retry-After`, the backoff between tries, the rate
// limit after a 429): the import engine, for the chunk whose follow-through made the call. The calls are made
// by the caller's client, which the engine never sees, so the chunk is found by the async context the call
// runs in rather than by anything passed along with it; a call several chunks' calls wait for (a shared token
// request) tells each of them, found by its signal (see SharedRequestWaits).
import { AsyncLocalStorage } from "node:async_hooks";

/** What hears of a transport's waits: one begins, and it ended (however: waited out, aborted, refused). */
export interface RequestWaits {
  began(): void;
  ended(): void;
  /**
   * A try of a call that may write (any method but GET and HEAD) goes out now: until one did, a chunk whose
   * journal save failed sent nothing of its records.
   */
  writing?(): void;
}

// Holds undefined where a send's context is left for the caller's (see outsideRequestWaits).
const listening = new AsyncLocalStorage<RequestWaits | undefined>();

/** Sends running inside {@link withRequestWaits}, of every import in the process. */
let running = 0;

/**
 * Runs `work`, telling `waits` of each wait a transport does within it, in any call it makes (awaited or
 * not): the calls it starts carry the async context `work` runs in. `waits` hears of nothing once `work`
 * settled. Once no send runs, the store is switched off: while it is on, Node 20 and 22 run a hook for every
 * promise of the whole process, the integrator's too (promise-heavy code ran about 3 times slower). Node 24
 * keeps the store in async context frames, with no such hook; there, switching it off clears it only in this
 * context, and a call a send left running still carries its store, which tells nothing any more.
 */
export async function withRequestWaits<T>(waits: RequestWaits, work: () => Promise<T>): Promise<T> {
  const held = new HeldWaits(waits);
  running += 1;
  try {
    return await listening.run(held, work);
  } finally {
    held.release();
    running -= 1;
    if (running === 0) listening.disable();
  }
}

/**
 * A send's waits as the store holds them, until the send ended. What a send's calls make keeps the store it
 * was made in for as long as it lives: a keep-alive connection for minutes, through the sends of later
 * chunks. Holding the send's waits, it held the chunk they report on (its records' keys, what matches the
 * vendor's results to them): a heap snapshot of a FullStory import of 1M users found 5 chunks held by nothing
 * else, and V8 lets its heap grow to 3 or 4 times what is live before it collects it.
 */
class HeldWaits implements RequestWaits {
  #waits: RequestWaits | undefined;

  constructor(waits: RequestWaits) {
    this.#waits = waits;
  }

  began(): void {
    this.#waits?.began();
  }

  ended(): void {
    this.#waits?.ended();
  }

  writing(): void {
    this.#waits?.writing?.();
  }

  /** The send ended: nothing more is told, and nothing of it is held. */
  release(): void {
    this.#waits = undefined;
  }
}

/** The shared calls' listeners, by the signal their calls are made under (see {@link SharedRequestWaits}). */
const sharedBySignal = new WeakMap<AbortSignal, SharedRequestWaits>();

/**
 * What hears of a wait beginning now of a call made under `signal` (its Request's): the calls waiting on it
 * when it is a shared one ({@link SharedRequestWaits}), else the send whose async context it runs in;
 * undefined when nothing listens.
 */
export function requestWaits(signal?: AbortSignal | null): RequestWaits | undefined {
  return (signal ? sharedBySignal.get(signal) : undefined) ?? listening.getStore();
}

/**
 * Gives `to`, a signal that follows `from` (a Request's, built with `from` as its signal), the listeners of a
 * shared call made under `from`, if it is one: the transport finds them from the signal of the Request it is
 * handed, as it finds a call's deadline (see `carryDeadline`).
 */
export function carryRequestWaits(
  from: AbortSignal | null | undefined,
  to: AbortSignal | null | undefined,
): void {
  const shared = from ? sharedBySignal.get(from) : undefined;
  if (shared !== undefined && to && to !== from) sharedBySignal.set(to, shared);
}

/**
 * The waits of one call that several calls wait on (a token request, shared by the calls that need a token):
 * each call that {@link join}ed it waits for a request to be retried while one of them lasts, as much as
 * the call that began it. Found by the shared call's signal, not by its async context, which is the one of
 * the call that began it (that call may be no send's, while the calls joining it are; and the store may be
 * off as it begins, which no context begun then would see turned on).
 */
export class SharedRequestWaits implements RequestWaits {
  /** One entry per call joined: two calls of a send waiting on it wait twice, as two of their own would. */
  readonly #joined = new Set<{ readonly waits: RequestWaits }>();
  /** Waits of the shared call under way. */
  #under = 0;

  /** Hears the waits of the calls made under `signal` (and the signals carried from it). */
  constructor(signal: AbortSignal) {
    sharedBySignal.set(signal, this);
  }

  began(): void {
    this.#under += 1;
    // Over a copy: a call joining while this runs hears of this wait from `join`, not a second time here.
    for (const { waits } of [...this.#joined]) waits.began();
  }

  ended(): void {
    if (this.#under === 0) return;
    this.#under -= 1;
    for (const { waits } of [...this.#joined]) waits.ended();
  }

  /**
   * The send whose async context the calling code runs in (if any) waits on the shared call from now until
   * the function returned is called: it hears of each of its waits, of one under way now at once.
   */
  join(): () => void {
    const waits = listening.getStore();
    if (waits === undefined) return () => {};
    const entry = { waits };
    this.#joined.add(entry);
    for (let n = 0; n < this.#under; n++) waits.began();
    return () => {
      if (!this.#joined.delete(entry)) return;
      for (let n = 0; n < this.#under; n++) waits.ended();
    };
  }
}

/**
 * Runs `callback` outside every send's context: what it starts (a call through a client, a timer) tells no
 * send of its waits. For the caller's callbacks, which run inside a send at times (`onProgress` as a wait
 * begins): a lookup one makes waits for the caller, not for the chunk. Nothing changes where no store is on.
 */
export function outsideRequestWaits<T>(callback: () => T): T {
  // `run(undefined)` rather than `exit`: `exit` turns the store off for the whole process while `callback`
  // runs, costing a hook's switch each way (~1.3 µs), and a send `callback` began at once turned it on again,
  // handing what followed the send's store. Only where a store is found, so that this never turns it on.
  return listening.getStore() === undefined ? callback() : listening.run(undefined, callback);
}
