import type { ApiError } from "../errors/api-error.js";

/** Why a record was refused before anything was sent: the rule it breaks, in words that name the field. */
export interface Rejection {
  /** A stable rule id, `<vendor>.<rule>`, e.g. `fullstory.property_name`. */
  readonly rule: string;
  readonly message: string;
}

/** What one record of a chunk came to at the vendor. */
export type ItemOutcome =
  | {
      readonly ok: true;
      /** The vendor's id for the record, where it gives one. */
      readonly id?: string;
    }
  | {
      readonly ok: false;
      /** The vendor's error code, or ours (`chunk_failed`, …). */
      readonly code: string;
      readonly reason: string;
      /**
       * The failure may pass (network, timeout, 5xx, a job still running): the journal does not record the
       * chunk as finished, so a re-run resumes it instead of keeping the failure.
       */
      readonly transient?: true;
    };

/** A chunk the engine hands to an adapter: validated records, in input order, with their wire form. */
export interface Chunk<Wire> {
  /** 0-based position of the chunk in the import; stable across runs with the same input and options. */
  readonly seq: number;
  readonly items: readonly Wire[];
  /**
   * Each item as the adapter's `serialize` made it, once (adapters build bodies from these without
   * serialising again); empty when the adapter has no `serialize`.
   */
  readonly serialized: readonly string[];
  /** The input keys of the items, for messages and mapping. */
  readonly keys: readonly string[];
}

/** What an adapter may do while it follows a chunk through. */
export interface ChunkContext {
  readonly signal: AbortSignal;
  /**
   * State the adapter saved for this chunk in an earlier, interrupted run (an idempotency key, a job id), or
   * undefined on a first run.
   */
  readonly resumed: Readonly<Record<string, string>> | undefined;
  /**
   * Saves state to the resume journal before the adapter acts on it (e.g. the idempotency key before the
   * request goes out, the job id once it exists), so a re-run can pick the chunk up where it was.
   */
  checkpoint(state: Record<string, string>): void;
  /** Waits (abortably); adapters poll with it so tests and the engine control time. */
  sleep(ms: number): Promise<void>;
}

/**
 * The outcome of a chunk: one outcome per item, in order; or, when the vendor refused the whole chunk in a
 * way that will refuse every other chunk too (bad credentials, no permission), a fatal error that stops the
 * import.
 */
export type ChunkResult =
  | { readonly kind: "done"; readonly outcomes: readonly ItemOutcome[] }
  | { readonly kind: "fatal"; readonly error: ApiError };

/** How a vendor's records are validated, chunked and sent. The engine knows nothing else about a vendor. */
export interface ImportAdapter<Input, Wire = Input> {
  readonly vendor: string;
  /** Hard limits of one request, from the vendor's documentation. */
  readonly limits: {
    /** Most records in one chunk the vendor accepts. */
    readonly maxRecords: number;
    /** Most serialised bytes in one chunk (the sum of the items' JSON), if the vendor caps payloads. */
    readonly maxBytes?: number;
    /** Most chunks in flight at once (1 for vendors that run one job at a time). */
    readonly maxConcurrency?: number;
  };
  /** Defaults the caller may override within the limits. */
  readonly defaults: { readonly chunkRecords: number; readonly concurrency: number };
  /** A short, human key for messages and reports (uid, email, …); never a secret. */
  keyOf(record: Input, index: number): string;
  /** The record in wire form, or every rule it breaks. */
  validate(
    record: Input,
  ):
    | { readonly ok: true; readonly item: Wire }
    | { readonly ok: false; readonly problems: readonly Rejection[] };
  /** The item's wire text (e.g. its JSON); when given, chunks are also cut by `limits.maxBytes`. */
  serialize?(item: Wire): string;
  /** Sends one chunk and follows it through to an outcome per item. Never throws for vendor outcomes. */
  send(chunk: Chunk<Wire>, context: ChunkContext): Promise<ChunkResult>;
}
