// For `vi.mock("../../src/core/time.js", …)` in CLI tests that retry against failing or unreachable vendors:
// backoff stays real but waits at most 10 ms, so those tests take milliseconds. Nothing may assert on timing.
import type * as Time from "../../src/core/time.js";

/** The time module with every abortable sleep cut to at most 10 ms. */
export async function shortBackoff(
  importOriginal: () => Promise<typeof Time>,
): Promise<typeof Time> {
  const actual = await importOriginal();
  return {
    ...actual,
    abortableSleep: (ms: number, signal?: AbortSignal) =>
      actual.abortableSleep(Math.min(ms, 10), signal),
  };
}
