import { outsideRequestWaits } from "../http/request-waits.js";
import { monotonicNow } from "../time.js";
import type { ImportProgress } from "./report.js";
import type { ReportBuilder } from "./report-builder.js";

/**
 * What a chunk in flight waits on: the vendor's work on it (a job polled), its turn to be sent again, or a
 * request of its follow-through that the client's transport waits to try again (a `Retry-After`, a backoff).
 */
export type WaitingOn = "vendor" | "retry" | "request";

/**
 * Builds each `onProgress` call: the report's counts, what the chunks in flight wait on, and how long the
 * counts have stood still. While the run is armed, a call is repeated once `heartbeatMs` went by without
 * one, so a caller hears from an import that waits (a vendor's job of minutes, a long `Retry-After`) as from
 * one that works; the timer is unref'd, and {@link stop} ends it for good.
 */
export class ProgressPulse {
  readonly #waiting = new Map<object, WaitingOn>();
  /** The counts of the last call, as text, to tell a call that brings a change from one that does not. */
  #counts: string | undefined;
  #changedAt = monotonicNow();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armed = false;

  constructor(
    // Its counts only: a report of any vendor's codes.
    private readonly report: Pick<ReportBuilder, "progress">,
    private readonly onProgress: ((progress: ImportProgress) => void) | undefined,
    private readonly heartbeatMs: number,
  ) {}

  /**
   * Calls `onProgress` with the counts now (and, while armed, puts the next heartbeat off until it returns).
   * Outside the chunk whose wait may call this: neither `onProgress` nor the heartbeat's timer is any
   * chunk's.
   */
  emit(): void {
    const { onProgress } = this;
    if (onProgress !== undefined) outsideRequestWaits(() => this.#emit(onProgress));
  }

  #emit(onProgress: (progress: ImportProgress) => void): void {
    clearTimeout(this.#timer);
    const counts = this.report.progress();
    const now = monotonicNow();
    const text = Object.values(counts).join(",");
    if (text !== this.#counts) {
      this.#counts = text;
      this.#changedAt = now;
    }
    const waiting = { vendor: 0, retry: 0, request: 0 };
    for (const on of this.#waiting.values()) waiting[on] += 1;
    // Added to the counts' own object, a new one each call: a literal that spreads them and adds these took
    // microseconds a call in Node 20's V8 (~6 µs, 8 with a fourth field), a fifth of an import's time at
    // `progressEvery` 1; assigned to, the object takes a fiftieth of that.
    onProgress(
      Object.assign(counts, {
        waitingOnVendor: waiting.vendor,
        waitingToRetry: waiting.retry,
        waitingToRetryRequest: waiting.request,
        unchangedForMs: Math.max(0, Math.round(now - this.#changedAt)),
      }),
    );
    // After the call: a callback slower than the heartbeat would otherwise be called again as it returns.
    this.#rearm();
  }

  /**
   * `chunk` waits on `on` from now, which a call says at once (each wait of a poll loop is one), unless
   * `announce` is false (it goes back to a wait a call already said: the next call says it); undefined, it
   * waits no more, which the next call says (its chunk's settling, or another chunk's wait).
   */
  waiting(chunk: object, on: WaitingOn | undefined, announce = true): void {
    if (on === undefined) {
      this.#waiting.delete(chunk);
      return;
    }
    this.#waiting.set(chunk, on);
    if (announce) this.emit();
  }

  /** Starts the heartbeat (none without `onProgress`, or with `heartbeatMs` 0). */
  arm(): void {
    if (this.onProgress === undefined || this.heartbeatMs === 0) return;
    this.#armed = true;
    this.#rearm();
  }

  /** Ends the heartbeat: called before the run's last call, nothing of it fires after. */
  stop(): void {
    this.#armed = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #rearm(): void {
    if (!this.#armed) return;
    clearTimeout(this.#timer);
    // Unref'd: a waiting import's heartbeat must not be what keeps a process alive.
    this.#timer = setTimeout(() => this.emit(), this.heartbeatMs);
    this.#timer.unref();
  }
}
