/** The signals that stop a run: Ctrl-C, and the SIGTERM of `kill`, `timeout` or a service manager. */
const STOPPING = ["SIGINT", "SIGTERM"] as const;

/** What {@link relayStopSignals} listens on: the process, or a stand-in for it. */
export interface SignalSource {
  on(event: (typeof STOPPING)[number], listener: () => void): unknown;
  off(event: (typeof STOPPING)[number], listener: () => void): unknown;
}

/**
 * Aborts `controller` at the first SIGINT or SIGTERM, which stops the run cleanly (records end as failed,
 * the journal keeps the rest); the next one of either ends the process at once. The listeners of both go at
 * the first, so the signal's default action is back, which the kernel carries out: process.exit() would
 * first wait for reads still pending in the thread pool, forever on an input (a FIFO) whose writer stalls.
 * A listener per signal, each once, kept the other's: a SIGTERM, then Ctrl-C, did not end the process.
 */
export function relayStopSignals(
  controller: AbortController,
  source: SignalSource = process,
): void {
  const stop = () => {
    for (const signal of STOPPING) source.off(signal, stop);
    controller.abort();
  };
  for (const signal of STOPPING) source.on(signal, stop);
}
