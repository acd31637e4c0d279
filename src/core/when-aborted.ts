/** The one abort listener of each signal something waits on, and what it runs, in the order asked. */
const followers = new WeakMap<AbortSignal, { listener: () => void; runs: Set<() => void> }>();

/**
 * Runs `run` once when `signal` aborts (at once if it has); the returned function lets go of it. A signal that
 * many calls wait on at once (an import's run signal, a client's `signal` option, with a call and a pause per
 * chunk in flight) holds one listener however many follow it, and none once none does: a listener each would
 * pass Node's default of 10 at a concurrency of 6 and print a MaxListenersExceededWarning ("possible memory
 * leak") on the integrator's console.
 */
export function whenAborted(signal: AbortSignal, run: () => void): () => void {
  if (signal.aborted) {
    run();
    return () => {};
  }
  let held = followers.get(signal);
  if (held === undefined) {
    const runs = new Set<() => void>();
    const listener = () => {
      followers.delete(signal);
      // A copy: a follower may let go of another as it runs.
      for (const follower of [...runs]) if (runs.delete(follower)) follower();
    };
    held = { listener, runs };
    followers.set(signal, held);
    signal.addEventListener("abort", listener, { once: true });
  }
  const { listener, runs } = held;
  // A function of its own, so the same `run` following twice is let go of once each.
  const entry = () => run();
  runs.add(entry);
  return () => {
    if (!runs.delete(entry) || runs.size > 0 || followers.get(signal)?.runs !== runs) return;
    followers.delete(signal);
    signal.removeEventListener("abort", listener);
  };
}
