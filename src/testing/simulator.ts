import type { FaultOptions } from "./faults.js";

/**
 * A vendor simulator: a stateful Fetch-API handler that answers as the vendor's spec says, built on the
 * simulator core (`kit/`), which routes by the spec's operations and injects faults and scripted answers.
 */
export interface VendorSimulator {
  readonly vendor: string;
  /** The path prefix the simulator serves its API under ("" or absent for the root). */
  readonly basePath?: string;
  /** Answers one request as the vendor would. */
  handle(request: Request): Promise<Response>;
  /** What the simulator has seen and done, for assertions (e.g. no user imported twice). */
  stats(): SimulatorStats;
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
}

export interface SimulatorStats {
  /** Requests answered, by `METHOD /path-template`. */
  readonly requests: Readonly<Record<string, number>>;
  /** Faults injected, by kind. */
  readonly faults: Readonly<Record<string, number>>;
  /** Users stored, by the vendor's key. */
  readonly users: number;
  /**
   * What would be a duplicate at the vendor, in the vendor's own terms: FullStory, two batch jobs for the
   * same batch content (under different idempotency keys); Userpilot, two jobs (not failed) for the same set
   * of ids; SlashID, a handle held by two persons; Propeller, two users for one source + sourceId +
   * language. Zero after any correct import, however often it was retried or replayed.
   */
  readonly duplicates: number;
  /**
   * Harmless re-writes: times a separate request (job, upload, bulk request) upserted a key that an earlier
   * one had already written. Replays of lost answers make these; they are not duplicates.
   */
  readonly rewrites: number;
  /** @deprecated The same as `duplicates`; kept for existing callers. */
  readonly duplicateWrites: number;
  /** Records the vendor rejected on purpose (the `rejectRate` fault). */
  readonly rejected: number;
}

/** Thrown by a handler to make the server drop the connection without answering. */
export class DropConnection extends Error {
  constructor() {
    super("connection dropped by the simulator");
    this.name = "DropConnection";
  }
}
