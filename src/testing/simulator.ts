import type { FaultOptions } from "./faults.js";

/** What every simulator's options hold. */
export interface SimulatorOptions {
  /** The path prefix the API is served under (e.g. `"/fs"`), trailing slashes dropped. @default "" */
  basePath?: string | undefined;
}

/** A vendor simulator: a stateful Fetch-API handler that answers as the vendor's spec says. */
export interface VendorSimulator<Vendor extends string = string> {
  /** The vendor's id: `fullstory`, `slashid`, `propeller` or `userpilot`. */
  readonly vendor: Vendor;
  /** The path prefix the simulator serves its API under ("" or absent for the root). */
  readonly basePath?: string;
  /**
   * Answers one request as the vendor would, injecting any fault due; rejects with {@link DropConnection}
   * where the connection should drop unanswered (`serveSimulator` and `simulatorHandlers` do so).
   */
  handle(request: Request): Promise<Response>;
  /** The counts so far: requests, faults, users held, and what would be duplicates at the vendor. */
  stats(): SimulatorStats;
  /**
   * Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept); the
   * random sequence starts again from their `seed`.
   */
  setFaults(faults: FaultOptions): void;
}

/** What a simulator has received and holds, for a test's assertions: every simulator counts these. */
export interface SimulatorStats {
  /** Requests received (faulted ones included), by `METHOD /path-template` below the base path, or
   * `METHOD (unknown route)`. */
  readonly requests: Readonly<Record<string, number>>;
  /** Faults injected, by kind; `scripted` counts a script's `{ answer }` and `{ after }` actions. */
  readonly faults: Readonly<Record<string, number>>;
  /** Users stored, by the vendor's key. */
  readonly users: number;
  /**
   * What would be a duplicate at the vendor: FullStory, two batch jobs for the same content; Userpilot, two
   * jobs (not failed) for the same ids; SlashID, a handle held by two persons; Propeller, two users for one
   * key. Zero after any correct import, however often it was retried or replayed.
   */
  readonly duplicates: number;
  /** Times a later request (job, upload, bulk request) wrote a key again, e.g. a replayed lost answer. */
  readonly rewrites: number;
  /** @deprecated The same as `duplicates`. */
  readonly duplicateWrites: number;
  /** Records the vendor refused on purpose (`rejectRate`, `reject`). */
  readonly rejected: number;
}

/** Thrown by a handler to make the server drop the connection without answering. */
export class DropConnection extends Error {
  /** Always `DropConnection`: the name `String(error)` gives it. */
  override name = "DropConnection";
  constructor() {
    super("connection dropped by the simulator");
  }
}
