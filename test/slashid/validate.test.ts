// SlashID's client-side rules: a valid person passes and becomes the CSV row to upload; each broken rule is
// rejected under its `slashid.*` id with a message naming the field; and the validator agrees with
// specs/slashid.yaml (`PersonCsvRow`, `AttributeBuckets`) wherever the spec can express the rule.
import { describe, expect, it } from "vitest";
import { personFromCsvRow, type SlashIdPerson } from "../../src/slashid/records.js";
import { checkSlashIdPerson, validateSlashIdPerson } from "../../src/slashid/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { slashIdPersons } from "../../src/testing/fixtures/slashid.js";
import { nestedJson, nestedObject, parsed } from "../support/hostile.js";
import { anyOf, matching } from "../support/matchers.js";
import { loadSpec } from "../support/specs.js";

const spec = loadSpec("slashid");
const ROW = "#/components/schemas/PersonCsvRow";
const BUCKETS = "#/components/schemas/AttributeBuckets";

/** Spec problems of the row as uploaded, including its decoded attributes cell. */
function schemaProblems(row: Record<string, string>): string[] {
  const problems = spec.problems(ROW, row);
  const attributes = row["slashid:attributes"];
  if (attributes !== undefined) problems.push(...spec.problems(BUCKETS, JSON.parse(attributes)));
  return problems;
}

/** What a person would be as a row without validation: lists joined, attributes as JSON, empties left out. */
function naiveRow(person: SlashIdPerson): Record<string, string> {
  const cells: Record<string, string | undefined> = {
    "slashid:emails": person.emails?.join(","),
    "slashid:phone_numbers": person.phone_numbers?.join(","),
    "slashid:usernames": person.usernames?.join(","),
    "slashid:region": person.region,
    "slashid:groups": person.groups?.join(","),
    "slashid:roles": person.roles?.join(","),
    "slashid:attributes":
      person.attributes === undefined ? undefined : JSON.stringify(person.attributes),
    "slashid:password": person.password,
  };
  return Object.fromEntries(
    Object.entries(cells).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""),
  );
}

const full: SlashIdPerson = {
  emails: ["jane.doe@example.com", "jane@example.org"],
  phone_numbers: ["+13475043201", "+44 (20) 7946-0958"],
  usernames: ["janedoe"],
  region: "europe-belgium",
  groups: ["admins", "editors"],
  roles: ["owner"],
  attributes: {
    end_user_read_write: { plan: "pro", newsletter: true },
    "person_pool-end_user_no_access": { crm_id: "C-1042", tags: ["a", "b"], nested: { n: null } },
  },
  password: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
};

function rulesOf(person: SlashIdPerson): string[] {
  return validateSlashIdPerson(person).map((p) => p.rule);
}

describe("a valid person", () => {
  it("passes and becomes its CSV row: lists comma-joined, attributes as JSON, empty cells left out", () => {
    const checked = checkSlashIdPerson(full);
    expect(checked).toEqual({
      ok: true,
      item: {
        "slashid:emails": "jane.doe@example.com,jane@example.org",
        "slashid:phone_numbers": "+13475043201,+44 (20) 7946-0958",
        "slashid:usernames": "janedoe",
        "slashid:region": "europe-belgium",
        "slashid:groups": "admins,editors",
        "slashid:roles": "owner",
        "slashid:attributes": JSON.stringify(full.attributes),
        "slashid:password": full.password,
      },
    });
    expect(validateSlashIdPerson(full)).toEqual([]);
  });

  it.each<[string, SlashIdPerson]>([
    ["only an email", { emails: ["a@b"] }],
    ["only a phone number", { phone_numbers: ["+13475043201"] }],
    ["a phone number of 3 characters, the shortest taken", { phone_numbers: ["112"] }],
    ["only a username", { usernames: ["u"] }],
    ["an empty list next to a handle", { emails: [], usernames: ["u"] }],
    [
      "an attribute key of exactly 70 bytes",
      { usernames: ["u"], attributes: { end_user_read_only: { ["é".repeat(35)]: 1 } } },
    ],
    [
      "an attribute value of exactly 64 KiB",
      { usernames: ["u"], attributes: { end_user_read_only: { big: "x".repeat(65534) } } },
    ],
    [
      "an undefined attribute value (left out)",
      { usernames: ["u"], attributes: { end_user_read_only: { gone: undefined, kept: 1 } } },
    ],
    ["every region", { usernames: ["u"], region: "australia-sydney" }],
    // The spec lists regions and buckets as x-known-values, not as closed enums: others are sent.
    ["a region the spec does not know", { usernames: ["u"], region: "eu-west-1" }],
    [
      "a bucket the spec does not know",
      { usernames: ["u"], attributes: { end_user_write: { a: 1 } } },
    ],
  ])("passes with %s", (_, person) => {
    const checked = checkSlashIdPerson(person);
    expect(checked.ok ? [] : checked.problems).toEqual([]);
    if (checked.ok) expect(schemaProblems(checked.item)).toEqual([]);
  });

  it("leaves undefined attribute values and empty attributes out of the cell", () => {
    const checked = checkSlashIdPerson({
      usernames: ["u"],
      attributes: { end_user_read_only: { gone: undefined, kept: "yes" } },
    });
    expect(checked.ok && checked.item["slashid:attributes"]).toBe(
      '{"end_user_read_only":{"kept":"yes"}}',
    );
    const empty = checkSlashIdPerson({ usernames: ["u"], attributes: {} });
    expect(empty.ok && "slashid:attributes" in empty.item).toBe(false);
  });

  it("accepts 300 faker persons, and their rows are the fixture's rows and valid for the spec", () => {
    const rows = slashIdPersons(seededFaker("slashid-validate-valid"), 300);
    for (const row of rows) {
      const checked = checkSlashIdPerson(personFromCsvRow(row));
      expect(checked.ok ? [] : checked.problems).toEqual([]);
      if (!checked.ok) continue;
      expect(checked.item).toEqual(row);
      expect(schemaProblems(checked.item)).toEqual([]);
    }
  });
});

describe("each broken rule is rejected, naming the rule and the field", () => {
  const cases: [rule: string, field: string, person: SlashIdPerson][] = [
    ["handle_required", "emails, phone_numbers, usernames", { region: "us-iowa", groups: ["g"] }],
    ["handle_required", "emails, phone_numbers, usernames", { emails: [], phone_numbers: [] }],
    ["region", "region", { usernames: ["u"], region: "" }],
    ["region", "region", { usernames: ["u"], region: "us-iowa,asia-japan" }],
    ["blanks_around", "region", { usernames: ["u"], region: " us-iowa " }],
    ["blanks_around", "region", { usernames: ["u"], region: "asia-japan\r" }],
    ["blanks_around", "region", { usernames: ["u"], region: "\u00a0europe-belgium" }],
    ["attribute_bucket", "attributes", { usernames: ["u"], attributes: { "": { a: 1 } } }],
    [
      "blanks_around",
      'attributes." end_user_read_write"',
      { usernames: ["u"], attributes: { " end_user_read_write": { a: 1 } } },
    ],
    [
      "blanks_around",
      'attributes."end_user_read_only\\t"',
      { usernames: ["u"], attributes: { "end_user_read_only\t": { a: 1 } } },
    ],
    [
      "blanks_around",
      'attributes."\u00a0my_bucket"',
      { usernames: ["u"], attributes: { "\u00a0my_bucket": { a: 1 } } },
    ],
    ["blanks_around", 'attributes."  "', { usernames: ["u"], attributes: { "  ": { a: 1 } } }],
    [
      "blanks_around",
      'attributes.end_user_read_write." plan"',
      { usernames: ["u"], attributes: { end_user_read_write: { " plan": "pro" } } },
    ],
    [
      "blanks_around",
      'attributes.end_user_read_write."plan\\r"',
      { usernames: ["u"], attributes: { end_user_read_write: { "plan\r": "pro" } } },
    ],
    [
      "blanks_around",
      'attributes.end_user_read_write."\ufeffplan"',
      { usernames: ["u"], attributes: { end_user_read_write: { "\ufeffplan": "pro" } } },
    ],
    [
      "blanks_around",
      'attributes.end_user_read_write."\u00a0"',
      { usernames: ["u"], attributes: { end_user_read_write: { "\u00a0": "pro" } } },
    ],
    [
      "attribute_key_length",
      `attributes.end_user_read_only.${"k".repeat(71)}`,
      { usernames: ["u"], attributes: { end_user_read_only: { ["k".repeat(71)]: 1 } } },
    ],
    [
      "attribute_key_length",
      `attributes.end_user_read_only.${"é".repeat(36)}`,
      { usernames: ["u"], attributes: { end_user_read_only: { ["é".repeat(36)]: 1 } } },
    ],
    [
      "attribute_key_length",
      "attributes.end_user_read_only.",
      { usernames: ["u"], attributes: { end_user_read_only: { "": 1 } } },
    ],
    [
      "attribute_value_size",
      "attributes.end_user_read_only.big",
      { usernames: ["u"], attributes: { end_user_read_only: { big: "x".repeat(65535) } } },
    ],
    [
      "attribute_value_size",
      "attributes.end_user_read_only.big",
      { usernames: ["u"], attributes: { end_user_read_only: { big: "€".repeat(21845) } } },
    ],
    [
      "attribute_value_size",
      "attributes.end_user_read_only.n",
      { usernames: ["u"], attributes: { end_user_read_only: { n: 10n } } },
    ],
    [
      "attribute_value_size",
      "attributes.end_user_read_only.f",
      { usernames: ["u"], attributes: { end_user_read_only: { f: () => 1 } } },
    ],
    ["list_item_comma", "emails.1", { emails: ["a@b.c", "x,y@b.c"] }],
    ["list_item_comma", "phone_numbers.0", { phone_numbers: ["+1 555,0100"] }],
    ["list_item_comma", "usernames.0", { usernames: ["doe, jane"] }],
    ["list_item_comma", "groups.0", { usernames: ["u"], groups: ["sales, emea"] }],
    ["list_item_comma", "roles.0", { usernames: ["u"], roles: ["a,b"] }],
    ["blanks_around", "emails.0", { emails: [" jane@example.com"] }],
    ["blanks_around", "emails.1", { emails: ["a@b.c", "jane@example.com\r"] }],
    ["blanks_around", "phone_numbers.0", { phone_numbers: ["+13475043201 "] }],
    ["blanks_around", "usernames.0", { usernames: ["\tjane"] }],
    ["blanks_around", "groups.0", { usernames: ["u"], groups: ["admins\u00a0"] }],
    ["blanks_around", "roles.0", { usernames: ["u"], roles: ["\ufeffowner"] }],
    ["email_format", "emails.0", { emails: ["jane.example.com"] }],
    ["email_format", "emails.0", { emails: ["@example.com"] }],
    ["email_format", "emails.0", { emails: ["jane@"] }],
    ["email_format", "emails.0", { emails: ["a@b@c"] }],
    ["phone_format", "phone_numbers.0", { phone_numbers: ["call me"] }],
    ["phone_format", "phone_numbers.0", { phone_numbers: ["+1"] }],
    ["phone_format", "phone_numbers.0", { phone_numbers: ["12"] }],
    ["phone_format", "phone_numbers.1", { phone_numbers: ["+1 555 0100", "---"] }],
    ["phone_format", "phone_numbers.0", { phone_numbers: ["+( )"] }],
    ["phone_format", "phone_numbers.0", { phone_numbers: ["tel: +13475043201"] }],
    ["phone_format", "phone_numbers.0", { phone_numbers: ["+1 555 0100 ext. 12"] }],
    ["phone_format", "phone_numbers.0", { phone_numbers: ["+1 555 +0100"] }],
    ["empty_value", "emails.1", { emails: ["a@b.c", ""] }],
    ["empty_value", "usernames.0", { usernames: ["  "], emails: ["a@b.c"] }],
    ["empty_value", "groups.0", { usernames: ["u"], groups: [""] }],
    ["empty_value", "password", { usernames: ["u"], password: "" }],
    ["field_type", "emails", { emails: "a@b.c" as never, usernames: ["u"] }],
    ["field_type", "emails", { emails: null as never, usernames: ["u"] }],
    [
      "field_type",
      "phone_numbers",
      { phone_numbers: { 0: "+1 555 0100" } as never, usernames: ["u"] },
    ],
    ["field_type", "groups.0", { usernames: ["u"], groups: [42] as never }],
    ["field_type", "attributes", { usernames: ["u"], attributes: [] as never }],
    [
      "field_type",
      "attributes.end_user_read_only",
      { usernames: ["u"], attributes: { end_user_read_only: "x" } as never },
    ],
    ["field_type", "password", { usernames: ["u"], password: 1 as never }],
    ["unknown_field", "phone_number", { emails: ["a@b.c"], phone_number: "+1 555 0100" } as never],
    ["unknown_field", "slashid:emails", { usernames: ["u"], "slashid:emails": "a@b.c" } as never],
    [
      "not_finite",
      "attributes.end_user_read_write.credits",
      { usernames: ["u"], attributes: { end_user_read_write: { credits: Infinity } } },
    ],
    [
      "not_finite",
      "attributes.end_user_read_only.plan.scores[1]",
      { usernames: ["u"], attributes: { end_user_read_only: { plan: { scores: [1, NaN] } } } },
    ],
  ];

  it.each(cases)("slashid.%s (%s)", (rule, field, person) => {
    const problems = validateSlashIdPerson(person);
    expect(problems.map((p) => p.rule)).toContain(`slashid.${rule}`);
    const problem = problems.find((p) => p.rule === `slashid.${rule}`)!;
    expect(problem.message.startsWith(`${field}: `)).toBe(true);
    expect(checkSlashIdPerson(person).ok).toBe(false);
  });

  it("reports every rule a person breaks, not just the first", () => {
    expect(
      rulesOf({
        emails: ["nope", ""],
        region: "",
        attributes: { "": {}, end_user_read_only: { ["k".repeat(80)]: 1 } },
      }),
    ).toEqual([
      "slashid.email_format",
      "slashid.empty_value",
      "slashid.region",
      "slashid.attribute_bucket",
      "slashid.attribute_key_length",
    ]);
  });

  it("rejects a cyclic attribute value (endlessly deep) instead of throwing", () => {
    const cycle: Record<string, unknown> = {};
    cycle["self"] = cycle;
    expect(rulesOf({ usernames: ["u"], attributes: { end_user_read_only: { cycle } } })).toEqual([
      "slashid.nesting_depth",
    ]);
  });

  it("counts a field set to undefined as absent, known or not", () => {
    expect(
      rulesOf({ emails: ["a@b.c"], region: undefined, phone_number: undefined } as never),
    ).toEqual([]);
  });

  it("rejects a record that is not an object instead of throwing", () => {
    expect(rulesOf(null as never)).toEqual(["slashid.field_type"]);
    expect(rulesOf("jane@example.com" as never)).toEqual(["slashid.field_type"]);
  });

  it("does not count a blank value as a handle", () => {
    expect(rulesOf({ emails: [" "] })).toEqual(["slashid.empty_value", "slashid.handle_required"]);
  });
});

describe("a region with blanks around it", () => {
  // A CSV cell's blanks are the file's layout, and personFromCsvRow reads the cell without them; a record
  // given as JSON or to the library is sent as given or refused, never changed, so it is refused here
  // rather than sent as an unknown region (which the simulator fails, and SlashID may too).
  it("is refused from a record, while the same CSV cell is read trimmed and accepted", () => {
    const fromCsv = checkSlashIdPerson(
      personFromCsvRow({ "slashid:usernames": "u", "slashid:region": " us-iowa " }),
    );
    const given = checkSlashIdPerson({ usernames: ["u"], region: " us-iowa " });

    expect(fromCsv).toEqual({
      ok: true,
      item: { "slashid:usernames": "u", "slashid:region": "us-iowa" },
    });
    expect(given).toEqual({
      ok: false,
      problems: [
        {
          rule: "slashid.blanks_around",
          message: "region: must not have blanks around it (a CSV cell's are trimmed when read)",
        },
      ],
    });
  });
});

describe("a list value with blanks around it", () => {
  // As for the region: personFromCsvRow reads each value of a list cell without its blanks (the file's
  // layout), while a value given as JSON or to the library is sent as given or refused, never changed. Sent,
  // " jane@example.com" would be a handle our own duplicate checks and echo matching compare trimmed.
  const message = "must not have blanks around it (a CSV cell's are trimmed when read)";

  it("is refused from a record, naming its path; the same CSV cell is read trimmed", () => {
    const cells = {
      "slashid:emails": " jane@example.com ,ann@example.org",
      "slashid:phone_numbers": "+13475043201\t",
      "slashid:usernames": "\u00a0jane",
      "slashid:groups": "admins ",
      "slashid:roles": "\r\nowner",
    };
    const given: SlashIdPerson = {
      emails: [" jane@example.com ", "ann@example.org"],
      phone_numbers: ["+13475043201\t"],
      usernames: ["\u00a0jane"],
      groups: ["admins "],
      roles: ["\r\nowner"],
    };

    expect(checkSlashIdPerson(personFromCsvRow(cells))).toEqual({
      ok: true,
      item: {
        "slashid:emails": "jane@example.com,ann@example.org",
        "slashid:phone_numbers": "+13475043201",
        "slashid:usernames": "jane",
        "slashid:groups": "admins",
        "slashid:roles": "owner",
      },
    });
    expect(checkSlashIdPerson(given)).toEqual({
      ok: false,
      problems: ["emails.0", "phone_numbers.0", "usernames.0", "groups.0", "roles.0"].map((at) => ({
        rule: "slashid.blanks_around",
        message: `${at}: ${message}`,
      })),
    });
  });

  it("is one problem per value: not its format too, and a blank one is still empty", () => {
    expect(rulesOf({ emails: [" jane.example.com"], phone_numbers: [" +1 "] })).toEqual([
      "slashid.blanks_around",
      "slashid.blanks_around",
    ]);
    expect(rulesOf({ usernames: [" jane", " "] })).toEqual([
      "slashid.blanks_around",
      "slashid.empty_value",
    ]);
  });

  it("leaves a password (its blanks may be its own) and attribute values (JSON data) as written", () => {
    const person: SlashIdPerson = {
      usernames: ["jane"],
      password: " pass phrase ",
      attributes: { end_user_read_write: { note: " kept as written " } },
    };

    expect(checkSlashIdPerson(person)).toEqual({
      ok: true,
      item: {
        "slashid:usernames": "jane",
        "slashid:password": " pass phrase ",
        "slashid:attributes": '{"end_user_read_write":{"note":" kept as written "}}',
      },
    });
    expect(
      personFromCsvRow({ "slashid:usernames": "jane", "slashid:password": " pass phrase " }),
    ).toEqual({ usernames: ["jane"], password: " pass phrase " });
  });
});

describe("values outside the documented lists (not known to be closed)", () => {
  it("sends an unknown region or bucket, with a warning naming the documented ones", () => {
    const checked = checkSlashIdPerson({
      usernames: ["u"],
      region: "eu-west-1",
      attributes: { end_user_write: { a: 1 } },
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    expect(checked.item["slashid:region"]).toBe("eu-west-1");
    expect(checked.warnings).toEqual([
      matching(/^region: not among the regions SlashID documents \(us-iowa, /),
      matching(/^attributes.end_user_write: not among the attribute buckets SlashID documents/),
    ]);
  });

  it("warns about nothing for a documented region and buckets", () => {
    const checked = checkSlashIdPerson({
      usernames: ["u"],
      region: "us-iowa",
      attributes: { end_user_read_only: { a: 1 } },
    });
    expect(checked).toEqual({ ok: true, item: anyOf(Object) });
  });
});

describe("agreement with the spec", () => {
  // Rules the spec can express: the schema must reject the naive row of a person the validator rejects.
  const schemaRejects: [rule: string, person: SlashIdPerson][] = [
    ["handle_required", { region: "us-iowa", groups: ["g"] }],
    ["attribute_bucket", { usernames: ["u"], attributes: { "": { a: 1 } } }],
    [
      "attribute_key_length",
      { usernames: ["u"], attributes: { end_user_read_only: { ["k".repeat(71)]: 1 } } },
    ],
    ["attribute_key_length", { usernames: ["u"], attributes: { end_user_read_only: { "": 1 } } }],
    ["empty_value", { usernames: ["u"], password: "" }],
  ];

  it.each(schemaRejects)("slashid.%s is rejected by the spec's schema too", (rule, person) => {
    expect(rulesOf(person)).toContain(`slashid.${rule}`);
    const row = naiveRow(person);
    // An empty password cell would be left out of a parsed row; the spec sees it as written.
    if (person.password === "") row["slashid:password"] = "";
    expect(schemaProblems(row)).not.toEqual([]);
  });

  it("the rows of every person the validator accepts are valid for the spec", () => {
    const f = seededFaker("slashid-validate-spec");
    const accepted = slashIdPersons(f, 100)
      .map((row) => checkSlashIdPerson(personFromCsvRow(row)))
      .concat([checkSlashIdPerson(full)]);
    for (const checked of accepted) {
      expect(checked.ok).toBe(true);
      if (checked.ok) expect(schemaProblems(checked.item)).toEqual([]);
    }
  });
});

describe("personFromCsvRow", () => {
  const faker = seededFaker("slashid csv rows");

  it("splits list cells on commas and trims, parses attributes, leaves empty cells out", () => {
    expect(
      personFromCsvRow({
        "slashid:emails": "a@example.com, b@example.com",
        "slashid:phone_numbers": "",
        "slashid:usernames": "jane",
        "slashid:region": " asia-japan ",
        "slashid:groups": "x,y",
        "slashid:roles": "r",
        "slashid:attributes": '{"end_user_read_only":{"k":[1,"two"]}}',
        "slashid:password": " hash ",
        "slashid:phone_numbers_old": " ",
      }),
    ).toEqual({
      emails: ["a@example.com", "b@example.com"],
      usernames: ["jane"],
      region: "asia-japan",
      groups: ["x", "y"],
      roles: ["r"],
      attributes: { end_user_read_only: { k: [1, "two"] } },
      password: " hash ",
    });
  });

  it("leaves a list or attributes cell of blanks only out, as an empty one, so the person is taken", () => {
    const email = faker.internet.email();
    const person = personFromCsvRow({
      "slashid:emails": email,
      "slashid:usernames": " \t",
      "slashid:groups": "  ",
      "slashid:attributes": " \r\n",
    });
    expect(person).toEqual({ emails: [email] });
    expect(validateSlashIdPerson(person)).toEqual([]);
  });

  it("keeps an empty list value so validation reports it", () => {
    const person = personFromCsvRow({ "slashid:emails": "a@example.com,,b@example.com" });
    expect(person.emails).toEqual(["a@example.com", "", "b@example.com"]);
    expect(rulesOf(person)).toEqual(["slashid.empty_value"]);
  });

  it("carries a filled cell of a column SlashID does not have, so the person is rejected naming the column", () => {
    const phone = faker.phone.number();
    const row = {
      "slashid:emails": faker.internet.email(),
      "slashid:phone_number": phone,
      notes: "",
    };

    const person = personFromCsvRow(row);

    expect(person).toMatchObject({ "slashid:phone_number": phone });
    expect(person).not.toHaveProperty("notes");
    expect(validateSlashIdPerson(person)).toEqual([
      {
        rule: "slashid.unknown_field",
        message: matching(
          /^slashid:phone_number: unknown field; .* phone_numbers, .*slashid:<field>/,
        ),
      },
    ]);
    // The spec's row is closed too: SlashID does not take the column into consideration.
    expect(spec.problems(ROW, row)).not.toEqual([]);
  });

  it("names a filled column without a header, or with a lone surrogate in it, visibly and well-formed", () => {
    const person = personFromCsvRow({ "slashid:usernames": "u", "": "x", "col\ud800": "y" });
    expect(validateSlashIdPerson(person)).toEqual([
      { rule: "slashid.unknown_field", message: matching(/^"": unknown field; /) },
      { rule: "slashid.unknown_field", message: matching(/^col\uFFFD: unknown field; /) },
    ]);
  });

  it("throws a SyntaxError naming a filled column named like a field, which is not a SlashID column", () => {
    expect(() => personFromCsvRow({ emails: faker.internet.email() })).toThrow(
      /^emails: not a SlashID column; .*\(slashid:emails\?\)$/,
    );
  });

  it("throws a SyntaxError naming the column when the attributes cell is not JSON", () => {
    expect(() =>
      personFromCsvRow({ "slashid:usernames": "u", "slashid:attributes": "{nope" }),
    ).toThrow(/^slashid:attributes: not JSON/);
  });

  // As documented: a caller of this export tells a cell it cannot read by SyntaxError, whatever the CLI's rule.
  it("throws a SyntaxError naming the column when the attributes cell holds a key twice", () => {
    const row = { "slashid:usernames": "u", "slashid:attributes": '{"a":{},"a":{}}' };
    expect(() => personFromCsvRow(row)).toThrow(SyntaxError);
    expect(() => personFromCsvRow(row)).toThrow(/^slashid:attributes: the key "a" appears twice/);
  });
});

describe("hostile input", () => {
  const rulesOf = (person: unknown) =>
    validateSlashIdPerson(person as SlashIdPerson).map((p) => `${p.rule} ${p.message}`);

  it("rejects an own __proto__, constructor or prototype key anywhere, naming its path", () => {
    const cases: [string, string][] = [
      ['{"emails":["a@example.com"],"__proto__":{"x":1}}', "__proto__"],
      ['{"emails":["a@example.com"],"attributes":{"__proto__":{"x":1}}}', "attributes.__proto__"],
      [
        '{"emails":["a@example.com"],"attributes":{"end_user_read_only":{"constructor":1}}}',
        "attributes.end_user_read_only.constructor",
      ],
      [
        '{"emails":["a@example.com"],"attributes":{"end_user_read_only":{"plan":{"tiers":[{"__proto__":{"x":1}}]}}}}',
        "attributes.end_user_read_only.plan.tiers[0].__proto__",
      ],
    ];
    for (const [json, path] of cases) {
      expect(rulesOf(parsed(json)), json).toContainEqual(
        matching(new RegExp(`^slashid\\.forbidden_key ${escape(path)}: keys named`)),
      );
    }
  });

  it("rejects an attribute value nested 10,000 deep as nesting_depth, not as unserialisable", () => {
    const person = parsed(
      `{"emails":["a@example.com"],"attributes":{"end_user_read_only":{"deep":${nestedJson(10_000)}}}}`,
    );
    expect(rulesOf(person)).toEqual([
      matching(
        /^slashid\.nesting_depth attributes\.end_user_read_only\.deep\.a\.a.*: nested more than 32 levels deep$/,
      ),
    ]);
  });

  it("accepts an attribute value 32 levels deep", () => {
    const person = {
      emails: ["a@example.com"],
      attributes: { end_user_read_only: { deep: nestedObject(31) } },
    };
    expect(validateSlashIdPerson(person)).toEqual([]);
  });

  it("takes an attribute value of 32 nested objects or arrays, and refuses one of 33 as nesting_depth", () => {
    const nestedArray = (depth: number) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    const withValue = (deep: unknown): SlashIdPerson => ({
      emails: ["a@example.com"],
      attributes: { end_user_read_only: { deep } },
    });
    for (const nested of [nestedObject, nestedArray]) {
      expect(validateSlashIdPerson(withValue(nested(32)))).toEqual([]);
      expect(rulesOf(withValue(nested(33)))).toEqual([
        matching(
          /^slashid\.nesting_depth attributes\.end_user_read_only\.deep.*: nested more than 32/,
        ),
      ]);
    }
  });

  it("personFromCsvRow keeps a filled __proto__ column as a field, which is refused by name", () => {
    const row = parsed('{"slashid:emails":"a@example.com","__proto__":"x"}') as Record<
      string,
      string
    >;
    const person = personFromCsvRow(row);
    expect(Object.getPrototypeOf(person)).toBe(Object.prototype);
    expect(rulesOf(person)).toEqual([matching(/^slashid\.forbidden_key __proto__: /)]);
  });

  it("judges only the person's own fields, even when Object.prototype is polluted", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto["polluted"] = "x";
    try {
      expect(checkSlashIdPerson({ emails: ["a@example.com"] })).toEqual({
        ok: true,
        item: { "slashid:emails": "a@example.com" },
      });
    } finally {
      delete proto["polluted"];
    }
  });

  it("personFromCsvRow reads only the row's own columns", () => {
    const row = Object.create({ "slashid:usernames": "inherited" }) as Record<string, string>;
    row["slashid:emails"] = "a@example.com";
    expect(personFromCsvRow(row)).toEqual({ emails: ["a@example.com"] });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("what passes is what the CSV file carries", () => {
  const faker = seededFaker("slashid sent as validated");
  const fieldsOf = (person: unknown) =>
    validateSlashIdPerson(person as SlashIdPerson).map((p) => [p.rule, p.message.split(":")[0]]);

  it("refuses a lone surrogate anywhere as slashid.malformed_text: UTF-8 would make two usernames one", () => {
    for (const username of ["ann\ud800", "ann\udc00"]) {
      expect(fieldsOf({ usernames: [username] })).toEqual([
        ["slashid.malformed_text", "usernames.0"],
      ]);
    }
    const email = faker.internet.email();
    expect(
      fieldsOf({
        emails: [email, `${email}\ud800`],
        groups: ["\udbff"],
        region: "us-iowa\ud800",
        password: "x\udc00",
        attributes: {
          end_user_read_only: { ["k\ud800"]: 1, plan: { tier: ["gold", "\ud800"] } },
          ["\udc00bucket"]: { a: 1 },
        },
      }),
    ).toEqual([
      ["slashid.malformed_text", "emails.1"],
      ["slashid.malformed_text", "region"],
      ["slashid.malformed_text", "groups.0"],
      ["slashid.malformed_text", "attributes.end_user_read_only.k\uFFFD"],
      ["slashid.malformed_text", "attributes.end_user_read_only.plan.tier[1]"],
      ["slashid.malformed_text", "attributes.\uFFFDbucket"],
      ["slashid.malformed_text", "password"],
    ]);
  });

  it("accepts text with paired surrogates, and a Date in an attribute value", () => {
    const checked = checkSlashIdPerson({
      usernames: [`${faker.internet.username()}😀`],
      attributes: { end_user_read_only: { since: faker.date.past() } },
    });
    expect(checked.ok).toBe(true);
  });

  it("refuses NaN and ±Infinity in an attribute value as slashid.not_finite: the cell would hold null", () => {
    const person = parsed(
      `{"emails":["${faker.internet.email()}"],"attributes":{"end_user_read_write":` +
        `{"credits":1e400,"plan":{"scores":[1,-1e400]},"ratio":${faker.number.float()}}}}`,
    );
    expect(fieldsOf(person)).toEqual([
      ["slashid.not_finite", "attributes.end_user_read_write.credits"],
      ["slashid.not_finite", "attributes.end_user_read_write.plan.scores[1]"],
    ]);
    expect(
      fieldsOf({ usernames: ["u"], attributes: { end_user_read_only: { n: Number.NaN } } }),
    ).toEqual([["slashid.not_finite", "attributes.end_user_read_only.n"]]);
  });

  it("accepts the finite extremes, which JSON writes as they are", () => {
    const values = { max: Number.MAX_VALUE, min: -Number.MAX_VALUE, tiny: 5e-324, zero: -0 };
    const checked = checkSlashIdPerson({
      usernames: [faker.internet.username()],
      attributes: { end_user_read_only: values },
    });
    expect(checked.ok && checked.item["slashid:attributes"]).toBe(
      JSON.stringify({ end_user_read_only: values }),
    );
  });

  it("refuses an object with a toJSON method inside an attribute value as slashid.to_json", () => {
    const plan = { tier: "gold", toJSON: () => ({ tier: "silver" }) };
    expect(
      fieldsOf({ emails: [faker.internet.email()], attributes: { end_user_read_only: { plan } } }),
    ).toEqual([["slashid.to_json", "attributes.end_user_read_only.plan"]]);
  });
});

describe("attributes given without their bucket", () => {
  it("names the bucket level the value is missing, as a newcomer writes {plan: 'pro'}", () => {
    // As a file gives it: the type would not let the bucket level be left out.
    const person = JSON.parse(
      '{"emails":["a@example.com"],"attributes":{"plan":"zq-pro"}}',
    ) as SlashIdPerson;
    const checked = checkSlashIdPerson(person);

    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems).toMatchObject([
      {
        rule: "slashid.field_type",
        message: matching(
          /^attributes\.plan: .*attributes map a bucket \(such as end_user_read_write\)/,
        ),
      },
    ]);
    expect(JSON.stringify(checked.problems)).not.toContain("zq-pro");
  });
});

describe("a boxed number where an object of attributes belongs", () => {
  it("is refused as the attributes, or as a bucket, not sent as nothing or {}", () => {
    const boxed = Object(5) as never;
    for (const attributes of [boxed, { end_user_read_write: boxed }]) {
      expect(validateSlashIdPerson({ emails: ["a@example.com"], attributes })).not.toEqual([]);
    }
  });
});
