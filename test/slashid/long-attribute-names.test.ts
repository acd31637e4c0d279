// An attribute bucket name or key is named in the message of a rule it breaks, and in the warning for a
// bucket SlashID does not document. Input names them: a bucket or key of 1 MB was repeated whole, so one
// record's reason (or warning) held a megabyte, as did the report, the journal and the log that keep it. The
// blanks_around rule clipped the name it refused, but not the bucket named before a refused key. Each name is
// clipped to 80 characters, as other fields' paths are; a name of 80 or fewer is shown whole.
// So is the name of a column SlashID does not have, which a CSV file's header gives.
import { describe, expect, it } from "vitest";
import { personFromCsvRow, type SlashIdPerson } from "../../src/slashid/records.js";
import { checkSlashIdPerson } from "../../src/slashid/validate.js";
import { matching } from "../support/matchers.js";

const BIG = "b".repeat(1024 * 1024);

/** What a check says of a person: its rejections' rules and messages, or its warnings. */
function said(attributes: unknown): { rules: string[]; texts: string[] } {
  const checked = checkSlashIdPerson({ usernames: ["u"], attributes } as SlashIdPerson);
  if (checked.ok) return { rules: [], texts: [...(checked.warnings ?? [])] };
  return {
    rules: checked.problems.map((p) => p.rule),
    texts: checked.problems.map((p) => p.message),
  };
}

describe("a bucket name or key of 1 MB is clipped where a message names it", () => {
  it.each([
    [
      "a key with blanks around it, in a bucket of 1 MB",
      { [BIG]: { " plan": 1 } },
      "slashid.blanks_around",
    ],
    ["a key of 1 MB", { end_user_read_write: { [BIG]: 1 } }, "slashid.attribute_key_length"],
    ["a bucket of 1 MB holding no object", { [BIG]: 5 }, "slashid.field_type"],
    [
      "a key of 1 MB with a lone surrogate",
      { end_user_read_write: { [`${BIG}\ud800`]: 1 } },
      "slashid.malformed_text",
    ],
    [
      "a bucket of 1 MB with a lone surrogate",
      { [`\ud800${BIG}`]: { a: 1 } },
      "slashid.malformed_text",
    ],
    [
      "a key of 1 MB with a blank before it",
      { end_user_read_write: { [` ${BIG}`]: 1 } },
      "slashid.blanks_around",
    ],
    ["a bucket of 1 MB with a blank after it", { [`${BIG} `]: { a: 1 } }, "slashid.blanks_around"],
    [
      "a key of 1 MB in a bucket of 1 MB",
      { [BIG]: { [`x${BIG}`]: 1 } },
      "slashid.attribute_key_length",
    ],
  ])("%s", (_, attributes, rule) => {
    const { rules, texts } = said(attributes);
    expect(rules).toEqual([rule]);
    expect(texts[0]?.length).toBeLessThan(400);
    expect(texts[0]).toMatch(/^attributes\.[^:]*…/);
    expect(texts[0]).not.toContain("b".repeat(78));
  });

  it("warns of an unknown bucket of 1 MB by its first 77 characters", () => {
    const { rules, texts } = said({ [BIG]: { a: 1 } });
    expect(rules).toEqual([]);
    expect(texts).toEqual([
      expect.stringMatching(
        /^attributes\.b{77}…: not among the attribute buckets SlashID documents/,
      ),
    ]);
    expect(texts[0]?.length).toBeLessThan(400);
  });

  it("clips a bucket name between characters, never in half of one", () => {
    const { texts } = said({ ["😀".repeat(100)]: { a: 1 } });
    expect(texts).toEqual([
      expect.stringMatching(new RegExp(`^attributes\\.${"😀".repeat(38)}…: not among`, "u")),
    ]);
  });

  it("names a bucket and a key of 80 characters whole", () => {
    const name = "n".repeat(80);
    expect(said({ [name]: 5 }).texts).toEqual([
      expect.stringMatching(new RegExp(`^attributes\\.${name}: must be an object`)),
    ]);
    expect(said({ [name]: { " k": 1 } }).texts).toEqual([
      expect.stringMatching(new RegExp(`^attributes\\.${name}\\." k": must not have blanks`)),
    ]);
  });

  it.each([
    ["a bucket", (name: string) => ({ [name]: { k: 1 } })],
    ["a key", (name: string) => ({ end_user_read_write: { [name]: 1 } })],
  ])("names %s of 80 characters with a blank around it whole, its blank shown", (_, attributes) => {
    for (const name of [`${"n".repeat(79)} `, ` ${"n".repeat(79)}`]) {
      const { rules, texts } = said(attributes(name));
      expect(rules).toEqual(["slashid.blanks_around"]);
      expect(texts[0]).toContain(`${JSON.stringify(name)}: must not have blanks`);
    }
  });
});

describe("a column SlashID does not have, of a 1 MB header", () => {
  it("is named by its first 77 characters in the person's rejection", () => {
    const person = personFromCsvRow({ "slashid:usernames": "u", [BIG]: "x" });
    expect(checkSlashIdPerson(person)).toEqual({
      ok: false,
      problems: [
        {
          rule: "slashid.unknown_field",
          message: matching(/^b{77}…: unknown field; /),
        },
      ],
    });
  });
});
