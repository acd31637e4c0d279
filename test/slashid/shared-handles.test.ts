// Persons of one file that share a handle (a household's phone, a switchboard, a reused email): each row
// SlashID lists in `failed_csv` must fail the person it refused, not another one that merely shares a handle
// with it, or the report calls a stored person failed and a refused one imported.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { json } from "../../src/testing/faults.js";
import { gatewayPage } from "../../src/testing/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { failedCsv, rewriteFailedCsv, slashIdClient, slashIdWorld, type Row } from "./harness.js";

const server = useMswServer();

/** A region SlashID does not know: only a warning on our side, so the person is sent and SlashID refuses it. */
const UNKNOWN_REGIONS = ["mars-north", "mars-south"] as const;

/** `n` distinct emails and one phone number they can share. */
function household(seed: string, n: number): { emails: string[]; phone: string } {
  const f = seededFaker(seed);
  const emails = Array.from(
    { length: n },
    (_, i) => `${f.person.firstName().toLowerCase()}.${i}@${f.internet.domainName()}`,
  );
  return { emails, phone: `+1${f.string.numeric({ length: 10, allowLeadingZeros: false })}` };
}

function run(records: SlashIdPerson[]): Promise<ImportReport> {
  return importUsers(slashIdClient(), records, { sleep: async () => {} });
}

/** Each record's outcome and, for a failure, its reason: what a user reads in the report. */
const results = (report: ImportReport) =>
  report.outcomes.map((o) =>
    o.outcome === "failed" ? [o.key, o.outcome, o.reason] : [o.key, o.outcome],
  );

const storedEmails = (world: ReturnType<typeof slashIdWorld>) =>
  world.sim.persons().flatMap((p) => p.emails);

describe("failed_csv rows of persons that share a handle", () => {
  it("fails the person SlashID refused, not an earlier one sharing its phone number", async () => {
    const {
      emails: [ada, bob],
      phone,
    } = household("shared-phone", 2) as { emails: [string, string]; phone: string };
    const world = slashIdWorld(server);
    const report = await run([
      { emails: [ada], phone_numbers: [phone] },
      { emails: [bob], phone_numbers: [phone], region: "mars-north" },
    ]);

    expect(storedEmails(world)).toEqual([ada]);
    expectEveryRecordOnce(report, 2);
    expect(results(report)).toEqual([
      [ada, "imported"],
      [bob, "failed", expect.stringContaining("unknown region [mars-north]")],
    ]);
  });

  it("lands two refused rows sharing a phone number on their own persons; the one stored stays imported", async () => {
    const {
      emails: [ada, bob, cy],
      phone,
    } = household("two-refused", 3) as {
      emails: [string, string, string];
      phone: string;
    };
    const world = slashIdWorld(server);
    const report = await run([
      { emails: [ada], phone_numbers: [phone] },
      { emails: [bob], phone_numbers: [phone], region: UNKNOWN_REGIONS[0] },
      { emails: [cy], phone_numbers: [phone], region: UNKNOWN_REGIONS[1] },
    ]);

    expect(storedEmails(world)).toEqual([ada]);
    expect(results(report)).toEqual([
      [ada, "imported"],
      [bob, "failed", expect.stringContaining(`unknown region [${UNKNOWN_REGIONS[0]}]`)],
      [cy, "failed", expect.stringContaining(`unknown region [${UNKNOWN_REGIONS[1]}]`)],
    ]);
  });

  it("matches the row SlashID echoes even when an earlier person has the very same handles", async () => {
    const {
      emails: [shared],
      phone,
    } = household("same-handles", 1) as { emails: [string]; phone: string };
    const world = slashIdWorld(server);
    const report = await run([
      { emails: [shared], phone_numbers: [phone], groups: ["first"] },
      { emails: [shared], phone_numbers: [phone], groups: ["second"], region: "mars-north" },
    ]);

    expect(world.sim.persons()).toHaveLength(1);
    expect(results(report).map(([, outcome]) => outcome)).toEqual(["imported", "failed"]);
  });

  it("when SlashID echoes a row altered, picks the person sharing the most handles with it", async () => {
    const {
      emails: [ada, bob],
      phone,
    } = household("altered-echo", 2) as { emails: [string, string]; phone: string };
    // SlashID's own forms: the email upper-cased, the phone number spaced, the region rewritten, so no
    // person's row equals the echo.
    const altered = (row: Row): Row => ({
      ...row,
      "slashid:emails": (row["slashid:emails"] ?? "").toUpperCase(),
      "slashid:phone_numbers": (row["slashid:phone_numbers"] ?? "").replace(
        /^\+1(\d{3})/,
        "+1 $1 ",
      ),
      "slashid:region": (row["slashid:region"] ?? "").toUpperCase(),
    });
    slashIdWorld(server, {
      script: () => rewriteFailedCsv((rows, header) => failedCsv(header, rows.map(altered))),
    });
    const report = await run([
      { emails: [ada], phone_numbers: [phone] },
      { emails: [bob], phone_numbers: [phone], region: "mars-north" },
    ]);

    expect(results(report)).toEqual([
      [ada, "imported"],
      [bob, "failed", expect.stringContaining("unknown region [mars-north]")],
    ]);
  });
});

describe("a failed row that persons of the file match equally", () => {
  const PHONE = "+13475043201";
  const HEADER = ["slashid:emails", "slashid:phone_numbers", "reason"];
  const ann = { emails: ["ann@example.com"], phone_numbers: [PHONE] };
  const bob = { emails: ["bob@example.com"], phone_numbers: [PHONE] };
  const cy = { emails: ["cy@example.com"], phone_numbers: [PHONE] };
  const dan = { emails: ["dan@example.com"] };
  const eve = { emails: ["eve@example.com"] };

  /** A failed row holding the shared phone number alone, which ann, bob and cy hold alike. */
  const phoneOnly = (reason: string): Row => ({
    "slashid:emails": "",
    "slashid:phone_numbers": PHONE,
    reason,
  });
  /** A failed row echoing `person` as uploaded. */
  const echo = (person: SlashIdPerson, reason: string): Row => ({
    "slashid:emails": person.emails?.join(",") ?? "",
    "slashid:phone_numbers": person.phone_numbers?.join(",") ?? "",
    reason,
  });
  /** What the report says of each record: its status, or its failure code and reason. */
  const said = (report: ImportReport) =>
    report.outcomes.map((o) =>
      o.outcome === "failed"
        ? [o.key, o.code, o.reason]
        : o.outcome === "imported" && o.warning !== undefined
          ? [o.key, o.outcome, o.warning]
          : [o.key, o.outcome],
    );
  /** SlashID's answer to `input`: `successful` and `failed` counted, `rows` listed in failed_csv. */
  const answered = async (
    input: SlashIdPerson[],
    successful: number,
    failed: number,
    rows: readonly Row[],
    header: readonly string[] = HEADER,
  ) => {
    slashIdWorld(server, {
      script: () => ({
        after: () =>
          json({
            result: {
              successful_imports: successful,
              failed_imports: failed,
              failed_csv: failedCsv(header, rows),
            },
          }),
      }),
    });
    const report = await run(input);
    expectEveryRecordOnce(report, input.length);
    return said(report);
  };
  /** The reason of a person that `rows` failed rows match as they match `persons` persons in all. */
  const tied = (reasons: string, persons: number, rows = 1) =>
    `${reasons}: ${
      rows === 1
        ? "the failed row SlashID lists with this reason matches"
        : `the ${rows} failed rows SlashID lists with these reasons each match the same`
    } ${persons} persons of this file equally, this person among them, so which of them it refused, ` +
    "and whether this person was imported, is unknown";
  const these = (reasons: string) => (reasons.includes("; ") ? "these reasons" : "this reason");
  /** How rows quoting `reasons`, `rows` of them, are spoken of in a refused person's reason. */
  const rowsSay = (reasons: string, rows: number) =>
    `${reasons}: ${
      rows === 1
        ? "the failed row SlashID lists with this reason matches"
        : `the ${rows} failed rows SlashID lists with ${these(reasons)} each match`
    } this person and other persons of this file equally, and `;
  /** The reason of a person `rows` rows tied over it and others refuse, as they are no fewer than them. */
  const refused = (reasons: string, rows = 1) =>
    `${rowsSay(reasons, rows)}as each failed row is a person SlashID refused, the failed rows that match ` +
    "persons equally, given one person each as far as they go, cannot leave this person out: SlashID " +
    "refused this person, but did not say with which row";
  /** The reason of a person `rows` rows are tied over, whom SlashID's counts call failed with every other. */
  const refusedByCounts = (reasons: string, rows = 1) =>
    `${rowsSay(reasons, rows)}SlashID counted every person of this file failed, none imported: SlashID ` +
    "refused this person, but did not say whether with one of these rows, or with which";

  it("places neither of two persons sharing the phone number a failed row holds alone", async () => {
    expect(await answered([ann, bob], 1, 1, [phoneOnly("invalid phone number")])).toEqual([
      ["ann@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
      ["bob@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
    ]);
  });

  it("counts a tied row as one failure: the others stay imported or refused, with no warning", async () => {
    expect(
      await answered([ann, bob, dan, eve], 2, 2, [
        phoneOnly("invalid phone number"),
        echo(eve, "email refused"),
      ]),
    ).toEqual([
      ["ann@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
      ["bob@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
      ["dan@example.com", "imported"],
      ["eve@example.com", "rejected_by_vendor", "email refused"],
    ]);
  });

  it("a tied row stands for one failure only: one more counted leaves the unlisted in doubt", async () => {
    const outcomes = await answered([ann, bob, dan], 1, 2, [phoneOnly("invalid phone number")]);
    expect(outcomes.slice(0, 2)).toEqual([
      ["ann@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
      ["bob@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
    ]);
    expect(outcomes[2]).toEqual([
      "dan@example.com",
      "import_unconfirmed",
      expect.stringContaining("its failed_csv placed only 1 failure(s)"),
    ]);
  });

  it("a person its own row echoes is refused by it; a tied row is weighed on the persons left", async () => {
    expect(
      await answered([ann, bob, cy], 1, 2, [
        phoneOnly("invalid phone number"),
        echo(ann, "email refused"),
      ]),
    ).toEqual([
      ["ann@example.com", "rejected_by_vendor", "email refused"],
      ["bob@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
      ["cy@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
    ]);
  });

  it("a tied row whose rivals other rows took is the person left's, as each row is a failure", async () => {
    // Bob's row, altered past echoing (his email with another phone number), shares most with him alone.
    const bobs = { ...echo(bob, "email refused"), "slashid:phone_numbers": "+15550100" };
    expect(await answered([ann, bob], 0, 2, [phoneOnly("invalid phone number"), bobs])).toEqual([
      ["ann@example.com", "rejected_by_vendor", "invalid phone number"],
      ["bob@example.com", "rejected_by_vendor", "email refused"],
    ]);
  });

  it("rows tied over persons no more than they are refuse each, not saying whose is which", async () => {
    // Three rows for two persons: each row is a person refused, so both were; the third lists one of them
    // again, so dan stays imported without a warning.
    const rows = [
      phoneOnly("invalid phone number"),
      phoneOnly("phone number taken"),
      phoneOnly("invalid phone number"),
    ];
    const reason = refused("invalid phone number; phone number taken", 3);
    expect(await answered([ann, bob, dan], 1, 2, rows)).toEqual([
      ["ann@example.com", "rejected_by_vendor", reason],
      ["bob@example.com", "rejected_by_vendor", reason],
      ["dan@example.com", "imported"],
    ]);
  });

  it("a row tied over persons SlashID counted all failed refuses each, not saying whose it is", async () => {
    const reason = refusedByCounts("invalid phone number");
    expect(await answered([ann, bob], 0, 2, [phoneOnly("invalid phone number")])).toEqual([
      ["ann@example.com", "rejected_by_vendor", reason],
      ["bob@example.com", "rejected_by_vendor", reason],
    ]);
  });

  it("two rows tied over the persons left after one's own row took another refuse both", async () => {
    // Ann's own row takes her; the two rows holding the phone number alone are then bob's and cy's, one
    // each, though the phone number's list still holds ann between them: dan, the one imported, stays so.
    const rows = [
      echo(ann, "email refused"),
      phoneOnly("invalid phone number"),
      phoneOnly("invalid phone number"),
    ];
    expect(await answered([bob, ann, cy, dan], 1, 3, rows)).toEqual([
      ["bob@example.com", "rejected_by_vendor", refused("invalid phone number", 2)],
      ["ann@example.com", "rejected_by_vendor", "email refused"],
      ["cy@example.com", "rejected_by_vendor", refused("invalid phone number", 2)],
      ["dan@example.com", "imported"],
    ]);
  });

  it("a row sharing one handle each with persons of two lists is tied over all of them", async () => {
    // The row holds username a, x's alone, and b, y's and z's: none holds two, so x, whose list is the
    // shortest, is no likelier the row's than y or z.
    const input = [
      { emails: ["x@example.com"], usernames: ["a"] },
      { emails: ["y@example.com"], usernames: ["b", "y"] },
      { emails: ["z@example.com"], usernames: ["b", "z"] },
      dan,
    ];
    const row = { "slashid:usernames": "a,b", reason: "usernames taken" };
    const outcomes = await answered(input, 3, 1, [row], ["slashid:usernames", "reason"]);
    expect(outcomes.slice(0, 3)).toEqual([
      ["x@example.com", "import_unconfirmed", tied("usernames taken", 3)],
      ["y@example.com", "import_unconfirmed", tied("usernames taken", 3)],
      ["z@example.com", "import_unconfirmed", tied("usernames taken", 3)],
    ]);
    expect(outcomes[3]?.slice(0, 2)).toEqual(["dan@example.com", "imported"]);
  });

  it("a person two rows are tied over, each with other persons, is told of the first row only", async () => {
    // Bob holds both phone numbers: the first row (ann's and bob's number) and the second (bob's and cy's)
    // are each tied over him. Neither row can be placed, so all three stay unconfirmed, bob with the first
    // row's words, as the first rows tied over a person settle it.
    const OTHER = "+13475043202";
    const twoPhones = { emails: ["bob@example.com"], phone_numbers: [PHONE, OTHER] };
    const cyOther = { emails: ["cy@example.com"], phone_numbers: [OTHER] };
    const rows = [
      phoneOnly("invalid phone number"),
      { ...phoneOnly("phone number taken"), "slashid:phone_numbers": OTHER },
    ];
    expect(await answered([ann, twoPhones, cyOther, dan], 2, 2, rows)).toEqual([
      ["ann@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
      ["bob@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
      ["cy@example.com", "import_unconfirmed", tied("phone number taken", 2)],
      ["dan@example.com", "imported"],
    ]);
  });

  it("rows tied over the same persons are spoken of together, though one holds a handle of a person placed", async () => {
    // Cy's own row takes cy; the next row holds her second email and the phone number, the last the phone
    // number alone: both are tied over ann, bob and eli alike, and each of them is told of both rows.
    const eli = { emails: ["eli@example.com"], phone_numbers: [PHONE] };
    const cyTwice = { emails: ["cy@example.com", "cy.two@example.com"], phone_numbers: [PHONE] };
    const rows = [
      echo(cyTwice, "email refused"),
      {
        "slashid:emails": "cy.two@example.com",
        "slashid:phone_numbers": PHONE,
        reason: "phone number taken",
      },
      phoneOnly("invalid phone number"),
    ];
    const reason = tied("phone number taken; invalid phone number", 3, 2);
    expect(await answered([ann, bob, eli, cyTwice, dan], 2, 3, rows)).toEqual([
      ["ann@example.com", "import_unconfirmed", reason],
      ["bob@example.com", "import_unconfirmed", reason],
      ["eli@example.com", "import_unconfirmed", reason],
      ["cy@example.com", "rejected_by_vendor", "email refused"],
      ["dan@example.com", "imported"],
    ]);
  });

  describe("rows tied over pairs of persons that overlap", () => {
    // One username each pair shares, which the rows hold alone: [a] is p0's and p1's, [b] is p1's and p2's.
    const USERNAMES = ["slashid:usernames", "reason"];
    const input = [
      { emails: ["p0@example.com"], usernames: ["a", "z0"] },
      { emails: ["p1@example.com"], usernames: ["a", "b"] },
      { emails: ["p2@example.com"], usernames: ["b", "z2"] },
      dan,
    ];
    const row = (username: string, reason: string) => ({ "slashid:usernames": username, reason });

    it.each([
      ["a, b, a", [row("a", "a first"), row("b", "b"), row("a", "a again")], "a first; a again; b"],
      ["b, a, a", [row("b", "b"), row("a", "a first"), row("a", "a again")], "b; a first; a again"],
    ])(
      "gives each row a person of its own (%s): three rows refuse three persons, so dan is imported",
      async (_, rows, p1) => {
        // The rows over [a] are p0's and p1's, so the row over [b] is p2's: which row is p1's is unknown.
        expect(await answered(input, 1, 3, rows, USERNAMES)).toEqual([
          ["p0@example.com", "rejected_by_vendor", refused("a first; a again", 2)],
          ["p1@example.com", "rejected_by_vendor", refused(p1, 3)],
          ["p2@example.com", "rejected_by_vendor", refused("b")],
          ["dan@example.com", "imported"],
        ]);
      },
    );
  });

  describe("rows tied until other rows take their rivals", () => {
    // Persons told apart by their emails, which the rows leave out: each row holds usernames alone.
    const USERNAMES = ["slashid:usernames", "reason"];
    const holding = (email: string, ...usernames: string[]) => ({ emails: [email], usernames });
    const row = (usernames: string, reason: string) => ({ "slashid:usernames": usernames, reason });

    it("places each row once, though a placement sent it to be weighed again first", async () => {
      // A [h] ties x1 and x2; R [h,m,n] ties x1 and y (two handles each); P [h,k] is x2's. Then A is x1's,
      // and R, weighed again for both placements, is y's: w, whom R shares a handle with too, stays imported.
      const input = [
        holding("x1@example.com", "h", "m"),
        holding("x2@example.com", "h", "k", "q"),
        holding("y@example.com", "m", "n"),
        holding("w@example.com", "n"),
        dan,
      ];
      const rows = [row("h", "A"), row("h,m,n", "R"), row("h,k", "P")];
      expect(await answered(input, 2, 3, rows, USERNAMES)).toEqual([
        ["x1@example.com", "rejected_by_vendor", "A"],
        ["x2@example.com", "rejected_by_vendor", "P"],
        ["y@example.com", "rejected_by_vendor", "R"],
        // The engine's own word on a username held by another record, not SlashID's answer.
        ["w@example.com", "imported", expect.stringContaining("they share an identity")],
        ["dan@example.com", "imported"],
      ]);
    });

    it("counts no row placed as a stray, though a placement sent it to be weighed again", async () => {
      // R [h,m] shares one handle each with x1, x2 and y; once A and P take x1 and x2, y is R's, and dan,
      // whom SlashID counts imported, is so without a warning of a failed row matching no one.
      const input = [
        holding("x1@example.com", "h", "z"),
        holding("x2@example.com", "h", "k", "q"),
        holding("y@example.com", "m", "z2"),
        dan,
      ];
      const rows = [row("h", "A"), row("h,m", "R"), row("h,k", "P")];
      expect(await answered(input, 1, 3, rows, USERNAMES)).toEqual([
        ["x1@example.com", "rejected_by_vendor", "A"],
        ["x2@example.com", "rejected_by_vendor", "P"],
        ["y@example.com", "rejected_by_vendor", "R"],
        ["dan@example.com", "imported"],
      ]);
    });
  });

  describe("rows tied over persons that other rows, first in failed_csv, are tied over too", () => {
    it("gives every row a person of its own, passing persons on more than once: all four refused", async () => {
      // [a] is held by p0–p3, [b] by p0 and p1. The rows over [a] come first, take p0 and p1; each row over
      // [b] takes one of them back only by moving a row over [a] on, to p2 then p3: four rows, four persons.
      const holding = (email: string, ...usernames: string[]) => ({ emails: [email], usernames });
      const row = (username: string, reason: string) => ({ "slashid:usernames": username, reason });
      const input = [
        holding("p0@example.com", "a", "b"),
        holding("p1@example.com", "a", "b"),
        holding("p2@example.com", "a", "z2"),
        holding("p3@example.com", "a", "z3"),
        dan,
      ];
      const rows = [row("a", "a1"), row("a", "a2"), row("b", "b1"), row("b", "b2")];
      // Four reasons: three quoted, and the fourth counted.
      const both = refused("a1; a2; b1; 1 other reason(s)", 4);
      expect(await answered(input, 1, 4, rows, ["slashid:usernames", "reason"])).toEqual([
        ["p0@example.com", "rejected_by_vendor", both],
        ["p1@example.com", "rejected_by_vendor", both],
        ["p2@example.com", "rejected_by_vendor", refused("a1; a2", 2)],
        ["p3@example.com", "rejected_by_vendor", refused("a1; a2", 2)],
        ["dan@example.com", "imported"],
      ]);
    });
  });

  it("rows holding the same handles in another order are tied over the same persons alike", async () => {
    // Both rows hold usernames a and b, which p0–p2 hold alike (and one no person holds, so that neither
    // echoes them): two rows over three persons, each person's reason quoting both, in whatever order.
    const holding = (email: string) => ({ emails: [email], usernames: ["a", "b"] });
    const row = (usernames: string, reason: string) => ({ "slashid:usernames": usernames, reason });
    const input = [
      holding("p0@example.com"),
      holding("p1@example.com"),
      holding("p2@example.com"),
      dan,
    ];
    const rows = [row("a,b,x", "first"), row("b,a,y", "second")];
    const reason = tied("first; second", 3, 2);
    expect(await answered(input, 2, 2, rows, ["slashid:usernames", "reason"])).toEqual([
      ["p0@example.com", "import_unconfirmed", reason],
      ["p1@example.com", "import_unconfirmed", reason],
      ["p2@example.com", "import_unconfirmed", reason],
      ["dan@example.com", "imported"],
    ]);
  });

  describe("in the answer to a replayed upload, whose first answer was lost", () => {
    const LOST_NOTE =
      "; a try of this request got no answer that said what became of it and may have reached the vendor, which may hold this record";
    const replayed = async (rows: readonly Row[]) => {
      slashIdWorld(server, {
        script: (call) =>
          call.attempt === 1
            ? { after: () => gatewayPage(502) }
            : {
                after: () =>
                  json({
                    result: {
                      successful_imports: 0,
                      failed_imports: 2,
                      failed_csv: failedCsv(HEADER, rows),
                    },
                  }),
              },
      });
      const report = await importUsers(slashIdClient(), [ann, bob], {
        sleep: async () => {},
        replayDelayMs: 0,
      });
      expectEveryRecordOnce(report, 2);
      return said(report);
    };

    it("rows tied over persons no more than they are refuse each, and SlashID may hold them", async () => {
      const rows = [phoneOnly("invalid phone number"), phoneOnly("invalid phone number")];
      const reason = `${refused("invalid phone number", 2)}${LOST_NOTE}`;
      expect(await replayed(rows)).toEqual([
        ["ann@example.com", "rejected_by_vendor", reason],
        ["bob@example.com", "rejected_by_vendor", reason],
      ]);
    });

    it("a tied 'already exists' leaves them unconfirmed: the lost upload may have imported one", async () => {
      const rows = [phoneOnly("person already exists"), phoneOnly("invalid phone number")];
      const reason = `${tied("person already exists; invalid phone number", 2, 2)}${LOST_NOTE}`;
      expect(await replayed(rows)).toEqual([
        ["ann@example.com", "import_unconfirmed", reason],
        ["bob@example.com", "import_unconfirmed", reason],
      ]);
    });
  });

  describe("when failed_csv leaves out a column that tells them apart", () => {
    const PHONE_ONLY = ["slashid:phone_numbers", "reason"];

    it("places neither of two persons a row without the email column echoes alike", async () => {
      // Ann and bob differ only in their emails, which SlashID did not echo: the row is either's.
      const row = { "slashid:phone_numbers": PHONE, reason: "invalid phone number" };
      expect(await answered([ann, bob], 1, 1, [row], PHONE_ONLY)).toEqual([
        ["ann@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
        ["bob@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
      ]);
    });

    it("places neither when the row repeats their handles alike but no other cell of theirs", async () => {
      const inIowa = (person: SlashIdPerson) => ({ ...person, region: "us-iowa" });
      const row = {
        "slashid:phone_numbers": PHONE,
        "slashid:region": "US-IOWA",
        reason: "invalid phone number",
      };
      const header = ["slashid:phone_numbers", "slashid:region", "reason"];
      expect(await answered([inIowa(ann), inIowa(bob), dan], 2, 1, [row], header)).toEqual([
        ["ann@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
        ["bob@example.com", "import_unconfirmed", tied("invalid phone number", 2)],
        ["dan@example.com", "imported"],
      ]);
    });

    it.each(["groups", "roles"] as const)(
      "fails the one whose %s the row echoes with blanks after its commas, as a list re-written",
      async (field) => {
        // Ann and bob share the phone number; only this list tells them apart, echoed "g1, g2" for g1,g2.
        const input = [
          { ...ann, [field]: ["g1", "g2"] },
          { ...bob, [field]: ["g3"] },
        ];
        const row = {
          "slashid:phone_numbers": PHONE,
          [`slashid:${field}`]: "g1, g2",
          reason: "refused",
        };
        const header = ["slashid:phone_numbers", `slashid:${field}`, "reason"];
        expect(await answered(input, 1, 1, [row], header)).toEqual([
          ["ann@example.com", "rejected_by_vendor", "refused"],
          // The engine's own word on the phone number they share, not SlashID's answer.
          ["bob@example.com", "imported", expect.stringContaining("they share an identity")],
        ]);
      },
    );

    it("fails the one whose region the row echoes with blanks around it", async () => {
      // Ann and bob share the phone number; only the region tells them apart, echoed padded (" us-iowa ").
      const input = [
        { ...ann, region: "us-iowa" },
        { ...bob, region: "europe-belgium" },
      ];
      const row = {
        "slashid:phone_numbers": PHONE,
        "slashid:region": " us-iowa ",
        reason: "refused",
      };
      const header = ["slashid:phone_numbers", "slashid:region", "reason"];
      expect(await answered(input, 1, 1, [row], header)).toEqual([
        ["ann@example.com", "rejected_by_vendor", "refused"],
        ["bob@example.com", "imported", expect.stringContaining("they share an identity")],
      ]);
    });

    it("a row tied so is the person left's once another row takes the other", async () => {
      // The first row's number, written as neither wrote it, is both's; the second is ann's as written.
      const spaced = { emails: ["bob@example.com"], phone_numbers: ["+1 347 504 3201"] };
      const rows = [
        { "slashid:phone_numbers": "+1 (347) 504-3201", reason: "phone number taken" },
        { "slashid:phone_numbers": PHONE, reason: "invalid phone number" },
      ];
      expect(await answered([ann, spaced], 0, 2, rows, PHONE_ONLY)).toEqual([
        ["ann@example.com", "rejected_by_vendor", "invalid phone number"],
        ["bob@example.com", "rejected_by_vendor", "phone number taken"],
      ]);
    });

    it("fails the one of them the row's other cells tell apart, equal to it in the most", async () => {
      // The groups SlashID echoes are its own form (no one's), the region bob's alone.
      const team = (person: SlashIdPerson, region: string) => ({
        ...person,
        region,
        groups: ["ops"],
      });
      const row = {
        "slashid:phone_numbers": PHONE,
        "slashid:region": "europe-belgium",
        "slashid:groups": "OPS",
        reason: "invalid phone number",
      };
      const header = ["slashid:phone_numbers", "slashid:region", "slashid:groups", "reason"];
      const input = [team(ann, "us-iowa"), team(bob, "europe-belgium")];
      expect(await answered(input, 1, 1, [row], header)).toEqual([
        ["ann@example.com", "imported"],
        ["bob@example.com", "rejected_by_vendor", "invalid phone number"],
      ]);
    });

    it("places neither of two usernames a row matches only compared regardless of case", async () => {
      const row = { "slashid:usernames": "BOB", reason: "username taken" };
      const header = ["slashid:usernames", "reason"];
      expect(
        await answered([{ usernames: ["bob"] }, { usernames: ["Bob"] }], 1, 1, [row], header),
      ).toEqual([
        ["bob", "import_unconfirmed", tied("username taken", 2)],
        ["Bob", "import_unconfirmed", tied("username taken", 2)],
      ]);
    });

    it("fails the first of persons with the very same handles, one person at SlashID", async () => {
      // Their groups, which SlashID did not echo, differ; their handles do not, so SlashID holds one person
      // under them either way, and the row is placed as a row of same handles and other cells tied is.
      const first = { ...ann, groups: ["first"] };
      const second = { ...ann, groups: ["second"] };
      expect(await answered([first, second], 1, 1, [echo(ann, "email refused")], HEADER)).toEqual([
        ["ann@example.com", "rejected_by_vendor", "email refused"],
        ["ann@example.com", "imported", expect.stringContaining("has the same key")],
      ]);
    });

    it("drops a tied row once the persons it echoes are both placed by rows of their own", async () => {
      // The first row's number, written as neither wrote it, is both's; the rows after it are each one's
      // as written. It lists one of them again: dan, whom SlashID counts imported, is so without a warning.
      const spaced = { emails: ["bob@example.com"], phone_numbers: ["+1 347 504 3201"] };
      const rows = [
        { "slashid:phone_numbers": "+1 (347) 504-3201", reason: "phone number taken" },
        { "slashid:phone_numbers": PHONE, reason: "invalid phone number" },
        { "slashid:phone_numbers": "+1 347 504 3201", reason: "phone number taken" },
      ];
      expect(await answered([ann, spaced, dan], 1, 2, rows, PHONE_ONLY)).toEqual([
        ["ann@example.com", "rejected_by_vendor", "invalid phone number"],
        ["bob@example.com", "rejected_by_vendor", "phone number taken"],
        ["dan@example.com", "imported"],
      ]);
    });

    it("ties a row repeating two usernames alike over those two, not a third holding one more", async () => {
      // Bob and Bob's case variant hold the row's username alone, as BoB does beside another: the row, whose
      // region is no one's, echoes the first two, so BoB, whom SlashID counts imported, stays so.
      const input = [
        { emails: ["p1@example.com"], usernames: ["Bob"] },
        { emails: ["p2@example.com"], usernames: ["bob"] },
        { emails: ["p3@example.com"], usernames: ["BoB", "extra"] },
        dan,
      ];
      const row = {
        "slashid:usernames": "BOB",
        "slashid:region": "mars-north",
        reason: "username taken",
      };
      const header = ["slashid:usernames", "slashid:region", "reason"];
      const outcomes = await answered(input, 3, 1, [row], header);
      expect(outcomes.slice(0, 2)).toEqual([
        ["p1@example.com", "import_unconfirmed", tied("username taken", 2)],
        ["p2@example.com", "import_unconfirmed", tied("username taken", 2)],
      ]);
      expect(outcomes.slice(2).map(([key, status]) => [key, status])).toEqual([
        ["p3@example.com", "imported"],
        ["dan@example.com", "imported"],
      ]);
    });

    it("fails the first of persons with the very same handles when the row's other cells match both alike", async () => {
      // The row's region is both's, its groups neither's: weighed alike, the row is the first record's.
      const first = { ...ann, region: "us-iowa", groups: ["first"] };
      const second = { ...ann, region: "us-iowa", groups: ["second"] };
      const row = {
        ...echo(ann, "email refused"),
        "slashid:region": "us-iowa",
        "slashid:groups": "third",
      };
      const header = [...HEADER.slice(0, 2), "slashid:region", "slashid:groups", "reason"];
      expect(await answered([first, second], 1, 1, [row], header)).toEqual([
        ["ann@example.com", "rejected_by_vendor", "email refused"],
        ["ann@example.com", "imported", expect.stringContaining("has the same key")],
      ]);
    });
  });
});
