import type { OAuthErrorCode } from "../errors/api-error.js";

/**
 * What became of one input record. `Code` types a failed record's `code`: a vendor's import gives its union
 * of failure codes (`RecordOutcome<FullStoryFailureCode>`, …); any string by default.
 */
export type RecordOutcome<Code extends string = string> =
  | {
      /** The record's 0-based position in the input. */
      readonly index: number;
      /**
       * The adapter's key for the record (uid, email, …), or `#<index>` when the record names none (no key
       * field, or one that is not text) or reading it threw.
       */
      readonly key: string;
      /** The vendor confirmed it holds the record. */
      readonly outcome: "imported";
      /** The vendor's id for the record, where the vendor reports one. */
      readonly id?: string;
      /**
       * What the report cannot vouch for: another record of the input had the same key (the vendor keeps one
       * user for both), or the vendor could not tell whether this import or an earlier one created the user.
       */
      readonly warning?: string;
    }
  | {
      /** The record's 0-based position in the input. */
      readonly index: number;
      /**
       * The adapter's key for the record (uid, email, …), or `#<index>` when the record names none (no key
       * field, or one that is not text) or reading it threw.
       */
      readonly key: string;
      /** Sent (or due to be) and refused by the vendor, or its fate was not settled in this run. */
      readonly outcome: "failed";
      /**
       * The vendor's error code, or ours (an `EngineFailureCode`: `chunk_failed`, `aborted`, `fatal`,
       * `no_outcome`): typed as `Code`, the vendor's union of failure codes in a vendor's report
       * (`FullStoryFailureCode`, …), so a `switch` on it narrows and a list of codes handled is checked (a
       * comparison with a literal is not: the union holds the vendor's own codes, any text).
       */
      readonly code: Code;
      /** The vendor's reason, or why the chunk could not be sent. */
      readonly reason: string;
      /**
       * Set when no answer settled the record and the vendor may hold it after all (its request may have
       * arrived, a job it was in may have imported it): check the vendor before sending it elsewhere or
       * counting it missing. The reason says why. Absent, the vendor holds nothing of this record's send.
       */
      readonly vendorMayHold?: true;
    }
  | {
      /** The record's 0-based position in the input. */
      readonly index: number;
      /**
       * The adapter's key for the record (uid, email, …), or `#<index>` when the record names none (no key
       * field, or one that is not text) or reading it threw.
       */
      readonly key: string;
      /** Refused before sending, by a vendor rule or the precheck: never sent. */
      readonly outcome: "rejected";
      /** The rule the record breaks, e.g. `fullstory.property_name`. */
      readonly rule: string;
      /** `record <index> (<key>): ` and what each rule it breaks asks. */
      readonly reason: string;
    };

/** Counts at a moment of an import; a progress bar shows `confirmed` of the input's size. */
export interface ImportProgress {
  /**
   * Records read from the input, each validated (or, after a fatal answer, failed unchecked); at the end, the
   * report's `total`.
   */
  readonly validated: number;
  /** Records refused by validation. */
  readonly rejected: number;
  /**
   * Records in chunks sent to the vendor, or followed up on (an earlier run's send, as `report.chunks.sent`
   * counts it), counted as a chunk is handed to it; a chunk whose request never left (every connection
   * refused, the caller's abort before it went out) is taken back out once that is known, as
   * `report.chunks.sent` does not count it.
   */
  readonly sent: number;
  /** Records whose outcome is known: imported + failed (+ rejected). */
  readonly confirmed: number;
  /**
   * Of `imported` and `failed`, the records of chunks an earlier run with the same journal settled: they
   * count as that run's answers said, and are not sent again, so a rate of this run's work leaves them out.
   * Records that validation refuses are not among them: each run checks them again, and counts them in
   * `rejected`.
   */
  readonly resumed: number;
  /** Records the vendor confirmed it stored. */
  readonly imported: number;
  /** Of `imported`, those whose outcome carries a `warning` (the report's `warned` so far). */
  readonly warned: number;
  /** Records sent (or due to be) that the vendor refused, or whose fate this run could not settle. */
  readonly failed: number;
  /** Of `failed`, those the vendor may hold after all (the report's `vendorMayHold` so far). */
  readonly vendorMayHold: number;
  /**
   * Chunks whose follow-through waits on the vendor's work now: a job still running between its status polls
   * (FullStory's batch jobs, Userpilot's bulk jobs), results not ready yet, another job of the vendor's ahead
   * of it. Each such wait calls `onProgress` as it begins, so a call comes after each poll of a running job.
   * 0 for a vendor that answers each request at once, and in the last call.
   */
  readonly waitingOnVendor: number;
  /**
   * Chunks waiting out the delay before they are sent again after a transient failure (`replayDelayMs`,
   * doubling up to `maxReplayDelayMs`); each such wait calls `onProgress` as it begins. A request the client
   * retries itself is not counted here but in `waitingToRetryRequest`: the chunk is still out. 0 in the last
   * call.
   */
  readonly waitingToRetry: number;
  /**
   * Chunks one of whose requests (a send, a job's status poll, a search) waits inside the client before it
   * is tried again: a `Retry-After` the vendor answered with a 429 or 503, the backoff between tries after a
   * failure that may pass, or its turn under the client's rate limit after a 429 (one the client met for any
   * import through it; a first try waits its turn too). The chunk is still out, and nothing of it failed yet
   * (the client retries the request itself); each such wait calls `onProgress` as it begins, and the chunk
   * counts here until the wait ends (then as waiting on the vendor again, if it was). 0 in the last call.
   * A request several chunks wait for (one access token request for every chunk needing a token) counts
   * each of them; a call the caller's own code makes (from `onProgress`, say) counts none.
   */
  readonly waitingToRetryRequest: number;
  /**
   * Ms since a count above (`validated` to `vendorMayHold`) last changed, by a monotonic clock: 0 in a call
   * that brings a change, growing in the calls made while the import waits (on the vendor, a retry, the
   * input), with the counts unchanged.
   */
  readonly unchangedForMs: number;
}

/**
 * What an import did with each record it read: its counts, one outcome per record, the chunks it sent, and
 * why it stopped early if it did. It never claims more than the vendor confirmed.
 */
export interface ImportReport<Code extends string = string> {
  /** The adapter's vendor id (`fullstory`, `slashid`, `propeller`, `userpilot`, or a custom adapter's). */
  readonly vendor: string;
  /** Records read from the input. Always imported + failed + rejected. */
  readonly total: number;
  /** Records the vendor confirmed it stored. */
  readonly imported: number;
  /**
   * Of the imported records, those whose outcome carries a `warning`: what the report cannot vouch for (a
   * repeated or look-alike key, an import the vendor could not tell was this one's). A record counts once,
   * however many things its warning names, and whatever `keepOutcomes` keeps.
   */
  readonly warned: number;
  /** Records sent (or due to be) that the vendor refused, or whose fate this run could not settle. */
  readonly failed: number;
  /** Of the failed records, those the vendor may hold after all (their outcome's `vendorMayHold`). */
  readonly vendorMayHold: number;
  /** Records refused before sending, by a vendor rule or the precheck. */
  readonly rejected: number;
  /**
   * Per-record outcomes in input order: only failures and rejections when `keepOutcomes` is `problems`, none
   * (an empty list) when it is `none`.
   */
  readonly outcomes: readonly RecordOutcome<Code>[];
  /**
   * How many chunks this run sent (or followed up on an earlier run's send), took from the journal, and sent
   * again.
   */
  readonly chunks: {
    /**
     * Chunks sent in this run, and chunks an earlier run left part-way that this one carried on from the
     * journal (following the job that run's request created, without sending it again). A chunk whose
     * request never left (every connection refused, the caller's abort before it went out) is not counted.
     */
    readonly sent: number;
    /** Chunks whose outcomes came from the journal of an earlier run. */
    readonly resumed: number;
    /**
     * Sends of a chunk again within this run, after a transient failure or a lost answer, and follow-ups of
     * an earlier send in its place (a job polled or searched for): attempts after the first that reached the
     * vendor.
     */
    readonly replayed: number;
  };
  /**
   * What the library met and did along the way, by name, e.g. `reconciled_jobs` (a job a lost request had
   * created, found and followed instead of sending again), `unmatched_entries` (vendor list entries that
   * matched no record), `duplicate_keys` (records whose key an earlier record of the input had), `alike_keys`
   * (records whose key differs from an earlier record's only in letter case, blanks, invisible characters or
   * Unicode form: the vendor may take the two for one user).
   */
  readonly events: Readonly<Record<string, number>>;
  /**
   * True when the caller's signal stopped the import, whether or not the input had been read to its end: the
   * records not yet settled failed `aborted`. So it is in a `JournalError`'s report where a journal that
   * does not fit the input stopped the import at a chunk; not in one the import rejects with once every
   * record was settled, the journal holding chunks past the input's last (that report is whole).
   */
  readonly aborted: boolean;
  /**
   * Set when a vendor answer stopped the import (bad credentials, no permission), or the import stopped
   * itself (its journal could not be written or read): the cause, scrubbed.
   */
  readonly fatal?: string;
  /**
   * Set with `fatal` when a vendor's answer stopped the import: the HTTP status that answer had (401, or a
   * 400 whose `fatalOAuthError` is `invalid_client`, `unauthorized_client` or `invalid_grant`, for
   * credentials refused, 403 for credentials without the permission, a redirect's 3xx), also when it was an
   * OAuth2 token request's, which gave no token (401 for the credentials refused, 404 for a URL with no
   * token endpoint); `auth` when no access token could be had and no answer's status says why. Absent when
   * the import stopped itself (a journal that could not be written).
   */
  readonly fatalStatus?: number | "auth";
  /**
   * Set with `fatalStatus` 400 or 401 when that answer was an OAuth2 token request's refusal with an `error`
   * code (RFC 6749 §5.2), which says what it refused: `invalid_client`, `unauthorized_client` or
   * `invalid_grant`, the client and its credentials; `invalid_request`, `unsupported_grant_type` or
   * `invalid_scope`, the request as it was made. Only one of these six, never the answer's own words
   * (`fatal` quotes them, scrubbed). Absent when the answer had none, as a 400 from a host that is no token
   * endpoint has none, whatever its `error` says (`bad_request`, `not_found`), and when the client secret is
   * that code (it would show it).
   */
  readonly fatalOAuthError?: OAuthErrorCode;
  /**
   * Set when reading the input failed part-way (a truncated file): the records before it are reported. Also
   * beside `aborted`, when the input failed for its own reason as the caller aborted; not when it only threw
   * the abort back (the signal's reason, an error it caused, an `AbortError`, a stream's premature close).
   */
  readonly inputError?: string;
  /**
   * Set when the file at `journal`'s path stopped being the one this run recorded in while it ran, as the run
   * ended: `removed` (a re-run with that path starts a new journal, and sends every record again), or
   * `replaced` by another file, or written by another process (a re-run with that path reads the file now
   * there, which may or may not hold this run's sends). The reasons of records left unsettled say so too.
   * A write to the journal that stopped the run says why in `fatal`; a change after the run's last write
   * stops nothing, and is told here only.
   */
  readonly journalLost?: "removed" | "replaced";
  /** When the import started, as ISO-8601 UTC text (`2026-12-02T10:43:20.000Z`). */
  readonly startedAt: string;
  /** How long it ran, in whole milliseconds of a monotonic clock. */
  readonly durationMs: number;
}
