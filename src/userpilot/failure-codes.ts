import type {
  EngineFailureCode,
  RequestFailureCode,
  VendorCode,
} from "../core/engine/failure-codes.js";

/**
 * The `code` of a user the Userpilot adapter failed (Userpilot reports per job, so every user of a job
 * gets the same one):
 * - `job_failed`: the job ended `failed`;
 * - `job_timeout`: the job was still running after `jobTimeoutMs`, or a request following it (its status, the
 *   job list searched for the job of a request whose answer was lost) was given up at a wait past that time
 *   (a re-run with the journal resumes it);
 * - `job_conflict`: another bulk job kept running for `jobTimeoutMs`, or a submission while it ran was given
 *   up at a wait (a `429`'s `Retry-After`) past that time (a re-run tries again);
 * - `job_lost`: Userpilot answered 404 for the job it accepted (read as a job it no longer knows;
 *   UNCONFIRMED): whether the users were imported is unknown (a re-run with the journal polls the job again);
 * - `payload_too_large`: one user alone is larger than Userpilot accepts (413);
 * - `held_back`: not sent: after a 413 split the chunk, the half before this user's holds an earlier record
 *   of a user of its half and is not settled yet (to be sent or followed again), and Userpilot presumably keeps the values written last
 *   (UNCONFIRMED). Transient: it goes once that half is settled, in a replay or, if that half is left to one,
 *   a re-run;
 * - `aborted`: the import was aborted while a job ran or a submission waited;
 * - `job_mismatch`: Userpilot answered `202` with a job that is not this request's (more rows than were sent
 *   or fewer than their distinct user_ids, or a job another chunk of this import, or another import through
 *   the same client, follows), or the job's status showed so. Transient: a replay looks for the request's
 *   own job in the job list, and sends the users again only when there is none; or, for a status that named
 *   another job, polls the job again;
 * - `malformed`: Userpilot accepted the request but answered without a usable job id. Transient, like
 *   `job_mismatch`;
 * - Userpilot's own `error_code` for a refused request, as it gives it, else `"400"`;
 * - another {@link RequestFailureCode}: a request failed (`"429"`, `"network"`, …);
 * - an {@link EngineFailureCode} (`fatal`, `chunk_failed`, `no_outcome`), which the engine gives.
 */
export type UserpilotFailureCode =
  | "job_failed"
  | "job_timeout"
  | "job_conflict"
  | "job_lost"
  | "job_mismatch"
  | "payload_too_large"
  | "held_back"
  | RequestFailureCode
  | EngineFailureCode
  | VendorCode;
