// While the library's async context store is on, Node 20 runs a hook for every promise of the integrator's
// whole process (promise-heavy code ran about 3 times slower): it is on only while a send runs.
import { describe, expect, it } from "vitest";
import {
  requestWaits,
  withRequestWaits,
  type RequestWaits,
} from "../../src/core/http/request-waits.js";

const waits = (): RequestWaits => ({ began() {}, ended() {} });

/** A promise and the function that settles it. */
function held(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("the store of a send's waits", () => {
  it("is off once no send runs: a call a send left running no longer carries it", async () => {
    const later = held();
    // Left running by the send, as an adapter's call may be.
    const seen = withRequestWaits(waits(), () =>
      Promise.resolve({ left: later.promise.then(() => requestWaits()) }),
    );
    const { left } = await seen;
    later.release();
    expect(await left).toBeUndefined();
  });

  it("stays on while another send runs, for that send's calls", async () => {
    const first = held();
    const second = held();
    const mine = waits();
    const a = withRequestWaits(waits(), () => first.promise);
    const b = withRequestWaits(mine, async () => {
      await second.promise;
      return requestWaits();
    });
    first.release();
    await a;
    second.release();
    expect(await b).toBe(mine);
  });
});
