import { textStart } from "../cut-text.js";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readSync,
  statSync,
  truncateSync,
  type Stats,
} from "node:fs";
import type { ItemOutcome } from "./adapter.js";
import { vendorCode, type VendorCode } from "./failure-codes.js";
import { leavesOpen } from "./chunk-outcomes.js";
import { JournalError } from "./journal-error.js";
import { JournalLock } from "./journal-lock.js";
import { scrubOutcomes } from "./scrub-outcomes.js";

export { JournalError } from "./journal-error.js";

/** How the file at a journal's path stopped being the one a run recorded in (see {@link Journal.lost}). */
export type JournalLoss = "removed" | "replaced";

/** `loss` in a reason's words: `replaced` is told by a length this run did not write, too. */
export function lossWords(loss: JournalLoss): string {
  return loss === "removed" ? "removed" : "replaced, or written by another process,";
}

/** What the journal knows of one chunk from earlier runs. */
export interface JournaledChunk {
  readonly fingerprint: string;
  readonly state: Readonly<Record<string, string>>;
  /** Each code as the file holds it: typed {@link VendorCode}, as a file may hold any text. */
  readonly outcomes?: readonly ItemOutcome<VendorCode>[];
  /**
   * Its state was saved under an account the journal has named differently since (a credential rotated, see
   * {@link JournalOptions.accountWas}): what the vendor keeps of that send (an idempotency key's answer, a
   * job) may not be the new credential's.
   */
  readonly rotatedSince?: true;
}

/** The settings that decide chunk boundaries: a journal only fits a run that cuts the input the same way. */
export interface JournalHeader {
  readonly vendor: string;
  readonly chunkRecords: number;
  readonly maxBytes: number | null;
  /**
   * Where the import sends (base URL and account, never a secret): a journal's outcomes say what one
   * destination holds, and are never trusted for another.
   */
  readonly destination?: string;
}

/** How a run uses its journal. */
export interface JournalOptions {
  /**
   * Passes every text of a state or an outcome before it is written (the adapter's `scrub`): a vendor may
   * echo a credential in a job id it answers, which the journal would otherwise keep on disk. The header is
   * written as it is: its destination never holds a secret (see `ImportAdapter.destination`); the one a
   * journal holds is scrubbed before it is compared or shown, as an earlier version wrote it unscrubbed.
   * @default none (texts are written as they are)
   */
  readonly scrub?: (text: string) => string;
  /**
   * The account the journal names (the part of its destination after the base URL, as a refusal shows it:
   * `key:…`, `client:…`; never an `org:…`, which is the account itself, not a credential), stated by the
   * caller to be the account of this run's credential too: a credential rotated for the same account gives
   * another fingerprint (or client id), and its journal is refused without this. Only the account may
   * differ, and only from the one the journal names last; the journal then names this run's account, with a
   * line of its own, so later runs need no statement: written once the vendor accepted the credential (see
   * {@link Journal.credentialAccepted}), so that a mistyped one the vendor refuses is never the account the
   * journal names. A statement the journal does not bear out (another
   * account, another base URL, no journal yet, one that never named it) is refused; it is never written or
   * shown, as it may be a credential typed by mistake. So is any where a base URL holds a blank: the
   * destination's text does not tell its account apart then.
   * @default none (the journal's destination must be this run's)
   */
  readonly accountWas?: string;
}

type Line =
  | ({ kind: "header" } & JournalHeader)
  /**
   * From here on the journal's destination names this account, its base URL staying the header's. Every
   * chunk recorded before it was saved under another account, but for `newChunks`: those the run that wrote
   * the line recorded first, under this account, before the vendor accepted it.
   */
  | { kind: "account"; account: string; newChunks?: number[] }
  | { kind: "state"; seq: number; fingerprint: string; state: Record<string, string> }
  | { kind: "done"; seq: number; fingerprint: string; outcomes: CompactOutcome[] };
/**
 * A failure is `[0, code, reason, held]`, `held` 1 where the vendor may hold the record, else 0; a journal of
 * an earlier version wrote it without `held`, whose reason's words then say (see `leavesOpen`).
 */
type CompactOutcome =
  | [1]
  | [1, string | null]
  | [1, string | null, string]
  | [0, string, string]
  | [0, string, string, 0 | 1];

/**
 * What the journal keeps of a chunk an earlier run recorded: its outcomes stay on disk, where `done` says
 * (the byte offset and length of its done line), until the run reaches the chunk.
 */
interface KnownChunk {
  readonly fingerprint: string;
  readonly state: Readonly<Record<string, string>>;
  readonly done?: { readonly offset: number; readonly length: number; readonly line: number };
  /** Whether its done line says the vendor may hold a record of it (one imported, or one left open). */
  readonly held?: boolean;
  /** See {@link JournaledChunk.rotatedSince}. */
  readonly rotatedSince?: true;
}

/** Bytes of the file read at a time when it is opened. */
const READ_BLOCK = 1 << 20;

/**
 * An append-only NDJSON file recording each chunk's progress: its fingerprint, the adapter's checkpoints
 * (idempotency key, job id) and, once known, its outcomes. Lines are appended synchronously, so a process
 * killed at any moment leaves every earlier line on disk; a torn last line (the write a crash cut short) is
 * cut off before anything is appended, or ended if it lacks only its newline, so the next line starts on a
 * line of its own.
 *
 * One run at a time: an open journal holds its lock (see {@link JournalLock}) until {@link Journal.close}.
 * A chunk's outcomes are only ever looked up once, when the run reaches that chunk, so outcomes written in
 * this run are not kept, and those an earlier run recorded stay on disk until then (the file is read a block
 * at a time, and a done line is read again when its chunk is looked up): what stays in memory is each chunk's
 * few checkpoint strings (other chunks compare job ids against them), growing with chunks, not records.
 */
export class Journal {
  readonly #chunks = new Map<number, KnownChunk>();
  #lastSeq = -1;
  #closed = false;
  /** The file's length: where the next line starts. */
  #size = 0;
  /** Why no more can be written: a write failed part-way, and its part could not be cut off. */
  #broken: string | undefined;
  /** The file this run opened: a line appended to another at its path (or a new one) would be no journal. */
  #opened: { readonly dev: number; readonly ino: number } | undefined;
  /** The destination the lines read so far name (scrubbed), and every account they named, oldest first. */
  #named: { destination: string | undefined; accounts: string[] } | undefined;
  /**
   * The account this run's statement (`accountWas`) rotates the journal to, until its line is written: once
   * the vendor accepted the credential. Meanwhile the journal names the account it named before.
   */
  #pendingAccount: string | undefined;
  /** The chunks this run recorded first (no earlier run did) while {@link #pendingAccount} was pending. */
  readonly #newChunks = new Set<number>();
  /**
   * Whether a record imported stands for the vendor's word on the credential: see {@link credentialWatched}.
   */
  #acceptedOnImport = true;

  private constructor(
    private readonly file: string,
    private readonly lock: JournalLock,
    private readonly scrub: (text: string) => string,
  ) {}

  /**
   * Takes the journal's lock, then opens `file`, reading what earlier runs recorded, or creates it. A file
   * that is not a journal is left as it is: nothing is cut off or appended before every line was read as a
   * journal's. The lock is held until {@link close}: call it once the run ended, however it ended.
   *
   * @throws JournalError naming the file (and the line) when it is not a journal, or not one of this run;
   *   when another run is using it; or when it cannot be read or created (a directory, a missing folder).
   */
  static open(file: string, header: JournalHeader, options: JournalOptions = {}): Journal {
    // A device or a pipe would be read without end (/dev/zero) or block the run until a writer comes.
    let kind: Stats | undefined;
    try {
      kind = statSync(file, { throwIfNoEntry: false });
    } catch (error) {
      // A path no file can be at (a folder of it is a file, a name too long, a loop of links): the caller's
      // to fix, as a lock file that cannot be created is.
      const reason = error instanceof Error ? error.message : String(error);
      throw new JournalError(`journal ${file} cannot be used: ${reason}`);
    }
    if (kind !== undefined && !kind.isFile())
      throw new JournalError(
        `journal ${file} cannot be used: it is not a regular file (a directory, a device or a pipe)`,
      );
    const journal = new Journal(file, JournalLock.acquire(file), options.scrub ?? ((text) => text));
    try {
      journal.#refuseOtherNames();
      journal.#load(header, options.accountWas);
      const { dev, ino } = statSync(file);
      journal.#opened = { dev, ino };
    } catch (error) {
      journal.close();
      if (error instanceof JournalError) throw error;
      throw new JournalError(
        `journal ${file} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return journal;
  }

  /**
   * A journal with more than one name (a hard link) is refused, as the lock is taken by name: a run through
   * another name would take a lock of its own, and both runs would send every chunk. Read once the lock is
   * held, so that a link made meanwhile is seen by the later run, not missed by both.
   */
  #refuseOtherNames(): void {
    const links = statSync(this.file, { throwIfNoEntry: false })?.nlink ?? 1;
    if (links > 1)
      throw new JournalError(
        `journal ${this.file} cannot be used: it has ${links} names (hard links), and a run through another of them would not see this run's lock; keep one name (remove the others, or copy the file)`,
      );
  }

  /** Gives up the journal's lock; nothing more can be written. Safe to call more than once. */
  close(): void {
    this.#closed = true;
    this.lock.release();
  }

  #load(header: JournalHeader, accountWas: string | undefined): void {
    const file = this.file;
    if (!existsSync(file)) {
      if (accountWas !== undefined) throw nothingToResume(file);
      this.#append({ kind: "header", ...header });
      return;
    }
    // Read a block at a time, line by line: a journal of millions of outcomes may pass what one string
    // (512 MiB) or one read (2 GiB) can hold, and only each chunk's checkpoints are kept, not its outcomes.
    const fd = openSync(file, "r");
    let sawHeader = false;
    let n = 0;
    /** Offset of the first byte after the last newline: everything after it is a write a crash cut short. */
    let whole = 0;
    let torn: Buffer[] = [];
    let tornBytes = 0;
    try {
      const block = Buffer.alloc(READ_BLOCK);
      for (let position = 0; ;) {
        const read = readSync(fd, block, 0, READ_BLOCK, position);
        if (read === 0) break;
        const bytes = block.subarray(0, read);
        let from = 0;
        for (
          let newline = bytes.indexOf(0x0a);
          newline !== -1;
          newline = bytes.indexOf(0x0a, from)
        ) {
          const piece = bytes.subarray(from, newline);
          const line = torn.length === 0 ? piece : Buffer.concat([...torn, piece]);
          const offset = whole;
          whole = position + newline + 1;
          torn = [];
          tornBytes = 0;
          from = newline + 1;
          n += 1;
          const text = line.toString("utf8");
          if (text.trim() === "") continue;
          const parsed = parseLine(file, n, text);
          if (!sawHeader && parsed.kind !== "header")
            throw notAJournal(file, n, `a ${parsed.kind} line before the header line`);
          sawHeader = true;
          this.#read(parsed, header, { offset, length: line.length, line: n });
        }
        if (from < read) {
          // A line's first bytes tell a journal's from anything else: a large file without newlines is not
          // read whole before it is refused. Blanks before them (a blank line, skipped below) tell nothing.
          const start = bytes
            .subarray(from, from + LINE_START.length)
            .toString("latin1")
            .trimStart();
          if (torn.length === 0 && !isStartOfLine(start))
            throw notAJournal(file, n + 1, "it is not a journal line");
          // Copied: the block is read into again.
          torn.push(Buffer.from(bytes.subarray(from)));
          tornBytes += read - from;
        }
        position += read;
      }
    } finally {
      closeSync(fd);
    }
    this.#size = whole + tornBytes;
    const tail = Buffer.concat(torn);
    const text = tail.toString("utf8");
    const tailIsLine = tornBytes > 0 && isJson(text);
    if (tailIsLine) {
      // A whole line but for its newline (the crash came between the two), or a line of something else:
      // read as any line is, and ended below, so that the next line starts on its own.
      const parsed = parseLine(file, n + 1, text);
      if (!sawHeader && parsed.kind !== "header")
        throw notAJournal(file, n + 1, `a ${parsed.kind} line before the header line`);
      sawHeader = true;
      this.#read(parsed, header, { offset: whole, length: tail.length, line: n + 1 });
    } else if (tornBytes > 0 && !isTornLine(text, sawHeader)) {
      // Cut off only as the start of the line a journal writes next: anything else is left as it is.
      throw notAJournal(file, n + 1, "it is not a journal line");
    }
    if (!sawHeader && accountWas !== undefined) throw nothingToResume(file);
    // Decided before anything is written: a journal refused is left as it was.
    const rotated = sawHeader ? this.#destinationFits(header.destination, accountWas) : undefined;
    if (tailIsLine) {
      appendFileSync(file, "\n");
      this.#size += 1;
    } else if (tornBytes > 0) {
      truncateSync(file, whole);
      this.#size = whole;
    }
    if (!sawHeader) this.#append({ kind: "header", ...header });
    if (rotated !== undefined) {
      // Written once the vendor accepted this run's credential: a mistyped one it refuses would otherwise be
      // the account the journal names, and the right one refused on the next run.
      this.#pendingAccount = rotated;
      this.#rotated();
    }
  }

  /**
   * Whether the journal is to name another account once the vendor accepted this run's credential (see
   * {@link JournalOptions.accountWas}), and has not yet: call {@link credentialAccepted} then.
   */
  get accountPending(): boolean {
    return this.#pendingAccount !== undefined;
  }

  /**
   * Says the vendor accepted this run's credential (answered a call with a 2xx): the journal names the
   * account {@link JournalOptions.accountWas} rotated it to from now on, with a line of its own. Until then
   * it names the account it named before, so a run that ends first (a credential the vendor refused, a crash)
   * leaves a journal the same statement resumes again; a chunk this run recorded meanwhile is then taken
   * for one saved under the old credential, whose resend says the vendor may have written it twice. Does
   * nothing when no account is pending. {@link done} calls it first for a chunk with a record imported,
   * unless the adapter tells ({@link credentialWatched}).
   * @throws Error when the line cannot be written (see {@link checkpoint}).
   */
  credentialAccepted(): void {
    const account = this.#pendingAccount;
    if (account === undefined) return;
    const newChunks = [...this.#newChunks];
    this.#append({ kind: "account", account, ...(newChunks.length > 0 && { newChunks }) });
    this.#pendingAccount = undefined;
    this.#newChunks.clear();
  }

  /**
   * Says that the adapter tells when the vendor accepts this run's credential (it has
   * {@link credentialAccepted} called): from now on a record imported no longer stands for that in
   * {@link done}. An adapter may settle a chunk with records imported and no request of this run (Userpilot's
   * halves an earlier run finished, their outcomes saved in the chunk's state), which says nothing of this
   * run's credential: a mistyped one would be recorded.
   */
  credentialWatched(): void {
    this.#acceptedOnImport = false;
  }

  /** Marks every chunk recorded so far as saved under an account the journal has named differently since. */
  #rotated(): void {
    for (const [seq, chunk] of this.#chunks)
      this.#chunks.set(seq, { ...chunk, rotatedSince: true });
  }

  /**
   * Whether the destination the journal names is this run's, or only its account differs and `accountWas`
   * states that it is this run's too: then the account this run names, which the journal is to name from now
   * on. Anything else is refused, without showing `accountWas` (it may be a credential typed by mistake).
   */
  #destinationFits(
    expected: string | undefined,
    accountWas: string | undefined,
  ): string | undefined {
    const { destination, accounts } = this.#named ?? { destination: undefined, accounts: [] };
    if (sameDestination(destination, expected)) {
      // The statement a run before this one made: the journal names this run's account since.
      if (accountWas === undefined || accounts.slice(0, -1).includes(accountWas)) return undefined;
      throw new JournalError(
        `journal ${this.file} names this run's destination already (${expected ?? "an unrecorded destination"}), ` +
          "and named no other account before as --journal-account-was (journalAccountWas) states: " +
          "leave the statement out",
      );
    }
    const recorded = destination === undefined ? undefined : accountOf(destination);
    const current = expected === undefined ? undefined : accountOf(expected);
    // Only where both accounts name a credential of one kind: an org id (`org:`) is the account itself, so
    // another one is another account, however it is stated.
    const sameBase =
      recorded !== undefined &&
      current !== undefined &&
      sameBaseUrl(recorded.base, current.base) &&
      rotatable(recorded.account, current.account);
    if (sameBase && accountWas === recorded.account) return current.account;
    const shown =
      destination === undefined
        ? "an unrecorded destination"
        : shownDestination(destination, expected);
    const refusal =
      `journal ${this.file} was written by an import to ${shown}; ` +
      `this run sends to ${expected ?? "an unrecorded destination"}: ` +
      "its outcomes say nothing about this destination, so start a new journal";
    if (!sameBase)
      throw new JournalError(
        accountWas === undefined
          ? refusal
          : `${refusal} (--journal-account-was, journalAccountWas in the library, speaks for the account ` +
              "only: the base URL must be the journal's, and hold no blank)",
      );
    // A first run's header names its credential's account before the vendor answers: a key typed wrong, which
    // the vendor refused, is then the journal's, and the right key is refused here as a rotated one would be.
    throw new JournalError(
      accountWas === undefined
        ? `${refusal}; or, if the journal's runs used ${recorded.account} for this run's account (a credential ` +
            "rotated since, or one the vendor refused, such as a key typed wrong), " +
            `re-run with --journal-account-was ${recorded.account} (journalAccountWas in the library)`
        : `journal ${this.file} names the account ${recorded.account}, not the one --journal-account-was ` +
            "(journalAccountWas) states (not repeated here, as it may be a credential): state the account " +
            "the journal names, or start a new journal",
    );
  }

  static fingerprint(parts: readonly string[]): string {
    const hash = createHash("sha256");
    for (const part of parts) hash.update(part).update("\u0000");
    return hash.digest("hex").slice(0, 32);
  }

  /**
   * What earlier runs recorded of chunk `seq`. Its outcomes are handed out once: a run reaches a chunk once.
   * @throws Error when its outcomes cannot be read: the file was removed or replaced, or its line changed.
   */
  lookup(seq: number): JournaledChunk | undefined {
    const chunk = this.#chunks.get(seq);
    if (chunk === undefined) return undefined;
    const { fingerprint, state, rotatedSince } = chunk;
    const known = { fingerprint, state, ...(rotatedSince && { rotatedSince }) };
    if (chunk.done === undefined) return known;
    // Kept without its done line, but with whether it held records (see mayHoldFrom).
    const { done: _, ...kept } = chunk;
    this.#chunks.set(seq, kept);
    return { ...known, outcomes: this.#outcomesAt(seq, chunk.done) };
  }

  /** The outcomes of the done line of chunk `seq` where {@link #load} found it, read again from the file. */
  #outcomesAt(seq: number, at: NonNullable<KnownChunk["done"]>): ItemOutcome<VendorCode>[] {
    // Another file at its path would be read at the done line's offset as if it were this journal.
    const changed = this.#changed();
    if (changed !== undefined)
      throw new Error(
        `journal ${this.file} cannot be read: it was ${lossWords(changed)} while this run used it`,
      );
    const bytes = Buffer.alloc(at.length);
    const fd = openSync(this.file, "r");
    try {
      let got = 0;
      while (got < at.length) {
        const read = readSync(fd, bytes, got, at.length - got, at.offset + got);
        if (read === 0) break;
        got += read;
      }
    } finally {
      closeSync(fd);
    }
    const line = parseLine(this.file, at.line, bytes.toString("utf8"));
    if (line.kind !== "done" || line.seq !== seq)
      throw notAJournal(this.file, at.line, "it changed while this run was using the journal");
    return line.outcomes.map(expand);
  }

  /** The highest chunk number recorded (by earlier runs or this one), -1 for none. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /**
   * Whether earlier runs recorded a chunk numbered `seq` or later that the vendor may hold records of: one
   * settled with a record imported or left open, or one not settled whose state `sent` says went out.
   */
  mayHoldFrom(seq: number, sent: (state: Readonly<Record<string, string>>) => boolean): boolean {
    return this.#held(seq, sent).next().done !== true;
  }

  /** The chunks {@link mayHoldFrom} looks for, numbered `seq` or later, in order. */
  heldFrom(seq: number, sent: (state: Readonly<Record<string, string>>) => boolean): number[] {
    return [...this.#held(seq, sent)].sort((a, b) => a - b);
  }

  *#held(seq: number, sent: (state: Readonly<Record<string, string>>) => boolean) {
    for (const [at, chunk] of this.#chunks)
      if (at >= seq && (chunk.held ?? sent(chunk.state))) yield at;
  }

  /** The values saved under keys starting with `prefix`, by every chunk. */
  values(prefix: string): string[] {
    const values: string[] = [];
    for (const { state } of this.#chunks.values()) {
      for (const [key, value] of Object.entries(state))
        if (key.startsWith(prefix)) values.push(value);
    }
    return values;
  }

  /**
   * Saves adapter state for chunk `seq`. This run keeps it as given (other chunks of the run compare job ids
   * against it); the file gets it scrubbed. A job id scrubbing changed (a vendor that echoes a credential in
   * it) is then not found on a resume: the vendor answers 404 for it, which the adapters take for a lost job
   * (`job_lost`); nor can a resumed run tell that job from another chunk's by its id.
   */
  checkpoint(seq: number, fingerprint: string, state: Record<string, string>): void {
    const known = this.#chunks.get(seq);
    if (known === undefined && this.#pendingAccount !== undefined) this.#newChunks.add(seq);
    const merged = { ...known?.state, ...state };
    const rotatedSince = known?.rotatedSince;
    this.#chunks.set(seq, { fingerprint, state: merged, ...(rotatedSince && { rotatedSince }) });
    this.#lastSeq = Math.max(this.#lastSeq, seq);
    this.#append({ kind: "state", seq, fingerprint, state: this.#scrubState(merged) });
  }

  /**
   * Records chunk `seq`'s outcomes, on disk only: nothing looks a chunk of this run up again. For a run whose
   * adapter cannot tell when the vendor accepted the credential (no {@link credentialWatched}), a record
   * imported says so: a pending account's line (see {@link credentialAccepted}) is written first.
   */
  done(seq: number, fingerprint: string, outcomes: readonly ItemOutcome[]): void {
    const imported = outcomes.some((outcome) => outcome.ok);
    if (this.#pendingAccount !== undefined && this.#acceptedOnImport && imported)
      this.credentialAccepted();
    this.#append({
      kind: "done",
      seq,
      fingerprint,
      outcomes: scrubOutcomes(outcomes, this.scrub).map(compact),
    });
  }

  #scrubState(state: Readonly<Record<string, string>>): Record<string, string> {
    const scrubbed: Record<string, string> = {};
    for (const [key, value] of Object.entries(state)) scrubbed[this.scrub(key)] = this.scrub(value);
    return scrubbed;
  }

  #read(line: Line, expected: JournalHeader, where: KnownChunk["done"]): void {
    if (line.kind === "header") {
      const same =
        line.vendor === expected.vendor &&
        line.chunkRecords === expected.chunkRecords &&
        line.maxBytes === expected.maxBytes;
      if (!same) {
        // A byte limit that differs alone comes from a version of this package that cut chunks otherwise
        // (or a library caller's other body limit): an operator who upgraded mid-import is told that the
        // version which wrote the journal finishes it, and what a new journal costs.
        const bytesAlone =
          line.vendor === expected.vendor && line.chunkRecords === expected.chunkRecords;
        const how = bytesAlone
          ? "its chunks were cut by another byte limit (another version of bulk-user-import, or another " +
            "body limit), so finish the import with that version (or limit) and this journal, or start a new " +
            "journal, which sends every record again"
          : "its chunks would not be the same, so use the same settings (and version) or a new journal";
        throw new JournalError(
          `journal ${this.file} was written by a ${settings(line)}; this run is a ${settings(expected)}: ${how}`,
        );
      }
      // An earlier version wrote a credential of the base URL's path as it was: scrubbed, the destination is
      // this one's again, and the refusal does not print the credential. Compared once every line is read:
      // a later line may name another account (see `accountWas`).
      const destination = line.destination === undefined ? undefined : this.scrub(line.destination);
      const account = destination === undefined ? undefined : accountOf(destination)?.account;
      this.#named = { destination, accounts: account === undefined ? [] : [account] };
      return;
    }
    if (line.kind === "account") {
      const named = this.#named;
      const base =
        named?.destination === undefined ? undefined : accountOf(named.destination)?.base;
      if (named === undefined || base === undefined)
        throw notAJournal(
          this.file,
          where?.line ?? 0,
          "an account line in a journal without an account",
        );
      const account = this.scrub(line.account);
      named.destination = `${base} ${account}`;
      named.accounts.push(account);
      this.#rotated();
      for (const seq of line.newChunks ?? []) {
        const chunk = this.#chunks.get(seq);
        if (chunk === undefined) continue;
        const { rotatedSince: _, ...sameAccount } = chunk;
        this.#chunks.set(seq, sameAccount);
      }
      return;
    }
    const rotatedSince = this.#chunks.get(line.seq)?.rotatedSince;
    if (line.kind === "state") {
      this.#chunks.set(line.seq, {
        fingerprint: line.fingerprint,
        state: line.state,
        ...(rotatedSince && { rotatedSince }),
      });
    } else {
      const state = this.#chunks.get(line.seq)?.state ?? {};
      // The outcomes stay on disk until the run reaches the chunk: kept here, a resume would hold every
      // outcome an earlier run recorded at once.
      this.#chunks.set(line.seq, {
        fingerprint: line.fingerprint,
        state,
        ...(where !== undefined && { done: where }),
        held: line.outcomes.some(mayBeHeld),
        ...(rotatedSince && { rotatedSince }),
      });
    }
    this.#lastSeq = Math.max(this.#lastSeq, line.seq);
  }

  /**
   * How the file at the journal's path stopped being the one this run recorded in (`removed`, or `replaced`:
   * another file, or this one written by another process), or undefined while it is that one (also after a
   * write failed part-way: the file keeps every line before it, and a re-run cuts the part off). A re-run
   * with the path then starts anew (`removed`) or reads the file now there (`replaced`), which may or may not
   * hold this run's sends: its texts must not send the operator to this journal to settle them. Undefined
   * too when the path cannot be looked at (a folder made unreadable): that says nothing of the file.
   */
  get lost(): JournalLoss | undefined {
    try {
      return this.#changed();
    } catch {
      return undefined;
    }
  }

  /** How the file at the journal's path is no longer the one this run opened, if it is not. */
  #changed(): JournalLoss | undefined {
    if (this.#opened === undefined) return undefined;
    // Its length as this run left it, too: a file put in its place may reuse its inode.
    const now = statSync(this.file, { throwIfNoEntry: false });
    if (now === undefined) return "removed";
    return now.dev !== this.#opened.dev || now.ino !== this.#opened.ino || now.size !== this.#size
      ? "replaced"
      : undefined;
  }

  #append(line: Line): void {
    if (this.#closed)
      throw new Error(`journal ${this.file} was closed: the run that opened it ended`);
    if (this.#broken !== undefined)
      throw new Error(`journal ${this.file} cannot be written: ${this.#broken}`);
    const changed = this.#changed();
    if (changed !== undefined)
      throw new Error(
        `journal ${this.file} cannot be written: it was ${lossWords(changed)} while this run used it`,
      );
    const text = `${JSON.stringify(line)}\n`;
    try {
      appendFileSync(this.file, text);
    } catch (error) {
      // A write a full disk cut short leaves the start of the line: cut off at once, or the next line that
      // gets written (room freed meanwhile) would follow it on the same line, and the file be no journal.
      try {
        truncateSync(this.file, this.#size);
      } catch {
        this.#broken = `a write failed part-way (${error instanceof Error ? error.message : String(error)}), and its part could not be cut off`;
        // The part left is this run's own: counted, or the file would pass for one put in its place (`lost`,
        // and a settled chunk's outcomes unread), where it holds every line before, as a re-run reads it.
        try {
          this.#size = statSync(this.file).size;
        } catch {
          // Not to be looked at now: the next look says what it finds.
        }
      }
      throw error;
    }
    this.#size += Buffer.byteLength(text);
  }
}

function compact(outcome: ItemOutcome): CompactOutcome {
  if (!outcome.ok) return [0, outcome.code, outcome.reason, outcome.vendorMayHold === true ? 1 : 0];
  if (outcome.note !== undefined) return [1, outcome.id ?? null, outcome.note];
  return outcome.id === undefined ? [1] : [1, outcome.id];
}

/** Whether the vendor may hold the record of `outcome`: imported, or a failure that leaves it open. */
function mayBeHeld(outcome: CompactOutcome): boolean {
  return outcome[0] === 1 || failureLeavesOpen(outcome);
}

function failureLeavesOpen([, , reason, held]: Extract<
  CompactOutcome,
  [0, ...unknown[]]
>): boolean {
  return held === undefined ? leavesOpen(reason) : held === 1;
}

function expand(outcome: CompactOutcome): ItemOutcome<VendorCode> {
  if (outcome[0] === 0) {
    const [, written, reason] = outcome;
    // What an earlier run wrote, or whoever changed the file: no adapter's union vouches for it.
    const code = vendorCode(written);
    return failureLeavesOpen(outcome)
      ? { ok: false, code, reason, vendorMayHold: true }
      : { ok: false, code, reason };
  }
  const [, id, note] = outcome;
  return {
    ok: true,
    ...(id === undefined || id === null ? {} : { id }),
    ...(note === undefined ? {} : { note }),
  };
}

/**
 * The base URL and the account of a destination (`<base URL> <account>`), where the text tells them apart.
 * Every account starts `<kind>:` (`key:`, `client:`, `org:`), but a base URL may hold a blank (fetch sends it
 * as `%20`): split at the first blank, `https://h/a b key:…` read as base `https://h/a` of an account
 * `b key:…`, which a refusal offered and a statement of it let pass, so the journal of one base URL was taken
 * for another's. What follows the first blank is taken for the account only if it starts `<kind>:` and holds
 * no blank before another `<kind>:` (as it does whenever the blank was the base URL's); otherwise none (an
 * account id holding such a blank, `client:x y:z`, cannot be stated either: its journal is refused as
 * before).
 */
function accountOf(destination: string): { base: string; account: string } | undefined {
  const blank = destination.indexOf(" ");
  if (blank <= 0) return undefined;
  const account = destination.slice(blank + 1);
  if (!/^[a-z]+:./s.test(account) || / [a-z]+:/.test(account)) return undefined;
  return { base: destination.slice(0, blank), account };
}

/**
 * Whether two destinations name one place: the same account, and base URLs that fetch sends to alike
 * (`HTTP://127.0.0.1:4010/.` is `http://127.0.0.1:4010`). A resume spelled otherwise was refused, and the
 * refusal's advice, a new journal, would have sent every record again.
 */
function sameDestination(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  const [x, y] = [a === undefined ? a : accountOf(a), b === undefined ? b : accountOf(b)];
  return (
    x !== undefined && y !== undefined && x.account === y.account && sameBaseUrl(x.base, y.base)
  );
}

/** Whether two base URLs are one as a URL parser reads them (scheme and host in any case, dot segments). */
function sameBaseUrl(a: string, b: string): boolean {
  if (a === b) return true;
  const form = (text: string) => {
    try {
      return new URL(text).href.replace(/(?<!\/)\/+$/, "");
    } catch {
      return undefined;
    }
  };
  const x = form(a);
  return x !== undefined && x === form(b);
}

/** The kinds of account a credential names, which a rotated one changes: a key's fingerprint, a client id. */
const ROTATABLE_KINDS: ReadonlySet<string> = new Set(["key", "client"]);

/** Whether `from` and `to` are accounts of one kind that names a credential (see {@link ROTATABLE_KINDS}). */
function rotatable(from: string, to: string): boolean {
  const kind = from.slice(0, from.indexOf(":"));
  return ROTATABLE_KINDS.has(kind) && to.startsWith(`${kind}:`);
}

/** A statement of the account a journal names (`accountWas`) given with no journal to resume. */
function nothingToResume(file: string): JournalError {
  return new JournalError(
    `journal ${file} holds no import yet, so there is no account it names: --journal-account-was ` +
      "(journalAccountWas) resumes a journal of a credential since rotated; leave it out to start this " +
      "journal, or name the journal of the import to resume",
  );
}

function notAJournal(file: string, line: number, problem: string): JournalError {
  return new JournalError(
    `journal ${file}: not a journal of bulk-user-import: line ${line}: ${problem}`,
  );
}

/** Every line of a journal starts so; a torn last line, with (a part of) this. */
const LINE_START = '{"kind":"';

function isStartOfLine(text: string): boolean {
  return text.startsWith(LINE_START) || LINE_START.startsWith(text);
}

/**
 * Whether `text` can be the start of a line a journal writes: a header first, a state, account or done line
 * after.
 */
function isTornLine(text: string, afterHeader: boolean): boolean {
  return (afterHeader ? ["state", "done", "account"] : ["header"]).some((kind) => {
    const start = `${LINE_START}${kind}",`;
    return text.startsWith(start) || start.startsWith(text);
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `line`, a file's first line, is a journal's header: the file is a journal, which anything else
 * writing it (a report given the journal's name by mistake) would destroy, and with it what a resume needs.
 */
export function isJournalHeader(line: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return false;
  }
  return isObject(value) && value["kind"] === "header" && shapeProblem(value) === undefined;
}

/** One complete line, checked to have the shape of its kind: a journal is never trusted blindly. */
function parseLine(file: string, n: number, text: string): Line {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notAJournal(file, n, "it is not JSON");
  }
  const problem = shapeProblem(value);
  if (problem !== undefined) throw notAJournal(file, n, problem);
  return value as Line;
}

/**
 * What is wrong with a parsed line, or undefined when it has the shape of a header, account, state or done
 * line.
 */
function shapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "it is not a JSON object";
  switch (value["kind"]) {
    case "header":
      if (typeof value["vendor"] !== "string") return "a header without a vendor";
      if (!isCount(value["chunkRecords"])) return "a header without chunkRecords";
      if (value["maxBytes"] !== null && !isCount(value["maxBytes"]))
        return "a header whose maxBytes is not a number or null";
      if (value["destination"] !== undefined && typeof value["destination"] !== "string")
        return "a header whose destination is not a string";
      return undefined;
    case "account":
      if (typeof value["account"] !== "string" || value["account"] === "")
        return "an account line without an account";
      return value["newChunks"] === undefined ||
        (Array.isArray(value["newChunks"]) && value["newChunks"].every(isChunkNumber))
        ? undefined
        : "an account line whose newChunks is not a list of chunk numbers";
    case "state":
      return (
        chunkProblem(value) ??
        (isObject(value["state"]) && Object.values(value["state"]).every(isString)
          ? undefined
          : "a state line whose state is not an object of strings")
      );
    case "done":
      return (
        chunkProblem(value) ??
        (Array.isArray(value["outcomes"]) && value["outcomes"].every(isCompactOutcome)
          ? undefined
          : "a done line whose outcomes are not a list of outcomes")
      );
    default:
      return `its kind is ${shown(value["kind"])}, not header, account, state or done`;
  }
}

function isChunkNumber(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function chunkProblem(value: Record<string, unknown>): string | undefined {
  if (!isChunkNumber(value["seq"]))
    return `a ${String(value["kind"])} line without a chunk number (seq)`;
  if (typeof value["fingerprint"] !== "string")
    return `a ${String(value["kind"])} line without a fingerprint`;
  return undefined;
}

function isCompactOutcome(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  const [ok, first, second] = value as unknown[];
  if (ok === 0)
    return (
      isString(first) &&
      isString(second) &&
      (value.length === 3 || (value.length === 4 && (value[3] === 0 || value[3] === 1)))
    );
  if (ok !== 1 || value.length > 3) return false;
  return (
    (value.length < 2 || first === null || isString(first)) &&
    (value.length < 3 || isString(second))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** A value of a foreign file, short and on one line, for a message. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? "missing";
  return text.length > 40 ? `${textStart(text, 40)}…` : text;
}

/**
 * A destination a journal recorded, for a refusal: its base URL's path (with any query or fragment) is shown
 * only where it is this run's (then scrubbed as this run's is), else cut to `/…`. An earlier version wrote a
 * credential of the path as it was, and one this run does not know (a key since rotated) would be printed
 * whole; so would one of a query or fragment, or a password (`user:password@host`), which earlier versions
 * let a base URL carry: a URL with `@` before this run's own path shows nothing of itself, as a password
 * holding `/` ends the host early (`http://user:12/ab@host`: host `user`, port `12`).
 */
function shownDestination(recorded: string, current: string | undefined): string {
  const [, origin, urlPath, rest] =
    /^([a-z][a-z\d+.-]*:\/\/[^/?#\s]*)(\S*)(.*)$/is.exec(recorded) ?? [];
  if (origin === undefined || urlPath === undefined || origin.includes("@"))
    return "another destination";
  const currentPath = /^[a-z][a-z\d+.-]*:\/\/[^/?#\s]*(\S*)/is.exec(current ?? "")?.[1];
  if (urlPath === "" || urlPath === currentPath) return recorded;
  return urlPath.includes("@") ? "another destination" : `${origin}/…${rest}`;
}

/** A header's settings in words: the vendor, the chunk size and the body limit chunks were cut by. */
function settings(header: JournalHeader): string {
  const bytes = header.maxBytes === null ? "" : ` and bodies of at most ${header.maxBytes} bytes`;
  return `${header.vendor} import in chunks of ${header.chunkRecords}${bytes}`;
}
