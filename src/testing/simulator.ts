/** A vendor simulator: a stateful Fetch-API handler that answers as the vendor's spec says. */
export interface VendorSimulator {
  readonly vendor: string;
  /** The base URL path the simulator serves under ("" for the root). */
  handle(request: Request): Promise<Response>;
  /** What the simulator has seen and done, for assertions (e.g. no user imported twice). */
  stats(): SimulatorStats;
}

export interface SimulatorStats {
  /** Requests answered, by `METHOD /path-template`. */
  readonly requests: Readonly<Record<string, number>>;
  /** Faults injected, by kind. */
  readonly faults: Readonly<Record<string, number>>;
  /** Users stored, by the vendor's key. */
  readonly users: number;
  /** Keys whose user was written more than once by separate imports (a duplicate import). */
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
