// The jobs that imports through one Userpilot client submitted or followed, which a search of the job list
// for a lost request's job never takes: kept by id up to a bound, and past it by the time the forgotten ones
// were known, so that a long-lived client (a server importing nightly) holds no more than that.
import type { UserpilotClient } from "./client.js";

/**
 * How many followed jobs one client keeps by id (`10_000`, of a full chunk each: a few megabytes of ids).
 * Past that the oldest are forgotten but for {@link FollowedJobs.forgottenUntil}.
 */
export const FOLLOWED_JOBS_KEPT = 10_000;

/**
 * Jobs that imports through one client submitted or followed: never another request's.
 *
 * Why forgetting keeps that. A search for a lost request's job takes only a job that started no earlier
 * than the request was sent, less `clockSkewMs` ({@link lostRequestsJob}). A job started before its id was
 * known here: the `202` that names it is its creation (and gives its `start_time`), and a job found in the
 * list or read from a journal was already in the list. (UNCONFIRMED: one docs page answers a `queued` job
 * with `submitted_at`; were a queued job's `start_time` set only as it leaves the queue, it could start
 * later, which Userpilot's one job at a time, and 409 for another, make unlikely.) So a job known at `t` (our
 * clock) has a start time of `t` at the latest, `clockSkewMs` more should Userpilot's clock run ahead of
 * ours (the option bounds the skew either way). A forgotten job therefore started by `forgottenUntil +
 * clockSkewMs`, and a search takes no job that started by then: a forgotten job is never taken, and none of
 * the ids kept is. What a search gives up so is only a job that started before
 * that time, which lost requests sent before {@link FOLLOWED_JOBS_KEPT} later jobs of the client could
 * hold: their users are sent again, which Userpilot upserts (the way every doubt here errs).
 *
 * The ids are not dropped with the import that followed them (as {@link UnansweredSends} ties requests to
 * their run): an import still running may have a lost request sent before such a job started, and a re-run
 * of a journal may search for a request sent days ago, whose window holds every job of the client since.
 */
export class FollowedJobs {
  /** Each kept id, with when it was first known here (ms, wall clock as job times are read); oldest first. */
  readonly #known = new Map<string, number>();
  #forgottenUntil: number | undefined;

  constructor(private readonly kept = FOLLOWED_JOBS_KEPT) {}

  /** Records `id` as followed now; one already kept keeps the time it was first known (it started before). */
  add(id: string): void {
    if (this.#known.has(id)) return;
    this.#known.set(id, Date.now());
    if (this.#known.size <= this.kept) return;
    // One over the bound: the oldest goes (a Map iterates in insertion order).
    const [oldest, knownMs] = this.#known.entries().next().value ?? ["", Date.now()];
    this.#known.delete(oldest);
    // The latest, not the last: a wall clock set back may have given a later id an earlier time.
    this.#forgottenUntil = Math.max(this.#forgottenUntil ?? knownMs, knownMs);
  }

  /** Whether `id` is kept as followed; a forgotten one is not, and {@link forgottenUntil} covers it. */
  has(id: string): boolean {
    return this.#known.has(id);
  }

  /** How many ids are kept: {@link FOLLOWED_JOBS_KEPT} at most. */
  get size(): number {
    return this.#known.size;
  }

  /**
   * The latest time (ms, our wall clock) at which a job forgotten since was known; undefined while none was
   * forgotten. Every forgotten job started by then (give or take the clock skew): a search takes none that
   * did.
   */
  get forgottenUntil(): number | undefined {
    return this.#forgottenUntil;
  }
}

/**
 * The jobs that imports through `client` submitted or followed, one record per client. Kept per client, not
 * per import: two imports sharing a client share one account, whose job list holds both imports' jobs, and a
 * job another import's request made (as many rows and bytes, for users alike) would otherwise be taken for
 * this one's, its users reported imported. Excluding one errs towards sending again, which Userpilot upserts.
 */
export function followedJobsOf(client: UserpilotClient): FollowedJobs {
  let jobs = FOLLOWED.get(client);
  if (jobs === undefined) FOLLOWED.set(client, (jobs = new FollowedJobs()));
  return jobs;
}

const FOLLOWED = new WeakMap<UserpilotClient, FollowedJobs>();
