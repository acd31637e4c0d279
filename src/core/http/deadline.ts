import { monotonicNow } from "../time.js";
import { whenAborted } from "../when-aborted.js";

/** The deadline each signal a deadline made (or was carried to) ends its calls at. */
const deadlines = new WeakMap<AbortSignal, CallDeadline>();

/**
 * A time by which the calls made under {@link CallDeadline.signal} must be over: a job's time, which the
 * transport's retries and their waits (a `Retry-After`, a backoff) must not outlast. A wait that cannot end
 * in time is not begun: the transport then ends the call ({@link CallDeadline.expire}). A try under way is
 * not cut short (its own timeout bounds it): a call with no time left still asks once, as a replay of a job
 * that spent its time must (the job may have ended since), and an answer on its way when the time runs out
 * is the vendor's word, read rather than thrown away. Its signal aborts when `parent` does (with its reason)
 * or when it expires; {@link CallDeadline.passed} tells the two apart, so the caller's abort is reported as
 * one.
 */
export class CallDeadline {
  /** When the time is up, in {@link monotonicNow} ms. */
  readonly at: number;
  private readonly controller = new AbortController();
  private readonly unfollow: () => void;
  private cause: string | undefined;

  /** A deadline `ms` from now (never, for Infinity), for calls that `parent` aborts too. */
  constructor(
    private readonly parent: AbortSignal | undefined,
    ms: number,
  ) {
    this.at = monotonicNow() + ms;
    deadlines.set(this.controller.signal, this);
    this.unfollow =
      parent === undefined
        ? () => {}
        : whenAborted(parent, () => this.controller.abort(parent.reason));
  }

  /** What the calls are given: aborts with `parent`, or once the deadline expires. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the time ran out before `parent` aborted: the deadline, not the caller, ended the calls. */
  get passed(): boolean {
    return this.cause !== undefined && this.parent?.aborted !== true;
  }

  /** What ended the calls at the deadline (the wait asked for), once {@link CallDeadline.passed}. */
  get why(): string | undefined {
    return this.passed ? this.cause : undefined;
  }

  /**
   * Ends the calls now: a wait that would outlast the deadline was asked for, which `why` names (`a retry
   * after HTTP 429 would wait 2 min`), for the reason of what the calls leave unsettled.
   */
  expire(why: string): void {
    if (this.controller.signal.aborted) return;
    this.cause = why;
    this.controller.abort(new Error(`the time given to these calls ran out: ${why}`));
  }

  /** Lets go of the parent's signal; call it once the calls are over. */
  release(): void {
    this.unfollow();
  }
}

/** The deadline `signal`'s calls must end by, if a {@link CallDeadline} made it or was carried to it. */
export function deadlineOf(signal: AbortSignal | null | undefined): CallDeadline | undefined {
  return signal === null || signal === undefined ? undefined : deadlines.get(signal);
}

/**
 * Gives `to`, a signal that follows `from` (a Request's, built with `from` as its signal), the deadline of
 * `from`, if it has one: the transport reads it from the signal of the Request it is handed.
 */
export function carryDeadline(
  from: AbortSignal | null | undefined,
  to: AbortSignal | null | undefined,
): void {
  const deadline = deadlineOf(from);
  if (deadline !== undefined && to !== null && to !== undefined && to !== from)
    deadlines.set(to, deadline);
}

/**
 * What {@link callWithin} gives when the time ran out before the call was answered: `timedOut` names the
 * wait that would have outlasted it (`a retry after HTTP 429 would wait 2 min`).
 */
export interface TimedOut {
  readonly timedOut: string;
}

/**
 * Makes `call` with a signal that `signal` aborts and whose retries and waits end `ms` from now (0 or less:
 * it is tried once, not again); {@link TimedOut} when the call failed because the time ran out, not because
 * `signal` aborted. With `ms` undefined, the call is made with `signal` as it is.
 */
export async function callWithin<T extends { readonly ok: boolean }>(
  signal: AbortSignal,
  ms: number | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T | TimedOut> {
  if (ms === undefined) return call(signal);
  const deadline = new CallDeadline(signal, Math.max(0, ms));
  try {
    const answer = await call(deadline.signal);
    const why = answer.ok ? undefined : deadline.why;
    return why === undefined ? answer : { timedOut: why };
  } finally {
    deadline.release();
  }
}
