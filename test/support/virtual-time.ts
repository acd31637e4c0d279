// A clock that only moves when everything in flight is waiting: sleeps resolve in the order of their due
// times, so concurrent waits overlap as they would in real time, and no test waits for real.
import { setImmediate as turn } from "node:timers/promises";

export class VirtualTime {
  now = 0;
  private timers: { at: number; wake: () => void }[] = [];

  readonly clock = () => this.now;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.timers.push({ at: this.now + ms, wake });
    });

  /** Runs `work` to its end, moving the clock to the next due sleep whenever nothing else can run. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => {
      done = true;
    });
    while (!done) {
      for (let i = 0; i < 20 && !done; i++) await turn();
      if (done || this.timers.length === 0) continue;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift()!;
      this.now = Math.max(this.now, next.at);
      next.wake();
    }
    return result;
  }
}
