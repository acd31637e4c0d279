// The first Ctrl-C or SIGTERM stops the run; the next one of either ends the process at once, by the
// signal's default action, which needs the listeners of both gone. Each signal had its own once-listener:
// after a SIGTERM (a service manager, `timeout`), the Ctrl-C of a person waiting for a run stuck on a stalled
// pipe was caught and did nothing; after a Ctrl-C, a SIGTERM (`kill <pid>`) did nothing either.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { relayStopSignals } from "../../src/cli/stop-signals.js";

describe("relayStopSignals", () => {
  for (const [first, second] of [
    ["SIGTERM", "SIGINT"],
    ["SIGINT", "SIGTERM"],
    ["SIGINT", "SIGINT"],
  ] as const) {
    it(`${first}, then ${second}: the first aborts the run, the second finds no listener (the default action)`, () => {
      const signals = new EventEmitter();
      const controller = new AbortController();
      relayStopSignals(controller, signals);
      expect(controller.signal.aborted).toBe(false);

      signals.emit(first);

      expect(controller.signal.aborted).toBe(true);
      expect(signals.listenerCount(second)).toBe(0);
    });
  }
});
