// Which record of a chunk each user FullStory lists (in a job's imports or errors) is: by uid, id or email
// (FullStory documents uid and id as a user's keys; a match by email is our reading, UNCONFIRMED).
import { createHash } from "node:crypto";
import type { ItemOutcome } from "../core/engine/adapter.js";
import { jobMayHold, withNote } from "../core/engine/chunk-outcomes.js";
import type { FullStoryFailureCode } from "./failure-codes.js";

export type Matchable = { readonly uid?: unknown; readonly id?: unknown; readonly email?: unknown };
/** A user's uid, id and email, each a non-empty string or undefined. */
export type Keys = {
  readonly uid: string | undefined;
  readonly id: string | undefined;
  readonly email: string | undefined;
  /**
   * A digest of the whole request item, kept only for a record whose uid, id and email another record of the
   * chunk shares: an errors entry echoes the request item, which then tells the two apart.
   */
  readonly item?: string;
};
type Outcome = ItemOutcome<FullStoryFailureCode>;

/**
 * Matches the users FullStory lists back to positions of the chunk. An entry with a uid matches a record
 * with that uid (an imported user whose uid no such record is free for: once every other entry is matched,
 * a record without a uid that names its FullStory id, else one with neither uid nor id that has its
 * email); an entry without one matches, among the records without a uid, one with its id, else one with
 * its email (a record with an id only when the entry has none: two different ids are two users). Among
 * records sharing a key, the first one not matched yet takes it, save an errors entry (the request item):
 * one that names several records by its key and none exactly is left to {@link flagStrays}, which fails each
 * of them, as which one it is is unknown. Entries that match nothing are ignored and
 * counted in `unmatched`. The indexes are built when first needed: a chunk of users with uids is indexed
 * once, by one map.
 */
export class Matcher {
  /** Entries that matched no record still free. */
  unmatched = 0;
  /**
   * How many more failed outcomes than errors entries {@link flagStrays} made: an entry that names several
   * records fails each, and is still one refusal in FullStory's counts (negative when it failed none anew).
   */
  refusalsOvercounted = 0;
  /** Of those, the records an entry failed beyond the one it refused: FullStory may have imported them. */
  mayBeImported = 0;
  /**
   * Imported users with neither uid nor email left unplaced (by {@link matchLeftovers}, then
   * {@link placeKeyless}): each may be a record sent with no uid, id or email, which nothing but the id
   * FullStory gave it names.
   */
  unplacedKeyless = 0;
  /** Imported users with a uid no record has, left for {@link matchLeftovers}. */
  readonly #leftovers: {
    readonly uid: string;
    readonly id: string | undefined;
    readonly email: string | undefined;
    readonly outcome: Outcome;
  }[] = [];
  /** Imported users with a uid that matched no record, for {@link flagStrays}. */
  readonly #strays: {
    readonly uid: string;
    readonly id: string | undefined;
    readonly email: string | undefined;
  }[] = [];
  /** Imported users without a uid that found no record free, for {@link flagStrays}. */
  readonly #keyedStrays: { readonly id: string | undefined; readonly email: string | undefined }[] =
    [];
  /** Errors entries that found no record free, for {@link flagStrays}: they contradict an import. */
  readonly #refusals: {
    readonly uid: string | undefined;
    readonly id: string | undefined;
    readonly email: string | undefined;
    readonly outcome: Extract<Outcome, { ok: false }>;
  }[] = [];
  /**
   * Errors entries that name several records by the one key they were matched on, none of them exactly (its
   * echo is not as any of them was sent), for {@link flagStrays}: which of them FullStory refused is unknown.
   */
  readonly #ambiguous: {
    readonly by: string;
    readonly positions: readonly number[];
    readonly outcome: Extract<Outcome, { ok: false }>;
  }[] = [];
  /** Positions an errors entry named exactly (by {@link assignExact}): FullStory's word on that record. */
  readonly #exact = new Set<number>();
  /**
   * Imported users with neither uid nor email that no record named by id, left for {@link matchLeftovers}.
   */
  readonly #keyless: Outcome[] = [];
  /** Of each id the imports list gave a user with a uid, that uid (the first one listed). */
  readonly #uidOfId = new Map<string, string>();
  /** The ids the imports list gave users of two different uids, and two of those uids. */
  readonly #idsOfTwoUids = new Map<string, readonly [string, string]>();
  /** Of each id the imports list gave a user without a uid, who that user is (the first one listed). */
  readonly #uidlessOfId = new Map<string, string>();
  /**
   * The ids the imports list gave a user without a uid and another user (one of a uid, one without a uid of
   * another email, or one with an email while the first had none, or the reverse), and what kind of users two
   * of them are (no email: the vendor's text, of any length and personal, stays out of notes).
   */
  readonly #idsOfUidlessAndOther = new Map<string, string>();
  /**
   * Of the imports entries naming no record, with a uid and without: how many {@link listedAside} noted, and
   * once one came past the most it notes, that most (any id is then in doubt; without a uid, any id a record
   * without a uid was given).
   */
  readonly #aside: Record<"uid" | "uidless", { noted: number; overflow: number | undefined }> = {
    uid: { noted: 0, overflow: undefined },
    uidless: { noted: 0, overflow: undefined },
  };
  readonly #indexes = new Map<IndexName, Map<string, Positions>>();
  readonly #cursor = new Map<number[], number>();

  constructor(
    private readonly items: readonly (Matchable & { readonly item?: string })[],
    private readonly outcomes: (Outcome | undefined)[],
  ) {}

  /**
   * `stored`: the entry is a user as FullStory stores it (an `/imports` entry), not the request's item (an
   * `/errors` entry's `user`). A stored user carries the uid it has, which a record that named it by its
   * FullStory id or email (a user identified earlier) does not: with no record of that uid free, it waits for
   * {@link matchLeftovers}, so a record whose own entry is listed is matched to that entry first.
   */
  assign(entry: Matchable | null | undefined, outcome: Outcome, stored = false): void {
    const uid = text(entry?.uid);
    const id = text(entry?.id);
    const email = text(entry?.email);
    if (stored && id !== undefined) this.#listedWith(id, uid, email);
    if (!stored && !outcome.ok) {
      // An errors entry that names several records by one key and none of them exactly (assignExact came
      // first) may be any of theirs: first come would refuse one record FullStory imported and import the one
      // it refused.
      const [by, positions] = this.#named(uid, id, email);
      if (typeof positions === "object") {
        this.#ambiguous.push({ by, positions, outcome });
        return;
      }
    }
    let position: number | undefined;
    if (uid !== undefined) {
      position = this.#free("uid", uid);
      if (position === undefined && stored) {
        // Left for after every other entry: a record naming this user by id or email may have its own
        // entry (an /errors one), which must take it first.
        this.#leftovers.push({ uid, id, email, outcome });
        return;
      }
    } else {
      position =
        this.#free("id", id) ??
        this.#free("email", email) ??
        (id === undefined ? this.#free("emailOfId", email) : undefined);
      // A user FullStory made for a record with neither uid, id nor email: nothing names it but its new id.
      // Not an id a record of the chunk has: that names the user the record named (taken, or refused).
      const named = id !== undefined && this.#index("id").has(id);
      if (position === undefined && stored && email === undefined && !named) {
        this.#keyless.push(outcome);
        return;
      }
    }
    if (position !== undefined) this.outcomes[position] = outcome;
    else if (!stored && !outcome.ok) this.#refusals.push({ uid, id, email, outcome });
    else {
      this.unmatched += 1;
      if (stored && outcome.ok && uid === undefined) this.#keyedStrays.push({ id, email });
    }
  }

  /**
   * Matches an entry to the one record whose uid, id and email are all the entry's, if that record is free;
   * says whether it did, or found the entry to name such a record already matched (counted as unmatched: an
   * errors entry is the request item, so a repeat is that record's, never one's sharing only some of its
   * keys). Records sharing all three whose items the entry does not echo are left to {@link assign}.
   */
  assignExact(entry: Matchable | null | undefined, outcome: Outcome): boolean {
    const positions = this.#index("exact").get(exactKey(entry ?? {}));
    if (positions === undefined) return false;
    if (typeof positions !== "number") {
      // Records sharing all three: the one whose whole item the entry echoes (an errors entry's `user` is the
      // request item), so a refusal of one of them does not land on the other.
      const digest = itemDigest(entry);
      const echoed = positions.filter((at) => this.items[at]?.item === digest);
      const position = echoed.find((at) => this.outcomes[at] === undefined);
      if (position === undefined) {
        if (echoed.length === 0) return false;
        // The item of a record already placed, listed again: that record's entry, never its twin's.
        this.unmatched += 1;
        return true;
      }
      this.outcomes[position] = outcome;
      this.#exact.add(position);
      return true;
    }
    if (this.outcomes[positions] !== undefined) this.unmatched += 1;
    else {
      this.outcomes[positions] = outcome;
      this.#exact.add(positions);
    }
    return true;
  }

  /**
   * Once every entry of both lists was matched: each imported user with a uid that no record named goes to a
   * record without a uid that is still free and has its id (an id names one user, whatever its uid), else to
   * one with neither uid nor id that has its email (FullStory upserted that record onto the user who has its
   * email); after every other entry, so none takes a record whose own entry is listed. With `keyless` (a
   * COMPLETED job that refused no user without uid, id and email), the imported users with neither uid nor
   * email that no record named are placed too (see {@link placeKeyless}), unless they are more than the
   * records sent with no uid, id or email; else they are counted unmatched and unplaced, and kept for it.
   */
  matchLeftovers(keyless = false): void {
    for (const { uid, id, email, outcome } of this.#leftovers.splice(0)) {
      const byId = this.#free("id", id);
      const position = byId ?? this.#free("email", email);
      if (position === undefined) {
        this.unmatched += 1;
        this.#strays.push({ uid, id, email });
      } else
        // A record that named neither uid nor id, written onto a user with a uid: FullStory's word that it
        // holds one user for it and any record of that uid (which values stay, written over in order, is
        // UNCONFIRMED). A record that named the user by id chose that user.
        this.outcomes[position] =
          byId === undefined && outcome.ok
            ? withNote(
                outcome,
                `FullStory lists the user it wrote for this record, which named no uid, under uid ${uid} (our reading: it took the record's email for that user's): it holds one user for this record and any record with that uid, presumably with the values it got last`,
              )
            : outcome;
    }
    this.unmatched += this.#keyless.length;
    this.unplacedKeyless += this.#keyless.length;
    // More such users than records: some are no record's, and any may be, so the list names none of the
    // records, and only the job's counts can confirm them (the caller places them once they do).
    if (keyless && this.#keyless.length <= this.#keylessRecords) this.placeKeyless();
  }

  /** Records sent with no uid, id or email. */
  get #keylessRecords(): number {
    return listOf(this.#index("keyless").get("")).length;
  }

  /** Imported users with neither uid nor email that no record named, left for {@link placeKeyless}. */
  get keylessWaiting(): number {
    return this.#keyless.length;
  }

  /**
   * Once {@link matchLeftovers} ran, where the job's word settles the records with neither uid, id nor email:
   * each imported user with neither uid nor email that no record named goes to a free such record, as
   * FullStory made it for one (its id is given only when the chunk has one such record and the list one such
   * user).
   */
  placeKeyless(): void {
    // Nothing tells such records apart, nor such users: with more than one of either, which new id is whose
    // is unknown, and none is said. More users than records: some are no record's, and any may be.
    const records = this.#keylessRecords;
    const listed = this.#keyless.length;
    const surplus =
      listed > records
        ? `FullStory's imports list gives ${listed} users named only by the id it gave them, more than the ${records} record${records === 1 ? "" : "s"} sent with no uid, id or email, so which of them is this user is unknown`
        : undefined;
    for (const outcome of this.#keyless.splice(0)) {
      const position = this.#free("keyless", "");
      if (position === undefined) continue;
      this.unmatched -= 1;
      this.unplacedKeyless -= 1;
      this.outcomes[position] =
        !outcome.ok || (records === 1 && listed === 1)
          ? this.#ownId(outcome)
          : surplus === undefined
            ? { ok: true }
            : { ok: true, note: surplus };
    }
  }

  /**
   * An import of a record sent with no uid, id or email: FullStory made a user of it, whose id is new, so an
   * id the list gives another user too (one with a uid, or without one but with an email) is that user's (the
   * record is imported without it, with a warning), as is one it may be past what {@link listedAside} kept.
   */
  #ownId(outcome: Outcome): Outcome {
    if (!outcome.ok || outcome.id === undefined) return outcome;
    const { id, ...rest } = outcome;
    const uid = this.#uidOfId.get(id);
    const doubt =
      uid === undefined
        ? this.#idDoubt(id, true)
        : `FullStory's imports list gives the id ${id} to a user of uid ${uid} too, so whether it is this user's is unknown`;
    return doubt === undefined ? outcome : withNote(rest, doubt);
  }

  /**
   * Once {@link matchLeftovers} ran: an imported user with a uid that no free record took, while records of
   * that uid are placed (or, its uid no record's, while the record it names by id or email was refused), is
   * FullStory saying more of them than they are: that it holds a user its errors list refused, or that one
   * user has two ids. So is an errors entry that found no record free, while one it
   * names (by uid, else as {@link assign} looks) was imported. The report takes neither word alone: a refusal
   * says FullStory may hold the user, and an import loses the id it cannot be sure of (and takes the one its
   * own entry left out). First, an errors entry that named several records by one key, none of them exactly:
   * each of them that no entry of its own refused fails with its refusal (or this one), saying which record
   * FullStory refused is unknown and that it may hold the user. Last, an id the imports list gave users of
   * two uids (one of them perhaps no record's), or a user without a uid and another user, or any id once it
   * named more users no record is than {@link listedAside} keeps, is taken, with a warning, from each record
   * given it that did not name it.
   */
  flagStrays(): void {
    const flagged = new Set<number>();
    for (const { by, positions, outcome } of this.#ambiguous.splice(0)) {
      const note = `; FullStory's errors list refused an item with this ${by}, as none of the ${positions.length} records with it was sent, so which of them it refused is unknown`;
      let failedAnew = 0;
      for (const at of positions) {
        const placed = this.outcomes[at];
        if (this.#exact.has(at) || flagged.has(at)) continue;
        flagged.add(at);
        const anew = placed === undefined || placed.ok;
        if (anew) failedAnew += 1;
        const refusal = anew ? outcome : placed;
        this.outcomes[at] = jobMayHold(refusal, note);
      }
      this.refusalsOvercounted += failedAnew - 1;
      this.mayBeImported += Math.max(0, failedAnew - 1);
    }
    for (const { uid, id, email, outcome } of this.#refusals.splice(0)) {
      const [by, positions] = this.#named(uid, id, email);
      const imported = listOf(positions).find((at) => this.outcomes[at]?.ok === true);
      if (imported === undefined) {
        this.unmatched += 1;
        continue;
      }
      flagged.add(imported);
      this.outcomes[imported] = alsoImported(outcome, by);
    }
    // An imported user without a uid that found no record free, while one it names by id or email was
    // refused: FullStory said both of that record, as of a uid above.
    for (const { id, email } of this.#keyedStrays.splice(0)) this.#doubtNamed(id, email, flagged);
    for (const { uid, id, email } of this.#strays.splice(0)) {
      const positions = this.#index("uid").get(uid);
      if (positions === undefined) this.#doubtUpserted(id, email, flagged);
      for (const at of listOf(positions)) {
        const outcome = this.outcomes[at];
        if (outcome === undefined || flagged.has(at)) continue;
        if (!outcome.ok) this.#doubt(at, "uid", flagged);
        else if (outcome.id !== undefined && id !== undefined && outcome.id !== id) {
          flagged.add(at);
          this.outcomes[at] = {
            ok: true,
            note: `FullStory's imports list gives this uid more than one id (${outcome.id}, ${id}), so which is this user's is unknown`,
          };
        } else if (outcome.id === undefined && id !== undefined) {
          // Its entry said no id, which contradicts none: the id listed again for its uid is this user's.
          this.outcomes[at] = { ...outcome, id };
        }
      }
    }
    this.#doubtSharedIds();
  }

  /**
   * Notes that the imports list gave `id` to a user of `uid` (else, without one, of `email`), and whether it
   * gave it another user before: one of another uid or, where either has none, any other (two users without
   * a uid are one where their emails are, as FullStory finds such a user by its email: our reading). Two are
   * one user where a record named the id itself and sent what tells them apart (the uid, or one of the two
   * emails): FullStory lists that user as it was and as the record left it.
   */
  #listedWith(id: string, uid: string | undefined, email: string | undefined): void {
    if (uid !== undefined) {
      const first = this.#uidOfId.get(id);
      if (first === undefined) this.#uidOfId.set(id, uid);
      else if (first !== uid && !this.#idsOfTwoUids.has(id))
        this.#idsOfTwoUids.set(id, [first, uid]);
      if (this.#uidlessOfId.has(id) && !this.#sentWith(id, "uid", uid))
        this.#sharedByUidless(id, `a user of uid ${uid} and one without a uid`);
      return;
    }
    // No email is "", which no key is (text() leaves out empty strings).
    const who = email ?? "";
    const first = this.#uidlessOfId.get(id);
    if (first === undefined) this.#uidlessOfId.set(id, who);
    else if (
      first !== who &&
      !this.#sentWith(id, "emailOfId", first) &&
      !this.#sentWith(id, "emailOfId", who)
    )
      this.#sharedByUidless(
        id,
        first === "" || who === ""
          ? "users without a uid, one with an email and one without"
          : "users without a uid, of two emails",
      );
    const listed = this.#uidOfId.get(id);
    if (listed !== undefined && !this.#sentWith(id, "uid", listed))
      this.#sharedByUidless(id, `a user of uid ${listed} and one without a uid`);
  }

  /** Whether a record of the chunk named `id` itself and sent `key` (its uid, or its email without one). */
  #sentWith(id: string, name: "uid" | "emailOfId", key: string): boolean {
    return listOf(this.#index(name).get(key)).some((at) => text(this.items[at]?.id) === id);
  }

  /** Notes, once, that the imports list gave `id` to a user without a uid and another user (`users`). */
  #sharedByUidless(id: string, users: string): void {
    if (!this.#idsOfUidlessAndOther.has(id)) this.#idsOfUidlessAndOther.set(id, users);
  }

  /**
   * A user has one uid: an id the imports list gave users of two uids is some other user's for at least one
   * of them. A record given that id by the list (not one that named it itself) is imported without it, with a
   * warning, as a record whose uid the list gives two ids is. So is a record without a uid given an id the
   * list gave a user without a uid and another user: the id of a user FullStory made of a record with no key
   * is new, a user without a uid is found by its email (our reading), and a uid is a key FullStory documents
   * (a record with one keeps the id against users without). So is a record given any id, once the list
   * named more users no record is than {@link listedAside} keeps (the id may be one of theirs; of users
   * without a uid, a record without one).
   */
  #doubtSharedIds(): void {
    if (
      this.#idsOfTwoUids.size === 0 &&
      this.#idsOfUidlessAndOther.size === 0 &&
      this.#aside.uid.overflow === undefined &&
      this.#aside.uidless.overflow === undefined
    )
      return;
    for (let at = 0; at < this.outcomes.length; at++) {
      const outcome = this.outcomes[at];
      if (outcome?.ok !== true || outcome.id === undefined) continue;
      const { id, ...rest } = outcome;
      const item = this.items[at];
      const doubt =
        text(item?.id) === id ? undefined : this.#idDoubt(id, text(item?.uid) === undefined);
      if (doubt !== undefined) this.outcomes[at] = withNote(rest, doubt);
    }
  }

  /**
   * Why an id the imports list gave a record (`uidless`: one sent without a uid) may be another user's
   * (undefined: it is not in doubt).
   */
  #idDoubt(id: string, uidless: boolean): string | undefined {
    const uids = this.#idsOfTwoUids.get(id);
    if (uids !== undefined)
      return `FullStory's imports list gives the id ${id} to users of more than one uid (${uids.join(", ")}), so whether it is this user's is unknown`;
    const users = uidless ? this.#idsOfUidlessAndOther.get(id) : undefined;
    if (users !== undefined)
      return `FullStory's imports list gives the id ${id} to more than one user (${users}), so whether it is this user's is unknown`;
    const { uid, uidless: without } = this.#aside;
    if (uid.overflow !== undefined)
      return `FullStory's imports list names more than ${uid.overflow} users with a uid no record has, which no honest list does, so whether the id ${id} it gives this user is another's is unknown`;
    if (uidless && without.overflow !== undefined)
      return `FullStory's imports list names more than ${without.overflow} users without a uid that no record names, which no honest list does, so whether the id ${id} it gives this user is another's is unknown`;
    return undefined;
  }

  /**
   * An imports entry that names no record of the chunk (the caller only counts it): the uid (or, without one,
   * the email) it gives an id still says the id is that user's, not a record's given it too. Up to `room` of
   * them are kept (no more than the list may name records); past that, as no honest list names users never
   * sent, no more are, and any id the list gives a record may be one of theirs.
   */
  listedAside(entry: Keys, room: number): void {
    const { uid, id, email } = entry;
    const aside = this.#aside[uid === undefined ? "uidless" : "uid"];
    if (id === undefined || aside.overflow !== undefined) return;
    if (aside.noted >= room) aside.overflow = room;
    else {
      aside.noted += 1;
      this.#listedWith(id, uid, email);
    }
  }

  /**
   * When the errors list was not read whole, so that no imported user is placed (an unread failure may claim
   * its record first): each imported user that no record still unplaced may be, while a record it names holds
   * a refusal, is FullStory saying it holds a user its errors list refused, as {@link flagStrays} says once
   * both lists are read. The refusal then says FullStory may hold the user instead of standing alone.
   */
  doubtRefusalsImported(imported: readonly Keys[]): void {
    // An imported user may be any unplaced record it names, one each, looked for as assign and then
    // matchLeftovers look: only past them does it meet a refusal, so one another record explains (a record
    // without a uid that has its id or email, which FullStory upserted onto the user of that uid) does not.
    const claimed = new Set<number>();
    const flagged = new Set<number>();
    const free = (name: IndexName, key: string | undefined): number | undefined => {
      const at = key === undefined ? undefined : this.#unclaimed(name, key, claimed);
      if (at !== undefined) claimed.add(at);
      return at;
    };
    const leftovers: (Keys & { readonly uid: string })[] = [];
    for (const keys of imported) {
      const { uid, id, email } = keys;
      if (uid !== undefined) {
        if (free("uid", uid) === undefined) leftovers.push({ ...keys, uid });
        continue;
      }
      const at =
        free("id", id) ??
        free("email", email) ??
        (id === undefined ? free("emailOfId", email) : undefined);
      if (at !== undefined) continue;
      // No record free that it may be: the one refused record it names by its id or email, FullStory refused.
      this.#doubtNamed(id, email, flagged);
    }
    for (const { uid, id, email } of leftovers) {
      if ((free("id", id) ?? free("email", email)) !== undefined) continue;
      // The records of one uid are one FullStory user: its import contradicts each refusal of it.
      const ofUid = this.#index("uid").get(uid);
      if (ofUid === undefined) this.#doubtUpserted(id, email, flagged);
      for (const at of listOf(ofUid)) this.#doubt(at, "uid", flagged);
    }
  }

  /**
   * An imported user whose uid no record has, that no record was free for: only a record without a uid that
   * has its id, else one with neither uid nor id that has its email (as {@link matchLeftovers} looks) named
   * that user, FullStory upserting it onto them. A refusal of such a record says FullStory may hold it.
   */
  #doubtUpserted(id: string | undefined, email: string | undefined, flagged: Set<number>): void {
    for (const [by, key] of [
      ["id", id],
      ["email", email],
    ] as const) {
      if (key === undefined) continue;
      const at = this.#firstRefused(this.#index(by).get(key), flagged);
      if (at !== undefined) return this.#doubt(at, by, flagged);
    }
  }

  /** Of an imported user without a uid, the refused record it names by id or email (as assign looks). */
  #doubtNamed(id: string | undefined, email: string | undefined, flagged: Set<number>): void {
    const [by, positions] = this.#named(undefined, id, email);
    const refused = this.#firstRefused(positions, flagged);
    if (refused !== undefined) this.#doubt(refused, by, flagged);
  }

  /** The first of `positions` that holds a refusal not yet doubted (`flagged`). */
  #firstRefused(
    positions: Positions | undefined,
    flagged: ReadonlySet<number>,
  ): number | undefined {
    return listOf(positions).find((at) => this.outcomes[at]?.ok === false && !flagged.has(at));
  }

  /** Says of the refusal at `at`, once (`flagged`), that FullStory's imports list names its user too. */
  #doubt(at: number, by: string, flagged: Set<number>): void {
    const outcome = this.outcomes[at];
    if (outcome === undefined || outcome.ok || flagged.has(at)) return;
    flagged.add(at);
    this.outcomes[at] = alsoImported(outcome, by);
  }

  /** The first record of `key` in an index that is neither placed nor in `claimed`. */
  #unclaimed(name: IndexName, key: string, claimed: ReadonlySet<number>): number | undefined {
    return listOf(this.#index(name).get(key)).find(
      (at) => this.outcomes[at] === undefined && !claimed.has(at),
    );
  }

  /** The key an entry names records by (uid, else an id a record has, else email), and the records. */
  #named(
    uid: string | undefined,
    id: string | undefined,
    email: string | undefined,
  ): readonly [string, Positions | undefined] {
    if (uid !== undefined) return ["uid", this.#index("uid").get(uid)];
    if (id !== undefined && this.#index("id").has(id)) return ["id", this.#index("id").get(id)];
    return ["email", this.#placedByEmail(email, id)];
  }

  /** The records an entry without a uid names by `email`, as {@link assign} looks for them. */
  #placedByEmail(email: string | undefined, id: string | undefined): Positions | undefined {
    if (email === undefined) return undefined;
    return (
      this.#index("email").get(email) ??
      (id === undefined ? this.#index("emailOfId").get(email) : undefined)
    );
  }

  #free(name: IndexName, key: string | undefined): number | undefined {
    if (key === undefined) return undefined;
    const positions = this.#index(name).get(key);
    if (positions === undefined) return undefined;
    if (typeof positions === "number")
      return this.outcomes[positions] === undefined ? positions : undefined;
    // Positions only ever go from free to taken, so a cursor per list skips the taken ones for good.
    let at = this.#cursor.get(positions) ?? 0;
    while (at < positions.length && this.outcomes[positions[at]!] !== undefined) at += 1;
    this.#cursor.set(positions, at);
    return positions[at];
  }

  #index(name: IndexName): Map<string, Positions> {
    let index = this.#indexes.get(name);
    if (index === undefined) {
      index = new Map();
      for (let position = 0; position < this.items.length; position++) {
        const key = INDEX_KEYS[name](this.items[position]!);
        if (key === undefined) continue;
        const positions = index.get(key);
        if (positions === undefined) index.set(key, position);
        else if (typeof positions === "number") index.set(key, [positions, position]);
        else positions.push(position);
      }
      this.#indexes.set(name, index);
    }
    return index;
  }
}

type IndexName = "uid" | "id" | "email" | "emailOfId" | "keyless" | "exact";

/** Each index's key of a record, undefined for records the index leaves out. */
const INDEX_KEYS: Readonly<Record<IndexName, (record: Matchable) => string | undefined>> = {
  uid: (record) => text(record.uid),
  id: (record) => (text(record.uid) === undefined ? text(record.id) : undefined),
  email: (record) =>
    text(record.uid) === undefined && text(record.id) === undefined
      ? text(record.email)
      : undefined,
  emailOfId: (record) =>
    text(record.uid) === undefined && text(record.id) !== undefined
      ? text(record.email)
      : undefined,
  keyless: (record) =>
    text(record.uid) === undefined &&
    text(record.id) === undefined &&
    text(record.email) === undefined
      ? ""
      : undefined,
  exact: (record) => exactKey(record),
};

/** A record's uid, id and email together, as one key. */
function exactKey(record: Matchable): string {
  return JSON.stringify([
    text(record.uid) ?? null,
    text(record.id) ?? null,
    text(record.email) ?? null,
  ]);
}

/** The chunk positions holding one key: a number for the usual single record, a list for duplicates. */
type Positions = number | number[];

/** A refusal once FullStory's imports list named its user too, by `by` (uid, id or email). */
const alsoImported = (refusal: Extract<Outcome, { ok: false }>, by: string) =>
  jobMayHold(refusal, `; FullStory's imports list also names a user with this ${by}`);

/** The positions of a key, as a list. */
function listOf(positions: Positions | undefined): readonly number[] {
  return typeof positions === "number" ? [positions] : (positions ?? []);
}

/**
 * What the result lists of a chunk's job are matched on, for each of its records: {@link matchable}'s fields,
 * and the digest of the whole item for records whose uid, id and email another record of the chunk shares.
 */
export function matchKeysOfItems(items: readonly Matchable[]): readonly Keys[] {
  const keys = items.map(matchable);
  // Records with uids all different share no uid, id and email either: the usual chunk is told so by one set
  // of its uids, without the text of each record's three keys (half the time of this function, per chunk).
  if (uidsDiffer(keys)) return keys;
  const seen = new Map<string, number>();
  for (const key of keys) {
    const exact = exactKey(key);
    seen.set(exact, (seen.get(exact) ?? 0) + 1);
  }
  if (seen.size === keys.length) return keys;
  return keys.map((key, at) => {
    const item = (seen.get(exactKey(key)) ?? 0) > 1 ? itemDigest(items[at]) : undefined;
    return item === undefined ? key : { ...key, item };
  });
}

/** Whether every record has a uid, and no two the same one. */
function uidsDiffer(keys: readonly Keys[]): boolean {
  const uids = new Set<string>();
  for (const { uid } of keys) {
    if (uid === undefined) return false;
    uids.add(uid);
  }
  return uids.size === keys.length;
}

/** A digest of an item as JSON carries it, its keys in order (an echo of it may order them otherwise). */
function itemDigest(item: unknown): string | undefined {
  try {
    const text = JSON.stringify(item ?? null);
    return createHash("sha1")
      .update(JSON.stringify(sorted(JSON.parse(text) as unknown)))
      .digest("base64");
  } catch {
    // An echo that nests past the stack names no record by its item.
    return undefined;
  }
}

/** A JSON value with every object's keys sorted. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const name of Object.keys(value).sort())
    out[name] = sorted((value as Record<string, unknown>)[name]);
  return out;
}

/** Every uid, id and email the records of a chunk have, and whether one of them has none of the three. */
export interface ChunkNames {
  readonly keys: ReadonlySet<string>;
  readonly keyless: boolean;
}

export function namesOf(records: readonly Keys[]): ChunkNames {
  const keys = new Set<string>();
  let keyless = false;
  for (const { uid, id, email } of records) {
    if (uid === undefined && id === undefined && email === undefined) keyless = true;
    for (const key of [uid, id, email]) if (key !== undefined) keys.add(key);
  }
  return { keys, keyless };
}

/**
 * Whether a listed entry can be matched to a record of the chunk, in any of the ways {@link Matcher} matches
 * one: it has a uid, id or email one of them has, or neither uid nor email while a record has none of the
 * three (FullStory names the user it makes of such a record by its new id only). No other entry is.
 */
export function mayName(names: ChunkNames, entry: Keys): boolean {
  const { uid, id, email } = entry;
  if (uid !== undefined && names.keys.has(uid)) return true;
  if (id !== undefined && names.keys.has(id)) return true;
  if (email !== undefined && names.keys.has(email)) return true;
  return names.keyless && uid === undefined && email === undefined;
}

/** The fields of a record the result lists are matched on, and nothing else of it. */
export function matchable(record: Matchable): Keys {
  const fields = record as Matchable | null | undefined;
  return { uid: text(fields?.uid), id: text(fields?.id), email: text(fields?.email) };
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Whether a record has neither uid, id nor email: FullStory names the user it makes of it by its new id
 * only.
 */
export function isKeyless(record: Matchable | null | undefined): boolean {
  return INDEX_KEYS.keyless(matchable(record ?? {})) !== undefined;
}
