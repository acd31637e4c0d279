import type { ApiError } from "../errors/api-error.js";
import type { Unprocessed } from "../errors/unprocessed.js";

/**
 * Why a record was refused before anything was sent: the rule it breaks, in words that name the field and
 * never repeat its value (see `RuleProblems` in core/validate for the whole policy).
 */
export interface Rejection {
  /** A stable rule id, `<vendor>.<rule>`, e.g. `fullstory.property_name`. */
  readonly rule: string;
  /** `<field path>: <what the rule asks>`, e.g. `emails.0: not an email address (…)`. */
  readonly message: string;
}

/** A record checked against the vendor's rules: its wire form, or every rule it breaks. */
export type Validation<Wire> =
  | {
      /** The record passes every confirmed rule of the vendor. */
      readonly ok: true;
      /** The record in the vendor's wire form, as it goes into a chunk. */
      readonly item: Wire;
      /**
       * What the record breaks of the vendor's UNCONFIRMED rules (e.g. a value outside a list not known
       * to be closed): it is sent anyway, and the report carries these as the imported record's `warning`.
       */
      readonly warnings?: readonly string[];
    }
  | {
      /** The record is rejected and never sent. */
      readonly ok: false;
      /**
       * Every rule it breaks: the report's `rule` is the first one's, its `reason` joins all their messages.
       */
      readonly problems: readonly Rejection[];
    };

/**
 * What one record of a chunk came to at the vendor. `Code` is the adapter's union of failure codes (each
 * vendor exports its own, e.g. `FullStoryFailureCode`); the engine reads any string.
 */
export type ItemOutcome<Code extends string = string> =
  | {
      /** The vendor holds the record: the report counts it imported. */
      readonly ok: true;
      /** The vendor's id for the record, where it gives one. */
      readonly id?: string;
      /**
       * What the vendor could not tell us about this import (e.g. a person that may have existed before);
       * the report carries it as the record's `warning`.
       */
      readonly note?: string;
      /**
       * The part of `note` that speaks of what this send's write may have left at the vendor (a list written
       * twice), and so holds however an earlier send's answer confirmed the record: where the engine keeps
       * that earlier import, it adds this to its note. The rest of `note` speaks of this answer only (an id
       * it left out, an action it named), which is not true of an import an earlier answer gave.
       */
      readonly resentNote?: string;
    }
  | {
      /** The vendor refused the record, or what became of it is not known (see `transient`). */
      readonly ok: false;
      /** The vendor's error code, or ours (`chunk_failed`, …). */
      readonly code: Code;
      /** Why, in words for the report; the engine scrubs it with the adapter's `scrub` first. */
      readonly reason: string;
      /**
       * The failure may pass (network, timeout, 5xx, a lost answer): the engine sends the chunk again within
       * the run (through the adapter's `replay` semantics), and the journal does not record the chunk as
       * finished while such a failure remains, so a re-run resumes it instead of keeping the failure.
       */
      readonly transient?: true;
      /**
       * With `transient`: only a later run can settle it (a job still running when its time ran out, another
       * job blocking): the engine does not send the chunk again within this run.
       */
      readonly later?: true;
      /**
       * With `transient`: the request the failure is about wrote nothing of the record, for certain: it never
       * reached the vendor (`not_sent`), or the vendor turned it away with 429 or 503 (`turned_away`), and
       * no earlier try of it may have arrived. Only then does the engine leave out that the vendor may hold
       * the record when a fatal answer or an abort follows; absent, a transient failure counts as possibly
       * written. `failedBy(error, "write")` sets it (see `unprocessedBy`).
       */
      readonly unprocessed?: Unprocessed;
      /**
       * What this send, should it have written the record (a failure that may have), may have left at the
       * vendor beyond it (a list written twice): where an earlier send's answer imported the record, the
       * engine adds this to that import's note, as it does an import's `resentNote`.
       */
      readonly resentNote?: string;
      /**
       * The vendor may hold the record after all: the request that carried it may have written it (an
       * answer lost, a job that ran on, a send again whose fate is unknown). This mark, not `reason`,
       * decides the report's `vendorMayHold`: set it wherever `reason` says so, and only there (a vendor's
       * words quoted in `reason` never do). The engine keeps it on an outcome it adds to, and sets it where
       * its own notes say so (a send it replayed, a stop while the chunk was out).
       */
      readonly vendorMayHold?: true;
      /**
       * With `vendorMayHold`, on a failure that may not pass: the vendor's answer about the record's job or
       * request (a job it accepted, a list that names the record or no longer does, no outcome given for it)
       * is why, which says more than an earlier refusal of the record: the engine keeps this failure over
       * that refusal, as it does not a refusal that an earlier try may have written (the refusal answered
       * for that try). `jobMayHold` in chunk-outcomes sets it.
       */
      readonly jobMayHold?: true;
    };

/** A chunk the engine hands to an adapter: validated records, in input order, with their wire form. */
export interface Chunk<Wire> {
  /** 0-based position of the chunk in the import; stable across runs with the same input and options. */
  readonly seq: number;
  /** The records; empty once the adapter called {@link ChunkContext.releaseItems} (`keys` stays whole). */
  readonly items: readonly Wire[];
  /**
   * Each item as the adapter's `serialize` made it, once (adapters build bodies from these without
   * serialising again); empty when the adapter has no `serialize`.
   */
  readonly serialized: readonly string[];
  /** The input keys of the items, one per item, for messages and mapping. */
  readonly keys: readonly string[];
  /**
   * The items whose key (or an identity, see `identitiesOf`) a record of an earlier chunk had (the vendor
   * keeps one user for both), by position, with that record's index in the input; absent when there are
   * none. A vendor's answer that the user already exists may be about that record's user, not a sign that an
   * earlier send of this chunk arrived.
   */
  readonly repeated?: ReadonlyMap<number, number>;
}

/** What an adapter may do while it follows a chunk through. */
export interface ChunkContext {
  /**
   * Aborts when the run stops (the caller's `signal`, a fatal answer to any chunk, a callback that threw, a
   * journal that cannot be written or does not fit the input): pass it to every request and wait for the
   * chunk. It is one object for every chunk of a run and another for each run, so an adapter may key what it
   * keeps for a run on it.
   */
  readonly signal: AbortSignal;
  /**
   * State the adapter saved for this chunk in an earlier, interrupted run or an earlier attempt of this run
   * (an idempotency key, a job id, when a request went out), or undefined on a chunk's first send.
   */
  readonly resumed: Readonly<Record<string, string>> | undefined;
  /**
   * Saves state to the resume journal before the adapter acts on it (e.g. the idempotency key before the
   * request goes out, the job id once it exists), so a re-run can pick the chunk up where it was. A resumed
   * state with a value other than `""` counts as an earlier run's send on record (the vendor may hold the
   * chunk); set a key to `""` once its request is known to have written nothing. A later run reads the `""`
   * as every request under the key having written nothing, so keep a value an earlier run saved unless its
   * send too wrote nothing. In the run that sets it, an earlier run's value set to `""` still counts, unless
   * the attempt then threw that the chunk's body was too long to build (every send carried that body).
   * A save that fails (a full disk) stops the run and throws: let it through. For an adapter that sets
   * {@link ImportAdapter.writesSeen}, where no request of the attempt that may write (any but a GET or a
   * HEAD) went out before it, the engine reports the chunk not sent, unless the attempt only followed up on
   * an earlier send ({@link ChunkContext.followedUpOnly}, which may be called as the throw passes): a save of
   * what it found (a job) leaves that send open, as a throw does. Without `writesSeen` the engine cannot
   * tell whether a request went out, and says the vendor may hold the chunk's records.
   */
  checkpoint(state: Record<string, string>): void;
  /**
   * 0 on the chunk's first send in this run; n on its n-th replay after a transient failure. On a replay
   * (and on a resume, `resumed` set) an earlier request for this chunk may have reached the vendor.
   */
  readonly attempt: number;
  /**
   * Waits (abortably) on the vendor's work (between a job's status polls, for results not ready yet, for
   * another job ahead); adapters poll with it so tests and the engine control time. Each wait counts the
   * chunk in `onProgress`'s `waitingOnVendor` (until this attempt returns; while a call of it waits in the
   * client to be tried again, in `waitingToRetryRequest`) and calls it as the wait begins.
   */
  sleep(ms: number): Promise<void>;
  /**
   * Counts something the adapter did or met while following the chunk (a reconciled job, a list entry that
   * matched no record); the report sums them in `events`, so a user sees what the library did for them.
   */
  count(event: string, n?: number): void;
  /**
   * Whether this run keeps a journal: only then does a re-run pick up what `checkpoint` saved (a job to
   * poll, a key to replay); a re-run without one starts over. Failure reasons say which. False too from the
   * moment the journal's file was removed or replaced while the run used it (`journalLost` says which): read
   * it as a reason is worded.
   */
  readonly journaled: boolean;
  /**
   * How the journal's file stopped being the one this run recorded in, while the run used it, if it did:
   * `removed` (a re-run with its path starts a new journal, and sends the chunk again), or `replaced` by
   * another file, or written by another process (a re-run with its path reads that file, which may or may
   * not hold what was saved: a reason says it may pick the chunk up, else sends it again). Undefined without
   * a journal, and while it is the run's file. Read as a reason is worded: it looks at the file.
   */
  journalLost?(): "removed" | "replaced" | undefined;
  /**
   * Every value any chunk of this import saved under a key starting with `prefix`, in the journal (earlier
   * runs and this one), e.g. the job ids other chunks followed; empty without a journal.
   */
  savedByAnyChunk(prefix: string): readonly string[];
  /**
   * Says the vendor has finished its work on the chunk (its job ended), or will have by the time a chunk
   * sent now reaches it (the pace of earlier jobs says the job ends within an upload's time): the engine may
   * send the next chunk in its place, so the vendor is not idle meanwhile. Chunks past this call are bounded
   * too (as many again as `concurrency`), so at most twice `concurrency` jobs are ever at the vendor. Calls
   * after the first are ignored.
   */
  vendorDone(): void;
  /**
   * Says the vendor holds the chunk's records and no send of this chunk will need them again (a job was
   * created and its id checkpointed, so a replay follows that job): the engine drops its hold on them, so a
   * chunk that waits minutes on the vendor does not keep thousands of parsed records alive. `chunk.items` is
   * empty from then on, in this attempt and later ones; keep what is still needed (what matches the vendor's
   * results to records) before calling.
   */
  releaseItems(): void;
  /**
   * Says this attempt sent none of the chunk's records: it only followed up on an earlier send (polled the
   * job it made, searched the vendor for it). The records' reasons then do not count the attempt as a send
   * (`tried 2 times, 1 of them sent`), nor take it for a send again of a record refused before; as a replay
   * (not the chunk's first attempt), the report's `chunks.replayed` still counts it. Nor is an attempt that
   * said so and then threw at a failed save reported not sent (see {@link ChunkContext.checkpoint}).
   */
  followedUpOnly?(): void;
  /**
   * Says what the vendor said of some items (by position in the chunk; undefined for the others) before the
   * attempt goes on to the rest (a split chunk's first half, whose job ended): should the attempt then throw
   * (a journal save that failed), those items keep these outcomes, and only the others fail as the throw
   * leaves them. An attempt that returns gives every outcome itself.
   */
  settled?(outcomes: readonly (ItemOutcome<string> | undefined)[]): void;
}

/**
 * The outcome of a chunk: one outcome per item, in order; or, when the vendor refused the whole chunk in a
 * way that will refuse every other chunk too (bad credentials, no permission), a fatal error that stops the
 * import. A fatal answer may come after the vendor took the chunk (a job's results read with a key revoked
 * meanwhile): `known` holds what the vendor said of each item before it (an item it names keeps that
 * outcome), and `written` says the vendor accepted the chunk's write, so an item it named not may be held by
 * it. The engine adds that (and any earlier send of the chunk) to the reason of every such item.
 */
export type ChunkResult<Code extends string = string> =
  | {
      /** The chunk was followed through: each item has its outcome. */
      readonly kind: "done";
      /** One outcome per item of the chunk, in the chunk's order. */
      readonly outcomes: readonly ItemOutcome<Code>[];
    }
  | {
      /** The vendor refused in a way every chunk would meet: the import stops. */
      readonly kind: "fatal";
      /** The vendor's answer; its message, scrubbed, becomes the report's `fatal`. */
      readonly error: ApiError;
      /**
       * What the vendor said of each item before the fatal answer, by position (undefined where it said
       * nothing); an item imported or refused for good keeps that outcome, the others fail `fatal`.
       */
      readonly known?: readonly (ItemOutcome<Code> | undefined)[];
      /** The vendor accepted the chunk's write first: items without a `known` outcome may be held by it. */
      readonly written?: boolean;
    };

/**
 * What the vendor does with a chunk sent again after its answer was lost, and so how the adapter makes a
 * replay safe. The engine replays a chunk with transient failures within the run unless `by` is `none`.
 * - `idempotency-key`: the replay carries the first request's key; the vendor answers it with the first
 *   result (or does the work once).
 * - `upsert`: the vendor matches records on a key and updates what exists; a replay writes the same values.
 * - `reconcile`: before sending again, the adapter asks the vendor what the lost request did (a job it
 *   created) and follows that; it sends again only when the vendor holds no trace of it.
 * - `resend`: the chunk is sent again, and the answer tells what the lost request did (a record refused as
 *   already existing was written by it, or existed before: the outcome says the vendor cannot tell which).
 * - `none`: a replay could import twice; transient failures are left to a re-run.
 */
export interface ReplaySemantics {
  /** Which of the ways above makes a replay safe; `none` leaves transient failures to a re-run. */
  readonly by: "idempotency-key" | "upsert" | "reconcile" | "resend" | "none";
  /** Why a replay is safe for this vendor, in a sentence (shown in reports and docs). */
  readonly why: string;
}

/** How a vendor's records are validated, chunked and sent. The engine knows nothing else about a vendor. */
export interface ImportAdapter<Input, Wire = Input, Code extends string = string> {
  /**
   * The vendor's id (`fullstory`, …): the report's `vendor`, the prefix of the engine's own rule ids
   * (`<vendor>.payload_size`), and part of what binds a journal.
   */
  readonly vendor: string;
  /**
   * Where the records go: the base URL and the account (an org or client id, or a fingerprint of the key;
   * never a secret). A journal is bound to it, so a journal is never trusted against another destination.
   */
  readonly destination?: string;
  /**
   * Calls `listener` once, at the vendor's first answer from now on that accepts the credential (a 2xx), and
   * returns a function that drops it uncalled (a vendor client's `whenCredentialAccepted`). A journal resumed
   * after a credential was rotated (`journalAccountWas`) names the new account only then; without this, once
   * a chunk settles with a record imported.
   * @default none
   */
  whenCredentialAccepted?(listener: () => void): () => void;
  /** What a chunk sent again after a lost answer does at the vendor, and so whether the engine replays it. */
  readonly replay: ReplaySemantics;
  /**
   * Set when every write the adapter makes goes through this package's vendor clients, whose transport tells
   * the engine as each request goes out: only then may a chunk whose journal save failed before any such
   * request be reported not sent. An adapter sending through its own `fetch` leaves it unset, and such a
   * chunk keeps the cautious word that the vendor may hold its records (`vendorMayHold`).
   * @default unset
   */
  readonly writesSeen?: true;
  /** Hard limits of one request, from the vendor's documentation. */
  readonly limits: {
    /** Most records in one chunk the vendor accepts. */
    readonly maxRecords: number;
    /**
     * Most bytes of one request's body, if the vendor caps it: its items' texts (`serialize`) and framing.
     */
    readonly maxBytes?: number;
    /**
     * What a body adds to its items' texts: `envelope` bytes around them (`{"users":[]}`: 12) and
     * `separator` bytes between two of them (`,`: 1). @default { envelope: 0, separator: 0 }
     */
    readonly framing?: {
      /** Bytes a body adds around its items, e.g. 12 for `{"users":[]}`. */
      readonly envelope: number;
      /** Bytes a body adds between two items, e.g. 1 for `,`. */
      readonly separator: number;
    };
    /**
     * Most chunks the vendor works on at once, the limit of `concurrency` (1 for vendors that run one job at
     * a time).
     */
    readonly maxConcurrency?: number;
  };
  /** Defaults the caller may override within the limits. */
  readonly defaults: {
    /** Records per chunk when the caller sets no `chunkRecords`. */
    readonly chunkRecords: number;
    /** Chunks the vendor works on at once when the caller sets no `concurrency`. */
    readonly concurrency: number;
  };
  /** A short, human key for messages and reports (uid, email, …); never a secret. */
  keyOf(record: Input, index: number): string;
  /**
   * Where the vendor knows a user by more than its key (SlashID: every email, phone number and username), a
   * valid item's identities, the key's own among them, each as the vendor compares it: a record sharing one
   * with an earlier record is that record's user at the vendor, warned of and replayed as a record with the
   * same key is. Given, identities alone decide it: a key equal to another record's is no duplicate unless an
   * identity is shared too (a key is text for people; two kinds of identity may read alike).
   */
  identitiesOf?(item: Wire): Iterable<string>;
  /** The record in wire form, or every rule it breaks. */
  validate(record: Input): Validation<Wire>;
  /** The item's wire text (e.g. its JSON); when given, chunks are also cut by `limits.maxBytes`. */
  serialize?(item: Wire): string;
  /**
   * Sends one chunk and follows it through to an outcome per item. Never throws for vendor outcomes. A
   * failure whose record the vendor may hold after all (its request may have arrived, its job may have run
   * on) sets `vendorMayHold: true` on its outcome, and its reason says why: the report marks a record by
   * that flag alone, never by the reason's words.
   */
  send(chunk: Chunk<Wire>, context: ChunkContext): Promise<ChunkResult<Code>>;
  /**
   * `text` without the client's secrets, nor any run of a secret's characters that a vendor's cut left
   * (a vendor client's `scrub`). The engine passes every text of a chunk's outcomes through it (each failed
   * record's `reason`, each imported record's `note`, a fatal error's message) before any of it reaches the
   * report, the journal or `onOutcome`: a vendor may echo a credential in a successful answer too, which no
   * error scrubbing sees. Outcomes without text cost nothing; a text shared by many records is scrubbed once.
   */
  scrub(text: string): string;
}
