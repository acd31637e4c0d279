import type { FaultOptions } from "../faults.js";
import type { JobClockOptions } from "../kit/job-clock.js";
import type { SimulatorOptions } from "../simulator.js";

/**
 * How {@link createFullStorySimulator} behaves: the key it expects, how long a batch job runs, paging,
 * faults, and how much it remembers.
 */
export interface FullStorySimulatorOptions extends JobClockOptions, SimulatorOptions {
  /** Expected as `Authorization: Basic <apiKey>`. @default "sim-key" */
  apiKey?: string | undefined;
  /**
   * `rejectRate` and `reject` fail batch records (`simulated_rejection`); `reject` is asked with
   * `uid:<uid>`, else `id:<id>`, else `email:<email>`.
   */
  faults?: FaultOptions | undefined;
  /**
   * Status polls a batch job answers `PROCESSING` before it ends. Such a job takes no time on the simulator's
   * clock: its `finished` is its `created`, however late the polls came.
   * @default 2
   */
  processingPolls?: number | undefined;
  /**
   * A job ends (and is `finished`) this many ms of `now()` after its creation; overrides `processingPolls`.
   * `rowsPerMinute` overrides both, counting each user on its own (FullStory runs up to 100 at once).
   */
  processingMs?: number | undefined;
  /** Results per page of `/imports` and `/errors`. @default 1000 */
  pageSize?: number | undefined;
  /**
   * Batch jobs in progress at which a batch create answers 429.
   * @default 200 (FullStory's: the spec's `x-429-at-in-progress-jobs`)
   */
  maxInProgressJobs?: number | undefined;
  /**
   * Users in jobs in progress at which a batch create answers 429.
   * @default 500000 (FullStory's: the spec's `x-429-at-operations-in-flight`)
   */
  maxOperationsInFlight?: number | undefined;
  /**
   * What the simulator remembers. `"all"` keeps every user and every job's results (about 2 GB a million
   * users; how long FullStory keeps a job's results is not documented). `"recent"` keeps memory bounded for
   * long runs: once a job has ended and each of its non-empty lists was read to its last page, it joins the
   * read jobs; when more than `recentJobs` of those are kept, the oldest loses its lists (`/imports` and
   * `/errors` then answer 404) and the users it wrote last are forgotten. Within a job everything answers as
   * with `"all"`, and status polls and idempotent replays keep working for every job. Given up: a forgotten
   * user sent again counts as new (a new FullStory id, no rewrite; a record with only its `id` fails
   * `user_not_found`), `users()` and the `users` stat hold only the users kept, and a `reject`/`rejectRate`
   * verdict is judged anew.
   * @default "all"
   */
  retention?: "all" | "recent" | undefined;
  /** With `retention: "recent"`: read jobs whose lists and users are kept. @default 8 */
  recentJobs?: number | undefined;
}
