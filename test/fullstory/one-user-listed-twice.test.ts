// A FullStory job whose result lists name one user more often than the chunk holds it: its imports list and its
// errors list both name the one record of a uid, or its imports list gives that uid two ids (or one id two
// uids). FullStory said both, so the report takes neither word alone: a refused record says FullStory may
// hold the user, and an imported one is given no id that may be another's.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, lying, mountFullStory, type Lies, sendChunk } from "./harness.js";

const server = useMswServer();
const input: FullStoryUser[] = [{ uid: "u-0" }, { uid: "u-1" }, { uid: "u-2" }];

/** The chunk's outcomes from a FullStory that tells `lies` and refuses the user of uid `refused`. */
async function outcomesOf(lies: Lies, refused?: string) {
  mountFullStory(server, {
    faults: {
      ...(refused !== undefined && { reject: (key: string) => key === `uid:${refused}` }),
      script: lying(lies),
    },
  });
  const result = await sendChunk(input);
  return result.outcomes;
}

const mayHold = matching(
  /imports list also names a user with this uid; whether it was imported is unknown: the vendor may hold this record/,
);

describe("one record that both result lists name", () => {
  it("imported and listed as an error too: failed with FullStory's reason, and it may hold the user", async () => {
    const outcomes = await outcomesOf({
      ghosts: { errors: [{ user: { uid: "u-1" }, code: "bad_user", message: "bad user" }] },
    });

    expect(outcomes[1]).toMatchObject({ ok: false, code: "bad_user", reason: mayHold });
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(outcomes[2]).toMatchObject({ ok: true });
  });

  it("refused and listed as imported too: the refusal says FullStory may hold the user", async () => {
    const outcomes = await outcomesOf({ ghosts: { imports: [{ uid: "u-2", id: "999" }] } }, "u-2");

    expect(outcomes[2]).toMatchObject({ ok: false, reason: mayHold });
  });

  it("imported under two ids: imported without an id, with a warning naming both", async () => {
    const outcomes = await outcomesOf({ ghosts: { imports: [{ uid: "u-0", id: "998" }] } });

    expect(outcomes[0]).toEqual({
      ok: true,
      note: matching(/gives this uid more than one id \(998, \d+\)/),
    });
  });

  it("imported under three ids: imported without an id, with a warning naming the first two", async () => {
    const ghosts = [
      { uid: "u-0", id: "998" },
      { uid: "u-0", id: "999" },
    ];
    const outcomes = await outcomesOf({ ghosts: { imports: ghosts } });

    expect(outcomes[0]).toEqual({
      ok: true,
      note: matching(/gives this uid more than one id \(998, 999\)/),
    });
  });

  it("refused and listed as imported twice: the refusal says FullStory may hold the user once", async () => {
    const twice = [
      { uid: "u-2", id: "998" },
      { uid: "u-2", id: "999" },
    ];
    const outcomes = await outcomesOf({ ghosts: { imports: twice } }, "u-2");

    expect(outcomes[2]).toMatchObject({ ok: false, reason: mayHold });
    expect(outcomes[2]).not.toMatchObject({ reason: matching(/may hold this user.*may hold/) });
  });

  // The same user under the same id twice says nothing new: its id is not in doubt.
  it("imported and listed twice under the same id: imported with that id, no warning", async () => {
    const same = { uid: "u-0", id: "998" };
    const outcomes = await outcomesOf({
      omit: (uid) => uid === "u-0",
      ghosts: { imports: [same, same] },
    });

    expect(outcomes[0]).toEqual({ ok: true, id: "998" });
  });

  it("imported and listed without an id, then again with one: imported with that id, no warning", async () => {
    const outcomes = await outcomesOf({
      omit: (uid) => uid === "u-0",
      ghosts: { imports: [{ uid: "u-0" }, { uid: "u-0", id: "998" }] },
    });

    expect(outcomes[0]).toEqual({ ok: true, id: "998" });
  });

  it("listed without an id, then under two ids: imported without an id, with a warning", async () => {
    const outcomes = await outcomesOf({
      omit: (uid) => uid === "u-0",
      ghosts: { imports: [{ uid: "u-0" }, { uid: "u-0", id: "998" }, { uid: "u-0", id: "999" }] },
    });

    expect(outcomes[0]).toEqual({
      ok: true,
      note: matching(/gives this uid more than one id \(998, 999\)/),
    });
  });

  it("imported and listed again without an id: imported with its id, no warning", async () => {
    const outcomes = await outcomesOf({
      omit: (uid) => uid === "u-0",
      ghosts: { imports: [{ uid: "u-0", id: "998" }, { uid: "u-0" }] },
    });

    expect(outcomes[0]).toEqual({ ok: true, id: "998" });
  });

  // A user has one uid: one of the two records would be reported with another user's id.
  it("listed under the id of another record's user: both imported without that id, with a warning", async () => {
    const outcomes = await outcomesOf({
      omit: (uid) => uid === "u-0" || uid === "u-1",
      ghosts: {
        imports: [
          { uid: "u-0", id: "998" },
          { uid: "u-1", id: "998" },
        ],
      },
    });

    const note = matching(/gives the id 998 to users of more than one uid \(u-0, u-1\)/);
    expect(outcomes.slice(0, 2)).toEqual([
      { ok: true, note },
      { ok: true, note },
    ]);
    expect(outcomes[2]).toMatchObject({ ok: true, id: matching(/^\d+$/) });
  });

  // A record that named the id itself is that user's update, whatever uid the list gives the user.
  it("keeps the id a record named itself, while the other record given it loses it", async () => {
    mountFullStory(server, {
      faults: {
        script: lying({
          omit: () => true,
          ghosts: {
            imports: [
              { uid: "u-0", id: "998" },
              { uid: "u-9", id: "998" },
            ],
          },
        }),
      },
    });
    const { outcomes } = await sendChunk([{ uid: "u-0" }, { id: "998" }]);

    expect(outcomes).toEqual([
      { ok: true, note: matching(/gives the id 998 to users of more than one uid \(u-0, u-9\)/) },
      { ok: true, id: "998" },
    ]);
  });

  // The list's other user is no record's (it is only counted), and still a user with another uid.
  it("listed under the id of a user never sent: imported without that id, with a warning", async () => {
    const outcomes = await outcomesOf({
      omit: (uid) => uid === "u-0",
      ghosts: {
        imports: [
          { uid: "u-0", id: "998" },
          { uid: "u-zz", id: "998" },
        ],
      },
    });

    expect(outcomes[0]).toEqual({
      ok: true,
      note: matching(/gives the id 998 to users of more than one uid \(u-zz, u-0\)/),
    });
    expect(outcomes[1]).toMatchObject({ ok: true, id: matching(/^\d+$/) });
  });

  // No honest list names a user never sent: past as many as the list may hold, no id is kept of them to
  // compare, and any id the list gives may be one of theirs.
  it("listed beside more users never sent than a list holds: no record keeps an id it was given", async () => {
    const strays = Array.from({ length: 2 * input.length + 3 }, (_, i) => ({
      uid: `u-zz-${i}`,
      id: `fs-${i}`,
    }));
    const outcomes = await outcomesOf({ ghosts: { imports: strays } });

    const note = matching(
      /names more than 8 users with a uid no record has.*so whether the id \d+ it/,
    );
    expect(outcomes).toEqual([
      { ok: true, note },
      { ok: true, note },
      { ok: true, note },
    ]);
  });

  // As many as a list may hold: each id is still compared.
  it("listed beside as many users never sent as a list holds: ids kept", async () => {
    const strays = Array.from({ length: 2 * input.length + 2 }, (_, i) => ({
      uid: `u-zz-${i}`,
      id: `fs-${i}`,
    }));
    const outcomes = await outcomesOf({ ghosts: { imports: strays } });

    for (const outcome of outcomes) expect(outcome).toEqual({ ok: true, id: matching(/^\d+$/) });
  });

  // A user made of a record with neither uid, id nor email has an id of its own, not another user's.
  it("listed by id alone under the id the list gives a uid: the record sent with no key loses it", async () => {
    mountFullStory(server, {
      faults: {
        script: lying({
          omit: () => true,
          ghosts: { imports: [{ uid: "a", id: "S1" }, { id: "S1" }] },
        }),
      },
    });
    const { outcomes } = await sendChunk([{ uid: "a" }, { display_name: "x" }]);

    expect(outcomes).toEqual([
      { ok: true, id: "S1" },
      { ok: true, note: matching(/gives the id S1 to a user of uid a too/) },
    ]);
  });
});

// A record without a uid is named by its email (our reading) or, sent with none of the three, by elimination:
// an id the list also gives another listed user (one without a uid too) may be that user's.
describe("an id the imports list gives a user without a uid and another user", () => {
  /** The chunk's outcomes when the imports list holds `ghosts` only. */
  async function listedAs(chunk: FullStoryUser[], ghosts: NonNullable<Lies["ghosts"]>) {
    mountFullStory(server, { faults: { script: lying({ omit: () => true, ghosts }) } });
    return (await sendChunk(chunk)).outcomes;
  }

  it("a record by email and one sent with no key, each given the id: both lose it", async () => {
    const outcomes = await listedAs([{ email: "a@example.com" }, { display_name: "x" }], {
      imports: [{ id: "S1", email: "a@example.com" }, { id: "S1" }],
    });

    const note = matching(/gives the id S1 to more than one user/);
    expect(outcomes).toEqual([
      { ok: true, note },
      { ok: true, note },
    ]);
  });

  it("two records by two emails, given one id: both lose it", async () => {
    const outcomes = await listedAs([{ email: "a@example.com" }, { email: "b@example.com" }], {
      imports: [
        { id: "S1", email: "a@example.com" },
        { id: "S1", email: "b@example.com" },
      ],
    });

    const note = matching(
      /gives the id S1 to more than one user \(users without a uid, of two emails\)/,
    );
    expect(outcomes).toEqual([
      { ok: true, note },
      { ok: true, note },
    ]);
    // The vendor's emails are personal data, of any length: the note names the users by their kind only.
    expect(JSON.stringify(outcomes)).not.toContain("@example.com");
  });

  // The other user is no record's (only counted), and still another user.
  it("a record by email, its id given to a user of another email never sent: it loses it", async () => {
    const outcomes = await listedAs([{ email: "a@example.com" }], {
      imports: [
        { id: "S1", email: "zz@example.com" },
        { id: "S1", email: "a@example.com" },
      ],
    });

    expect(outcomes).toEqual([
      { ok: true, note: matching(/gives the id S1 to more than one user/) },
    ]);
    expect(JSON.stringify(outcomes)).not.toContain("zz@example.com");
  });

  // A uid is a key FullStory documents (an email ours): as against a record sent with no key, the id is the
  // uid's, and only the record named by email loses it.
  it("a record by email, its id given to a record's uid too: it loses it, the uid's record keeps it", async () => {
    const outcomes = await listedAs([{ uid: "u-0" }, { email: "a@example.com" }], {
      imports: [
        { uid: "u-0", id: "S1" },
        { id: "S1", email: "a@example.com" },
      ],
    });

    expect(outcomes).toEqual([
      { ok: true, id: "S1" },
      {
        ok: true,
        note: matching(
          /gives the id S1 to more than one user \(a user of uid u-0 and one without a uid\)/,
        ),
      },
    ]);
  });

  it("keeps the id a record named itself, while the record given it by email loses it", async () => {
    const outcomes = await listedAs([{ id: "S1" }, { email: "a@example.com" }], {
      imports: [{ id: "S1" }, { id: "S1", email: "a@example.com" }],
    });

    expect(outcomes).toEqual([
      { ok: true, id: "S1" },
      { ok: true, note: matching(/gives the id S1 to more than one user/) },
    ]);
  });

  // One user upserted by two records of its email: the same user, listed once for each.
  it("two records of one email, given one id: both keep it, no warning", async () => {
    const same = { id: "S1", email: "a@example.com" };
    const outcomes = await listedAs([{ email: "a@example.com" }, { email: "a@example.com" }], {
      imports: [same, same],
    });

    expect(outcomes).toEqual([
      { ok: true, id: "S1" },
      { ok: true, id: "S1" },
    ]);
  });

  // FullStory lists the user as the record by email left it, then as the record naming its id gave it a uid.
  it("a record by email and one naming its user's id with a new uid: one user, both keep the id", async () => {
    mountFullStory(server);
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const created = await client.createUser({ body: { email: "e@example.com" } });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.data.id;

    const { outcomes } = await sendChunk([
      { email: "e@example.com", display_name: "A" },
      { id, uid: "u-new" },
    ]);

    expect(outcomes).toEqual([
      { ok: true, id },
      { ok: true, id },
    ]);
  });

  // No honest list names a user no record is: past as many as a list may hold, any id may be one of theirs.
  it("beside more users without a uid that no record is than a list holds: the id is not kept", async () => {
    const strays = Array.from({ length: 2 * 1 + 3 }, (_, i) => ({
      id: `fs-${i}`,
      email: `zz-${i}@example.com`,
    }));
    const outcomes = await listedAs([{ email: "a@example.com" }], {
      imports: [...strays, { id: "S1", email: "a@example.com" }],
    });

    expect(outcomes).toEqual([
      { ok: true, note: matching(/names more than 4 users without a uid that no record names/) },
    ]);
  });
});
