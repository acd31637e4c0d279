// The `sleep` option of clients, the engine and adapters, for tests that must not wait for real but check
// which waits were asked for (retry back-off, Retry-After, poll intervals, replay delays).

/** A sleep that returns at once and appends each requested wait to `waits`. */
export function loggedSleep(waits: number[]): (ms: number) => Promise<void> {
  return (ms) => {
    waits.push(ms);
    return Promise.resolve();
  };
}
