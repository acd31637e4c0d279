// A signal outlives the waits that follow it: an integrator's shutdown signal, or a run's own, is followed by
// one pause after another, each letting go of it when it ends. Once every follower had let go, a new one must
// still hear the abort: a pause on it that sleeps on past the abort holds a stopped run open for its length.
import { describe, expect, it } from "vitest";
import { abortableSleep } from "../../src/core/time.js";
import { whenAborted } from "../../src/core/when-aborted.js";

describe("a signal followed again after all its followers let go", () => {
  it("a pause begun after earlier pauses ended still ends at the abort, with the signal's reason", async () => {
    const controller = new AbortController();
    await abortableSleep(1, controller.signal);
    await Promise.all([abortableSleep(1, controller.signal), abortableSleep(2, controller.signal)]);

    const pause = abortableSleep(60_000, controller.signal);
    controller.abort(new Error("shutting down"));

    await expect(pause).rejects.toThrow("shutting down");
  });

  it("a follower added after the others let go is run at the abort", () => {
    const controller = new AbortController();
    whenAborted(controller.signal, () => {})();
    let ran = 0;
    whenAborted(controller.signal, () => (ran += 1));
    controller.abort();
    expect(ran).toBe(1);
  });
});
