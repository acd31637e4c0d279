// A refusal read while the errors list was not read whole is doubted where an import read names its user, as
// both lists read whole doubt it (Matcher.flagStrays): no more, so a refusal whose import another record
// explains stands alone, and no less, so every refused record of an imported uid says FullStory may hold it.
import { describe, expect, it } from "vitest";
import type { ItemOutcome } from "../../src/core/engine/adapter.js";
import { vendorCode } from "../../src/core/engine/failure-codes.js";
import type { FullStoryFailureCode } from "../../src/fullstory/failure-codes.js";
import { type Keys, Matcher, matchable, matchKeysOfItems } from "../../src/fullstory/matcher.js";

type Outcome = ItemOutcome<FullStoryFailureCode>;
type Record = { uid?: string; id?: string; email?: string };

const refusal = (): Outcome => ({ ok: false, code: vendorCode("bad_user"), reason: "bad user" });

/** Outcomes of the records FullStory refused exactly, as the errors list read so far left them. */
function refused(records: readonly Record[], refusedAt: readonly number[]) {
  const outcomes = new Array<Outcome | undefined>(records.length);
  const matcher = new Matcher(matchKeysOfItems(records), outcomes);
  for (const at of refusedAt) expect(matcher.assignExact(records[at], refusal())).toBe(true);
  return { matcher, outcomes };
}

/** Which records say FullStory may hold them: the errors list cut short, or read whole. */
function doubted(records: readonly Record[], refusedAt: readonly number[], imports: Record[]) {
  const listed: Keys[] = imports.map(matchable);
  const partial = refused(records, refusedAt);
  partial.matcher.doubtRefusalsImported(listed);
  const whole = refused(records, refusedAt);
  for (const user of listed) whole.matcher.assign(user, { ok: true }, true);
  whole.matcher.matchLeftovers();
  whole.matcher.flagStrays();
  const mayHold = (outcomes: readonly (Outcome | undefined)[]) =>
    refusedAt.filter((at) => {
      const o = outcomes[at];
      return o?.ok === false && o.reason.includes("may hold");
    });
  return { partial: mayHold(partial.outcomes), whole: mayHold(whole.outcomes) };
}

describe("a refusal an import read names, the errors list not read whole", () => {
  it("stands alone when the import goes to a record without a uid that has its email", () => {
    // FullStory upserted the second record onto the user with its email, who has the refused record's uid.
    const result = doubted(
      [{ uid: "u", email: "a@example.com" }, { email: "b@example.com" }],
      [0],
      [{ uid: "u", id: "fs-1", email: "b@example.com" }],
    );
    expect(result).toEqual({ partial: [], whole: [] });
  });

  it("stands alone when the import goes to a record without a uid that has its id", () => {
    const result = doubted([{ uid: "u" }, { id: "fs-1" }], [0], [{ uid: "u", id: "fs-1" }]);
    expect(result).toEqual({ partial: [], whole: [] });
  });

  it("stands alone when an import without a uid or id goes to another record that has its email and an id", () => {
    // FullStory's imports list may give no id: that user is the unplaced record with the email, not the
    // refused one.
    const result = doubted(
      [
        { id: "fs-1", email: "a@example.com" },
        { id: "fs-2", email: "a@example.com" },
      ],
      [0],
      [{ email: "a@example.com" }],
    );
    expect(result).toEqual({ partial: [], whole: [] });
  });

  it("is doubted on every refused record of the uid, as one user", () => {
    const result = doubted(
      [
        { uid: "u", email: "a@example.com" },
        { uid: "u", email: "b@example.com" },
        { uid: "u", email: "c@example.com" },
      ],
      [0, 1],
      [{ uid: "u" }, { uid: "u" }],
    );
    expect(result).toEqual({ partial: [0, 1], whole: [0, 1] });
  });

  it("is doubted once, however often the imports list names the uid", () => {
    const outcomes = new Array<Outcome | undefined>(1);
    const records = [{ uid: "u" }];
    const matcher = new Matcher(matchKeysOfItems(records), outcomes);
    matcher.assignExact(records[0], refusal());
    matcher.doubtRefusalsImported([matchable({ uid: "u" }), matchable({ uid: "u" })]);
    const o = outcomes[0];
    expect(o?.ok === false && o.reason.split("may hold").length).toBe(2);
  });
});

describe("a refusal an import without a uid names by its email", () => {
  it("says FullStory may hold the user, the errors list read whole or not", () => {
    const byEmail = doubted(
      [{ email: "a@example.com" }, { uid: "u2" }],
      [0],
      [{ email: "a@example.com", id: "fs-9" }],
    );
    expect(byEmail).toEqual({ partial: [0], whole: [0] });
  });
});

describe("a refusal an import without a uid or email names by its id", () => {
  it("says FullStory may hold the user, the errors list read whole or not", () => {
    // FullStory's imports list gives the user the refused record named by id, with no uid or email.
    const byId = doubted([{ id: "fs-1" }, { uid: "u2" }], [0], [{ id: "fs-1" }]);
    expect(byId).toEqual({ partial: [0], whole: [0] });
  });

  it("is not taken for a record without a uid, id or email, whose user only its new id names", () => {
    const records: Record[] = [{ id: "fs-1" }, {}];
    const outcomes = new Array<Outcome | undefined>(records.length);
    const matcher = new Matcher(matchKeysOfItems(records), outcomes);
    matcher.assignExact(records[0], refusal());
    matcher.assign(matchable({ id: "fs-1" }), { ok: true, id: "fs-1" }, true);
    // A COMPLETED job that refused no record without a uid, id or email.
    matcher.matchLeftovers(true);
    matcher.flagStrays();
    expect(outcomes[1]).toBeUndefined();
    const o = outcomes[0];
    expect(o?.ok === false && o.reason).toMatch(/may hold/);
  });
});

describe("a refusal an import with a uid no record has names by its id or email", () => {
  // Only the refused record can have named that user: FullStory upserted it onto the user with its id or
  // email.
  it.each<[string, Record[], Record]>([
    [
      "email",
      [{ email: "a@example.com" }, { uid: "u2" }],
      { uid: "u9", id: "fs-9", email: "a@example.com" },
    ],
    ["id", [{ id: "fs-1" }, { uid: "u2" }], { uid: "u9", id: "fs-1" }],
  ])(
    "by %s says FullStory may hold the user, the errors list read whole or not",
    (_, records, user) => {
      expect(doubted(records, [0], [user])).toEqual({ partial: [0], whole: [0] });
    },
  );
});

describe("refusals of records that name one imported user in different ways", () => {
  // One import is one user: it contradicts the refusal of the record assign would have placed it on, and
  // no other.
  it("an import with a uid no record has doubts the refused record naming its id, not also one with its email", () => {
    const result = doubted(
      [{ id: "fs-1" }, { email: "a@example.com" }],
      [0, 1],
      [{ uid: "u9", id: "fs-1", email: "a@example.com" }],
    );
    expect(result).toEqual({ partial: [0], whole: [0] });
  });

  it("each import of an id doubts another refused record with that id", () => {
    const result = doubted(
      [{ id: "fs-1" }, { id: "fs-1" }],
      [0, 1],
      [{ id: "fs-1" }, { id: "fs-1" }],
    );
    expect(result).toEqual({ partial: [0, 1], whole: [0, 1] });
  });

  // Two ids are two users, and a user with a uid is listed with it: neither import is the refused record's.
  it.each<[string, Record, Record]>([
    [
      "an import of another id with the email of a refused record that has an id",
      { id: "fs-1", email: "a@example.com" },
      { id: "fs-9", email: "a@example.com" },
    ],
    [
      "an import with only an email, of a refused record that has a uid",
      { uid: "u", id: "fs-1", email: "a@example.com" },
      { email: "a@example.com" },
    ],
  ])("%s leaves the refusal alone", (_, record, user) => {
    expect(doubted([record, { uid: "u2" }], [0], [user])).toEqual({ partial: [], whole: [] });
  });
});

describe("an errors entry listed again for a record already refused", () => {
  it("leaves the record's refusal as it was: no imports list named its user", () => {
    const records = [{ uid: "u" }];
    const outcomes = new Array<Outcome | undefined>(records.length);
    const matcher = new Matcher(matchKeysOfItems(records), outcomes);
    const first: Outcome = { ok: false, code: vendorCode("bad_user"), reason: "bad user" };
    expect(matcher.assignExact(records[0], first)).toBe(true);
    matcher.assign({ uid: "u" }, { ok: false, code: vendorCode("bad_user"), reason: "again" });
    matcher.matchLeftovers();
    matcher.flagStrays();

    expect(outcomes).toEqual([first]);
    expect(matcher.unmatched).toBe(1);
  });
});
