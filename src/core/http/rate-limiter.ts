import { functionOption, shareOption } from "../options.js";
import { monotonicNow } from "../time.js";

/**
 * How a client's shared rate limiter reacts to the vendor's rate limit (429). Each share is a number from 0
 * to 1 (another value throws a RangeError naming it, such as `rateLimit.backoff`).
 */
export interface RateLimiterOptions {
  /**
   * After a 429, the request rate is set to this share of the pace the vendor took requests at just
   * before it: answers, 5xx and requests left without an answer, over the time a request was out.
   * @default 0.95
   */
  backoff?: number | undefined;
  /**
   * How fast the rate rises again while answers are good, as a share of the rate per second, while it is
   * below the rate at which the last 429 came.
   * @default 0.05
   */
  recovery?: number | undefined;
  /**
   * The same near and above the rate at which the last 429 came: the limiter probes past it slowly, since
   * each probe that finds the limit costs a 429 and a pause for every request.
   * @default 0.003
   */
  probe?: number | undefined;
  /**
   * Our clock, in ms; the transport measures its waits on it too. One that jumps (the wall clock set back)
   * would stretch a pause by the jump.
   * @default a monotonic clock (performance.now)
   */
  now?: (() => number) | undefined;
}

/** Turns whose pace is measured when a 429 comes. */
const WINDOW = 64;
/** Fewest turns a pace is measured from. */
const MIN_SAMPLES = 4;
/**
 * Fewest turns a pace must be measured from to become the ceiling: a few turns just after a drop can say
 * anything, and a ceiling measured too low is one the rate then climbs past only slowly. (The peak takes any
 * pace: with a 429 every few turns, a peak that waited for this many would never be set, and the floor with
 * it.)
 */
const SURE_SAMPLES = 16;

/**
 * One per client: spaces the client's requests once the vendor answered 429. Before the first 429 it does not
 * limit. On a 429, every request waits out its `Retry-After` (not only the one that got it; those waiting for
 * their turns then go one after another at the lowered rate, or before the limiter has measured one, a round
 * trip of the 429 apart, within the pause's length), and the rate drops to `backoff` × the pace at which the
 * vendor took requests just before without a 429. That pace counts answers, 5xx and requests that may have
 * arrived and got no answer (none of these asks us to slow down), over the time a request was out (not while
 * the client sent nothing): counted otherwise, a vendor that also fails now and then, or a client that
 * pauses, measures far below the pace the vendor took, a little lower at each 429; a pace above the rate the
 * requests were sent at is taken as that rate. While answers are good the rate rises again: by `recovery` a
 * second up to near the pace where the 429 came (measured from enough turns to say it), then by `probe`. A
 * 429 for a request sent before the last drop says nothing new and does not lower the rate again. The rate
 * never drops below half the fastest pace taken while limiting: a vendor whose 429s come whatever the rate is
 * paused for each `Retry-After`, not slowed to a crawl.
 */
export class RateLimiter {
  private readonly backoff: number;
  private readonly recovery: number;
  private readonly probe: number;
  private readonly now: () => number;
  /** Requests a second; Infinity until the first 429. */
  private rate = Number.POSITIVE_INFINITY;
  /** The rate the vendor took requests at when the last 429 came. */
  private ceiling = Number.POSITIVE_INFINITY;
  /**
   * The fastest rate the vendor took requests at, measured at a 429 once the limiter was spacing requests
   * (what came before the first 429 may be a burst the vendor's bucket allowed, not a rate it sustains).
   */
  private peak = 0;
  /** When the next request may go. */
  private nextAt = 0;
  private pausedUntil = 0;
  /**
   * With no rate measured, the spacing of the turns a pause held (see {@link spread}), and the time before
   * which a turn reserved is spaced with them.
   */
  private spreadMs = 0;
  private spreadUntil = 0;
  /** The latest a turn a spread spaces is put at, and the most its spacing may be (see {@link spread}). */
  private spreadEnd = 0;
  private spreadCapMs = 0;
  /** Turns handed out, and the count when the rate was last lowered. */
  private turns = 0;
  private loweredAt = -1;
  private raisedAt = 0;
  /** The busy time at which each of the last {@link WINDOW} turns ended without a 429; emptied at a drop. */
  private readonly taken: number[] = [];
  /** Turns handed out and not yet answered or released. */
  private outstanding = 0;
  /** When each turn handed out and not yet ended may go (see {@link giveBack}). */
  private readonly due = new Map<number, number>();
  /** When the request of each turn out went (see {@link pending}), for a 429's round trip. */
  private readonly wentAt = new Map<number, number>();
  /** Turns whose callers still wait to go, in the order they were handed out (see {@link respace}). */
  private readonly waiting = new Set<number>();
  /** The latest time a turn that ended was due at, having gone. */
  private lastWentAt = Number.NEGATIVE_INFINITY;
  /** Ms during which at least one turn was out. */
  private busyMs = 0;
  private lastEventAt = 0;

  constructor(options: RateLimiterOptions = {}) {
    // Unchecked, NaN would turn the limiter off unnoticed, above 1 a 429 would raise the rate, and a
    // negative recovery would lower it while answers are good.
    this.backoff = shareOption("rateLimit.backoff", options.backoff, 0.95);
    this.recovery = shareOption("rateLimit.recovery", options.recovery, 0.05);
    this.probe = shareOption("rateLimit.probe", options.probe, 0.003);
    functionOption("rateLimit.now", options.now);
    this.now = options.now ?? monotonicNow;
  }

  /** Requests a second it lets through now (Infinity when it does not limit). */
  get requestsPerSecond(): number {
    return this.rate;
  }

  /**
   * Reserves the caller's turn: the ms it must wait before sending (0: at once), and its number, to hand
   * back with the answer. `clock` is the time the caller knows it is at least (the end of a wait it
   * was given: a test's sleep returns at once).
   */
  reserve(clock = 0): { readonly waitMs: number; readonly slot: number } {
    this.advance(this.now());
    this.outstanding += 1;
    const now = Math.max(this.now(), clock);
    const spacing = this.spacing(now);
    // Unspaced, a turn does not wait for the last one a spread put off: all that did would go at its time.
    const at = this.spreadLatest(
      Math.max(now, this.pausedUntil, spacing === undefined ? 0 : this.nextAt),
      now,
    );
    if (spacing !== undefined) this.nextAt = at + spacing;
    this.due.set(this.turns, at);
    if (at > now) this.waiting.add(this.turns);
    else this.wentAt.set(this.turns, now);
    return { waitMs: at - now, slot: this.turns++ };
  }

  /**
   * Ends turn `slot`, whose request went but says nothing of the vendor's pace (no connection was made, or
   * its caller gave up while it was out): its time was taken, so the next turns keep their spacing from it.
   */
  release(slot: number): void {
    this.advance(this.now());
    this.outstanding = Math.max(0, this.outstanding - 1);
    this.lastWentAt = Math.max(this.lastWentAt, this.due.get(slot) ?? this.lastWentAt);
    this.due.delete(slot);
    this.wentAt.delete(slot);
    this.waiting.delete(slot);
  }

  /**
   * Ends turn `slot`, whose request was never sent (its caller gave up while it waited for its turn, or its
   * credential could not be had): the next turn may take its time, unless a later turn, still due, follows
   * it. Kept, the times of an import's requests that stopped waiting held back the client's other imports
   * by a turn each, though the vendor never saw them.
   */
  giveBack(slot: number): void {
    this.advance(this.now());
    this.outstanding = Math.max(0, this.outstanding - 1);
    this.due.delete(slot);
    this.wentAt.delete(slot);
    this.waiting.delete(slot);
    const spacing = this.spacing(this.now());
    if (spacing === undefined) return;
    let latest = this.lastWentAt;
    for (const at of this.due.values()) latest = Math.max(latest, at);
    this.nextAt = Math.min(this.nextAt, latest + spacing);
  }

  /**
   * Ms more a caller whose turn came at `clock` must wait: a `Retry-After` that came meanwhile, and for turn
   * `slot`, the later time a 429 put it at (see {@link respace}). Once it returns 0 for `slot`, the caller
   * must send at once: its turn no longer waits, so a later 429 no longer re-spaces it.
   */
  pending(clock = 0, slot?: number): number {
    this.advance(this.now());
    const at = Math.max(this.pausedUntil, slot === undefined ? 0 : (this.due.get(slot) ?? 0));
    const now = Math.max(this.now(), clock);
    const waitMs = Math.max(0, at - now);
    if (waitMs === 0 && slot !== undefined && this.waiting.delete(slot)) this.wentAt.set(slot, now);
    return waitMs;
  }

  /**
   * The request of turn `slot` was answered with `status` (undefined: it may have reached the vendor, but no
   * answer came), and `retryAfterMs` where the answer said.
   */
  answered(slot: number, status: number | undefined, retryAfterMs?: number): void {
    const now = this.now();
    const wentAt = this.wentAt.get(slot) ?? this.due.get(slot);
    this.release(slot);
    if (status === 429) {
      if (retryAfterMs !== undefined)
        this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
      const unmeasured = !Number.isFinite(this.rate);
      this.lower(slot, now);
      if (!Number.isFinite(this.rate) && wentAt !== undefined) this.spread(now, now - wentAt);
      this.respace(now, unmeasured && Number.isFinite(this.rate));
      return;
    }
    this.taken.push(this.busyMs);
    if (this.taken.length > WINDOW) this.taken.shift();
    // Only a good answer raises the rate: a failing vendor is not sent more.
    if (status === undefined || status >= 500 || !Number.isFinite(this.rate)) return;
    const seconds = Math.min(1, (now - this.raisedAt) / 1000);
    if (seconds <= 0) return;
    this.raisedAt = now;
    const share = this.rate < this.ceiling * 0.98 ? this.recovery : this.probe;
    this.rate *= 1 + share * seconds;
  }

  /** A 429 answered turn `slot` at `now`: the rate drops, unless the turn went before the last drop. */
  private lower(slot: number, now: number): void {
    if (slot < this.loweredAt) return;
    // Not above the rate the requests were sent at: answers bunch when a vendor's latency falls. Such a pace
    // taken for the peak would set a floor above the rate (a 429 would raise it), and taken for the ceiling,
    // would have the rate recover at `recovery` past the limit.
    const taken = this.takenRate();
    const measured = taken === undefined ? undefined : Math.min(this.rate, taken);
    const base = measured ?? this.rate;
    if (Number.isFinite(this.rate)) this.peak = Math.max(this.peak, measured ?? 0);
    if (measured !== undefined && this.taken.length >= SURE_SAMPLES) this.ceiling = measured;
    // Never below a share of the fastest pace the vendor took: 429s that come whatever the rate (a
    // vendor's sporadic ones) would otherwise ratchet the rate down to a crawl, each drop measured at the
    // rate the last one left.
    const floor = Math.max(MIN_RATE, this.peak * FLOOR_SHARE);
    this.rate = Number.isFinite(base) ? Math.max(floor, base * this.backoff) : this.rate;
    if (!Number.isFinite(this.rate)) return;
    this.loweredAt = this.turns;
    this.raisedAt = now;
    this.taken.length = 0;
  }

  /**
   * Spaces the turns still waiting at the rate a 429 left (with none, as {@link spread} says), in their
   * order, none sooner than it was due: from the end of the pause a `Retry-After` set, while one runs. A 429
   * without one sets no pause: the first turn keeps its due time, and those after it get the new spacing
   * between them. Left as they were, every turn due within a pause went as it ended, and the next one too: a
   * burst at a vendor that had just asked to slow down, which likely answers 429 again. At the first rate
   * measured (`measured`), what a spread put off past the pause is not kept: it was spaced for no rate, up
   * to a round trip a turn, and kept, held every turn after it as long, at the pace it now measures.
   */
  private respace(now: number, measured = false): void {
    const spacing = this.spacing(now);
    if (spacing === undefined) return;
    let at = this.pausedUntil;
    for (const slot of this.waiting) {
      const was = this.due.get(slot) ?? at;
      const due = this.spreadLatest(
        Math.max(at, measured ? Math.min(was, Math.max(now, this.pausedUntil)) : was),
        now,
      );
      this.due.set(slot, due);
      at = due + spacing;
    }
    this.nextAt = measured ? at : Math.max(this.nextAt, at);
  }

  /**
   * A 429 that took `roundTripMs` came at `now`, before the limiter measured a rate: the turns its pause
   * holds go one round trip apart from its end, as one caller alone would send them (a probe, each next one
   * when the one before would be answered); each caller whose request is answered then sends again at once,
   * as before the first 429, so the requests out rise by one a round trip. Left as they were, they all went
   * as the pause ended, at a vendor that had just said "too many". A turn reserved within a round trip of the
   * pause's end is spread too: a call that got a 429 retries once its own wait of the same `Retry-After`
   * ended. The 429s of a burst take the longest of their round trips. A lone request has none to spread.
   * The spread takes no longer than the pause did, nor a turn over {@link SPREAD_MAX_MS}: a round trip
   * can last up to the call's timeout (30 s), and spaced by it, 16 callers' held turns took minutes. Its
   * spacing is at most the pause shared by the requests out as it began (each sends again, or retries);
   * a turn reserved later that would go past its end goes at it.
   */
  private spread(now: number, roundTripMs: number): void {
    const spreading = now < this.spreadUntil;
    if (this.pausedUntil <= now || (this.outstanding === 0 && !spreading)) return;
    const pauseMs = this.pausedUntil - now;
    if (!spreading) this.spreadCapMs = Math.min(SPREAD_MAX_MS, pauseMs / (this.outstanding + 1));
    this.spreadMs = Math.min(
      this.spreadCapMs,
      Math.max(spreading ? this.spreadMs : 0, roundTripMs),
    );
    this.spreadUntil = this.pausedUntil + this.spreadMs;
    this.spreadEnd = Math.max(spreading ? this.spreadEnd : 0, this.pausedUntil + pauseMs);
  }

  /** `at`, or with no rate measured, no later than the spread's end: what it spaces ends with it. */
  private spreadLatest(at: number, now: number): number {
    return Number.isFinite(this.rate)
      ? at
      : Math.min(at, Math.max(now, this.pausedUntil, this.spreadEnd));
  }

  /** Ms between turns at `now`: at the rate, or with none, while a pause's turns are spread; else none. */
  private spacing(now: number): number | undefined {
    if (Number.isFinite(this.rate)) return 1000 / this.rate;
    return now < this.spreadUntil ? this.spreadMs : undefined;
  }

  /**
   * Turns taken a second of busy time over the window (emptied at each drop), undefined with too few. Busy
   * time is time with a turn out (waiting for its slot or in flight): a while in which the client sent
   * nothing (its own retry backoff, reading input) does not pass for the vendor's pace.
   */
  private takenRate(): number | undefined {
    const first = this.taken[0];
    if (first === undefined || this.taken.length < MIN_SAMPLES) return undefined;
    const span = this.busyMs - first;
    return span > 0 ? ((this.taken.length - 1) * 1000) / span : undefined;
  }

  private advance(now: number): void {
    // With no rate measured, a turn waits only for a pause or a spread: while all wait, the client sends
    // nothing, and counted, the first pace measured after a spread was as slow as the spread.
    const held = Number.isFinite(this.rate) ? 0 : this.waiting.size;
    if (this.outstanding > held) this.busyMs += Math.max(0, now - this.lastEventAt);
    this.lastEventAt = now;
  }
}

/** The most a spread spaces turns (see {@link RateLimiter.spread}). */
const SPREAD_MAX_MS = 1_000;
/** Never below one request in ten seconds: a limiter must not stall a client for good. */
const MIN_RATE = 0.1;
/** The share of the fastest well-answered rate the limiter never goes below. */
const FLOOR_SHARE = 0.5;
