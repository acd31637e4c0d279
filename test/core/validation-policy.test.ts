// The one validation policy every vendor's validator follows (documented on RuleProblems): undefined is
// absent, no value in a message, every problem listed up to a bound, rule ids from one table per vendor.
import { describe, expect, it } from "vitest";
import type { Rejection } from "../../src/core/engine/adapter.js";
import { MAX_LISTED_PROBLEMS } from "../../src/core/validate/rule-problems.js";
import {
  FULLSTORY_LIMITS,
  FULLSTORY_RULES,
  checkFullStoryUser,
  validateFullStoryUser,
} from "../../src/fullstory/validate.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { PROPELLER_RULES, validatePropellerUser } from "../../src/propeller/validate.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import {
  SLASHID_RULES,
  checkSlashIdPerson,
  validateSlashIdPerson,
} from "../../src/slashid/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { USERPILOT_RULES, validateUserpilotUser } from "../../src/userpilot/validate.js";

const faker = seededFaker("validation policy");

interface Vendor {
  readonly rules: Readonly<Record<string, string>>;
  readonly validate: (record: unknown) => readonly Rejection[];
  /** A record that breaks no rule, to which a test adds one field or problem. */
  readonly valid: () => Record<string, unknown>;
  /** A record breaking `n` rules, one per value. */
  readonly broken: (n: number) => unknown;
  /** A record holding `value` where a number, string or boolean is sent, and the path a message names. */
  readonly holding: { readonly record: (value: unknown) => unknown; readonly path: string };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const vendors: Record<string, Vendor> = {
  fullstory: {
    rules: FULLSTORY_RULES,
    validate: (record) => validateFullStoryUser(record as FullStoryUser),
    valid: () => ({ uid: faker.string.uuid(), email: faker.internet.email() }),
    broken: (n) => ({
      uid: "u",
      properties: Object.fromEntries(range(n).map((i) => [`${i}bad`, 1])),
    }),
    holding: {
      record: (value) => ({ uid: "u", properties: { plan: { seats: value } } }),
      path: "properties.plan.seats",
    },
  },
  slashid: {
    rules: SLASHID_RULES,
    validate: (record) => validateSlashIdPerson(record as SlashIdPerson),
    valid: () => ({ emails: [faker.internet.email()] }),
    broken: (n) => ({ emails: range(n).map(() => faker.person.firstName()) }),
    holding: {
      record: (value) => ({
        emails: [faker.internet.email()],
        attributes: { end_user_read_write: { seats: value } },
      }),
      path: "attributes.end_user_read_write.seats",
    },
  },
  propeller: {
    rules: PROPELLER_RULES,
    validate: validatePropellerUser,
    valid: () => ({ source: "crm", sourceId: faker.string.numeric(6) }),
    broken: (n) => ({
      source: "crm",
      sourceId: "1",
      attributes: range(n).map(() => ({ name: "a", value: 1, class: "other" })),
    }),
    holding: {
      record: (value) => ({ source: "crm", sourceId: "1", attributes: [{ name: "seats", value }] }),
      path: "attributes[0].value",
    },
  },
  userpilot: {
    rules: USERPILOT_RULES,
    validate: validateUserpilotUser,
    valid: () => ({ user_id: faker.string.uuid() }),
    broken: (n) => ({
      user_id: "u",
      metadata: Object.fromEntries(range(n).map((i) => [`k${i}`, { nested: i }])),
    }),
    holding: {
      record: (value) => ({ user_id: "u", metadata: { seats: value } }),
      path: "metadata.seats",
    },
  },
};

/** An own, enumerable key named `key` (an object literal's `__proto__` sets the prototype instead). */
function withOwn<T extends object>(record: T, key: string, value: unknown): T {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    configurable: true,
    writable: true,
  });
  return record;
}

describe("policy 1: a field set to undefined is the same as an absent one", () => {
  it("userpilot: company_id, a metadata value and an unknown field set to undefined are left out", () => {
    const user = {
      user_id: "u",
      company_id: undefined,
      metadata: { plan: undefined },
      x: undefined,
    };
    expect(validateUserpilotUser(user)).toEqual([]);
    expect(validateUserpilotUser({ user_id: "u", metadata: undefined })).toEqual([]);
    expect(validateUserpilotUser(withOwn({ user_id: "u" }, "__proto__", undefined))).toEqual([]);
    // A required field set to undefined is missing, as when absent.
    expect(validateUserpilotUser({ user_id: undefined })).toEqual(validateUserpilotUser({}));
  });

  it("slashid: a forbidden key, an empty bucket name or an overlong attribute key set to undefined is left out", () => {
    const email = faker.internet.email();
    expect(validateSlashIdPerson(withOwn({ emails: [email] }, "__proto__", undefined))).toEqual([]);
    const person: SlashIdPerson = {
      emails: [email],
      region: undefined,
      attributes: { "": undefined, end_user_read_only: { ["k".repeat(200)]: undefined } },
    } as unknown as SlashIdPerson;
    expect(validateSlashIdPerson(person)).toEqual([]);
  });

  it("fullstory: a forbidden key of schema, a property and a field set to undefined are left out", () => {
    const schema = withOwn({ properties: { plan: "str" } }, "__proto__", undefined);
    const user = {
      uid: "u",
      display_name: undefined,
      properties: { plan: "pro", x: undefined },
      schema,
    };
    expect(checkFullStoryUser(user, "batch")).toEqual([]);
  });

  it("propeller: fields, nested fields and unknown keys set to undefined are left out", () => {
    const user = {
      source: "crm",
      sourceId: "1",
      email: undefined,
      parent: undefined,
      nickname: undefined,
      addresses: [{ type: "invoice", street: "s", city: "c", country: "NL", region: undefined }],
    };
    expect(validatePropellerUser(user)).toEqual([]);
    expect(validatePropellerUser({ source: "crm", sourceId: undefined })).toEqual(
      validatePropellerUser({ source: "crm" }),
    );
  });
});

describe("policy 2: a message names the field and the rule, never the value", () => {
  const messages = (problems: readonly Rejection[]) => problems.map((p) => p.message).join("\n");

  it("slashid: a bad email, phone number, region or a value with a comma or blanks is not repeated", () => {
    const email = faker.internet.email().replace("@", " at ");
    const comma = `${faker.person.lastName()}, ${faker.person.firstName()}`;
    const phone = faker.person.fullName();
    const padded = faker.internet.username();
    const region = `${faker.internet.email()},x`;
    const problems = validateSlashIdPerson({
      emails: [email, comma],
      phone_numbers: [phone],
      usernames: [` ${padded} `],
      region,
    });
    expect(problems.map((p) => p.rule)).toEqual([
      "slashid.email_format",
      "slashid.list_item_comma",
      "slashid.phone_format",
      "slashid.blanks_around",
      "slashid.region",
    ]);
    for (const value of [email, comma, phone, padded, region])
      expect(messages(problems)).not.toContain(value);
    expect(problems[0]?.message).toMatch(/^emails\.0: not an email address/);
  });

  it("slashid: the warning about an undocumented region does not repeat it either", () => {
    const region = faker.internet.email();
    const checked = checkSlashIdPerson({ emails: [faker.internet.email()], region });
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    expect(checked.warnings).toEqual([expect.stringMatching(/^region: not among the regions/)]);
    expect(checked.warnings?.join("\n")).not.toContain(region);
  });

  it("propeller: a bad gender, country, address type or attribute class is not repeated", () => {
    const values = {
      gender: faker.person.sex(),
      country: faker.location.country(),
      type: faker.location.street(),
      class: faker.company.name(),
    };
    const problems = validatePropellerUser({
      source: "crm",
      sourceId: "1",
      gender: values.gender,
      addresses: [{ type: values.type, street: "s", city: "c", country: values.country }],
      attributes: [{ name: "plan", value: 1, class: values.class }],
    });
    expect(problems).toHaveLength(4);
    for (const value of Object.values(values)) expect(messages(problems)).not.toContain(value);
    expect(problems.map((p) => p.message.split(":")[0])).toEqual([
      "gender",
      "addresses[0].type",
      "addresses[0].country",
      "attributes[0].class",
    ]);
  });

  it("fullstory: an overlong email and an unknown schema type are not repeated, their length is", () => {
    const email = `${"x".repeat(FULLSTORY_LIMITS.email)}${faker.internet.email()}`;
    const type = faker.person.lastName();
    const problems = validateFullStoryUser({
      uid: "u",
      email,
      schema: { properties: { plan: type } },
    } as unknown as FullStoryUser);
    expect(problems.map((p) => p.rule)).toEqual([
      "fullstory.field_length",
      "fullstory.schema_type",
    ]);
    expect(messages(problems)).not.toContain(email);
    expect(messages(problems)).not.toContain(type);
    expect(problems[0]?.message).toBe(
      `email: ${email.length} characters, more than ${FULLSTORY_LIMITS.email}`,
    );
  });

  it("a value of a class is named by its class, with the article English gives it", () => {
    class Account {}
    const kinds = [new Error("x"), new Account(), new Uint8Array(1), new WeakRef({})].map(
      (value) => validateUserpilotUser({ user_id: "u", metadata: { v: value } })[0]?.message,
    );
    expect(kinds.map((m) => m?.replace(/^.*, got /, ""))).toEqual([
      "an Error",
      "an Account",
      "a Uint8Array",
      "a WeakRef",
    ]);
  });

  it("slashid: a password, list, list value or attribute value of a wrong type is named by its kind", () => {
    const password = faker.internet.password({ length: 24 });
    const email = faker.internet.email();
    const phone = faker.number.int({ min: 10_000_000_000, max: 99_999_999_999 });
    const id = faker.number.bigInt({ min: 10n ** 20n, max: 10n ** 21n });
    const problems = validateSlashIdPerson({
      emails: email,
      phone_numbers: [phone],
      usernames: ["u"],
      attributes: { end_user_no_access: { crm_id: id } },
      password: new String(password),
    } as never);
    expect(problems.map((p) => p.rule)).toEqual([
      "slashid.field_type",
      "slashid.field_type",
      "slashid.attribute_value_size",
      "slashid.field_type",
    ]);
    for (const value of [password, email, String(phone), String(id)])
      expect(messages(problems)).not.toContain(value);
    expect(problems.map((p) => p.message.split(":")[0])).toEqual([
      "emails",
      "phone_numbers.0",
      "attributes.end_user_no_access.crm_id",
      "password",
    ]);
  });

  it("userpilot: metadata of the wrong type is named by its kind only", () => {
    const email = faker.internet.email();
    const problems = validateUserpilotUser({ user_id: "u", metadata: email });
    expect(messages(problems)).not.toContain(email);
    expect(messages(problems)).toContain("got a string");
  });

  it("userpilot: a user_id or company_id of the wrong type is named by its kind only", () => {
    const id = faker.number.int({ min: 100_000, max: 999_999 });
    const problems = validateUserpilotUser({ user_id: id, company_id: id });
    expect(messages(problems)).not.toContain(String(id));
    expect(messages(problems)).toContain("got a number");
  });
});

describe("policy 3: every problem is listed, each with its rule, up to a bound", () => {
  for (const [name, vendor] of Object.entries(vendors)) {
    it(`${name}: lists ${MAX_LISTED_PROBLEMS} problems, then how many more`, () => {
      const few = vendor.validate(vendor.broken(3));
      expect(few).toHaveLength(3);
      const many = vendor.validate(vendor.broken(MAX_LISTED_PROBLEMS + 5));
      expect(many).toHaveLength(MAX_LISTED_PROBLEMS + 1);
      const rule = many[0]?.rule;
      expect(many.every((p) => p.rule === rule)).toBe(true);
      expect(many.at(-1)?.message).toBe("5 more problems not listed");
    });
  }

  it("the line for the rest takes the rule of the first left out, and counts every problem left out", () => {
    const bad = (n: number) => Object.fromEntries(range(n).map((i) => [`${i}bad`, 1]));
    const rest = (record: unknown) => validateFullStoryUser(record as FullStoryUser).slice(20);
    expect(rest({ properties: bad(21), email: 7 })).toEqual([
      { rule: FULLSTORY_RULES.propertyName, message: "2 more problems not listed" },
    ]);
    expect(rest({ properties: bad(20), email: 7 })).toEqual([
      { rule: FULLSTORY_RULES.fieldType, message: "1 more problem not listed" },
    ]);
    // A problem left out still counts: a nested object found breaking a rule is not measured as JSON
    // (JSON.stringify throws on a bigint), even past the listed problems.
    const big = { big: 10n, k0: "x".repeat(5000), k1: "y".repeat(5000) };
    expect(rest({ properties: { ...bad(20), o: big } })).toEqual([
      { rule: FULLSTORY_RULES.fieldType, message: "1 more problem not listed" },
    ]);
  });
});

describe("policy 4: one shape of rule ids", () => {
  for (const [name, vendor] of Object.entries(vendors)) {
    it(`${name}: exports its rule ids as name → "${name}.<rule>", and reports only those`, () => {
      const ids = Object.values(vendor.rules);
      expect(ids.length).toBeGreaterThan(3);
      for (const id of ids) expect(id).toMatch(new RegExp(`^${name}\\.[a-z_]+$`));
      const reported = [
        ...vendor.validate(vendor.broken(2)),
        ...vendor.validate(null),
        ...vendor.validate({ ...vendor.valid(), constructor: 1 }),
      ].map((p) => p.rule);
      for (const rule of reported) expect(ids).toContain(rule);
      expect(vendor.validate(vendor.valid())).toEqual([]);
    });
  }
});

describe("policy 5: a boxed value (new Number(5)) is refused by every vendor, naming its field", () => {
  // JSON.stringify writes a boxed value as what its valueOf answers when the body is built, which no check
  // saw: one that answered 5 when validated could be sent as null. The primitive itself is sent.
  const changing = () => {
    let reads = 0;
    return Object.assign(Object(5) as object, { valueOf: () => (reads++ === 0 ? 5 : NaN) });
  };
  const values: [string, () => unknown, unknown][] = [
    ["new Number(5)", () => Object(5) as unknown, 5],
    ["a boxed number whose valueOf changes", changing, 5],
    ['new String("pro")', () => Object("pro") as unknown, "pro"],
    ["new Boolean(true)", () => Object(true) as unknown, true],
  ];
  for (const [name, vendor] of Object.entries(vendors)) {
    for (const [what, boxed, primitive] of values) {
      it(`${name}: ${what} is refused; the primitive itself passes`, () => {
        expect(vendor.validate(vendor.holding.record(primitive))).toEqual([]);
        const problems = vendor.validate(vendor.holding.record(boxed()));
        expect(problems).toHaveLength(1);
        expect(problems[0]?.rule).toMatch(new RegExp(`^${name}\\.`));
        expect(problems[0]?.message.startsWith(`${vendor.holding.path}: `)).toBe(true);
        expect(problems[0]?.message).toContain("boxed");
      });
    }
    // JSON.stringify writes a record that is a boxed value bare (5), and a Date as its text: not the fields
    // given it, which a check of its keys would pass.
    const shells: [string, () => object, string][] = [
      ["new Number(5)", () => Object(5) as object, "a boxed number (new Number)"],
      ["a Date", () => new Date(0), "a Date"],
    ];
    for (const [what, shell, kind] of shells) {
      it(`${name}: a record that is ${what} holding a valid record's fields is refused`, () => {
        const problems = vendor.validate(Object.assign(shell(), vendor.valid()));
        expect(problems).toHaveLength(1);
        expect(problems[0]?.rule).toMatch(new RegExp(`^${name}\\.`));
        expect(problems[0]?.message.startsWith("record: must be an object")).toBe(true);
        expect(problems[0]?.message.endsWith(`, got ${kind}`)).toBe(true);
      });
    }
  }
});

describe("policy 6: one meaning of blank, what String.prototype.trim removes", () => {
  // Every UTF-16 code unit but a surrogate (which is malformed text, a rule of its own).
  const units = range(0x10000)
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map((c) => String.fromCharCode(c));
  const propellerBlank = (text: string) =>
    validatePropellerUser({ source: "crm", sourceId: text }).some(
      (p) => p.rule === PROPELLER_RULES.required,
    );
  const slashIdBlankAround = (text: string) =>
    validateSlashIdPerson({ usernames: [`u${text}`] }).some(
      (p) => p.rule === SLASHID_RULES.blanksAround,
    );

  it("propeller's blank match key and slashid's blank around a value are trim()'s characters", () => {
    const blanks = units.filter((c) => c.trim() === "");
    expect(units.filter(propellerBlank)).toEqual(blanks);
    expect(units.filter(slashIdBlankAround)).toEqual(blanks);
    // Beyond ASCII: a no-break space, an ideographic space, a line separator and a byte order mark.
    for (const c of ["\u00a0", "\u3000", "\u2028", "\ufeff"]) expect(blanks).toContain(c);
  });

  it("a next line (U+0085), U+180E or a zero-width space is a blank to neither vendor", () => {
    for (const c of ["\u0085", "\u180e", "\u200b"]) {
      expect(validatePropellerUser({ source: c, sourceId: c })).toEqual([]);
      expect(validateSlashIdPerson({ usernames: [`${c}u${c}`] })).toEqual([]);
    }
  });
});

describe("policy 7: a match key, or a reference to one, of blanks only is refused by every vendor", () => {
  // Each key (what a vendor matches a user on, or names another user, company or parent by), the rule that
  // refuses it blank (each vendor's own rule for a required or empty key, so no rule id is added) and the
  // record holding `text` there; every other field of the record is valid.
  interface Key {
    readonly vendor: string;
    readonly field: string;
    readonly rule: string;
    readonly record: (text: string) => unknown;
    readonly validate: (record: unknown) => readonly Rejection[];
    /** Whether blanks around a value are refused too (SlashID's handles: `slashid.blanks_around`). */
    readonly refusesBlanksAround: boolean;
  }
  const key = (
    vendor: string,
    field: string,
    rule: string,
    record: Key["record"],
    validate: Key["validate"] = vendors[vendor]!.validate,
  ): Key => ({ vendor, field, rule, record, validate, refusesBlanksAround: vendor === "slashid" });
  const fullStoryUpdate = (record: unknown) => checkFullStoryUser(record, "update");
  const keys: Key[] = [
    key("fullstory", "uid", FULLSTORY_RULES.fieldType, (t) => ({ uid: t, email: "a@example.com" })),
    key("fullstory", "id", FULLSTORY_RULES.fieldType, (t) => ({ uid: "u-1", id: t })),
    key("fullstory", "uid", FULLSTORY_RULES.fieldType, (t) => ({ uid: t }), fullStoryUpdate),
    // With another handle, so that a person with a blank one still has one (else: handle_required too).
    ...(["emails", "phone_numbers", "usernames"] as const).map((list) =>
      key("slashid", `${list}.0`, SLASHID_RULES.emptyValue, (t) => ({
        ...(list === "usernames" ? { emails: ["ann@example.com"] } : { usernames: ["ann"] }),
        [list]: [t],
      })),
    ),
    ...(["source", "sourceId"] as const).flatMap((field) => [
      key("propeller", field, PROPELLER_RULES.required, (t) => ({
        ...{ source: "crm", sourceId: "1" },
        [field]: t,
      })),
      key("propeller", `parent.${field}`, PROPELLER_RULES.parent, (t) => ({
        ...{ source: "crm", sourceId: "1" },
        parent: { source: "crm", sourceId: "P-1", [field]: t },
      })),
    ]),
    key("userpilot", "user_id", USERPILOT_RULES.userId, (t) => ({ user_id: t })),
    key("userpilot", "company_id", USERPILOT_RULES.companyId, (t) => ({
      ...{ user_id: "u-1" },
      company_id: t,
    })),
  ];
  const name = (k: Key) =>
    `${k.vendor} ${k.field}${k.validate === fullStoryUpdate ? " (updateUser)" : ""}`;
  const VALUES: Record<string, string> = {
    emails: "bob@example.com",
    phone_numbers: "+13475043201",
  };
  const BLANKS = [
    " ",
    "\t\r\n",
    "\u00a0",
    " \u00a0",
    "\u3000",
    "\u2028",
    "\ufeff",
    "\u00a0\u3000 \t",
  ];

  it("covers every vendor", () => {
    expect(new Set(keys.map((k) => k.vendor))).toEqual(new Set(Object.keys(vendors)));
  });

  for (const k of keys) {
    it(`${name(k)}: blanks only are refused by ${k.rule}, naming the field; a value passes`, () => {
      const value = VALUES[k.field.split(".")[0]!] ?? "1";
      expect(k.validate(k.record(value))).toEqual([]);
      for (const blank of BLANKS) {
        const problems = k.validate(k.record(blank));
        expect(problems, JSON.stringify(blank)).toHaveLength(1);
        expect(problems[0]?.rule).toBe(k.rule);
        // "must not be blank", or the vendor's existing wording for an empty key (SlashID's "empty").
        expect(problems[0]?.message).toMatch(
          new RegExp(`^${k.field}: (required, )?must not be (blank|empty)`),
        );
      }
      // Empty is refused by the same rule (Userpilot's user_id keeps its minLength message).
      expect(k.validate(k.record("")).map((p) => p.rule)).toEqual([k.rule]);
      // Blanks around a value are the value's: refused only where a vendor refuses them anywhere.
      const around = k.validate(k.record(` ${value}\u00a0`));
      if (k.refusesBlanksAround)
        expect(around.map((p) => p.rule)).toEqual(["slashid.blanks_around"]);
      else expect(around).toEqual([]);
    });
  }

  // Every UTF-16 code unit but a surrogate (which is malformed text, a rule of its own).
  const units = range(0x10000)
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map((c) => String.fromCharCode(c));
  const blanks = units.filter((c) => c.trim() === "");
  for (const k of keys) {
    it(`${name(k)}: a blank is one of trim()'s characters; a zero-width space or U+180E is none`, () => {
      const refused = units.filter((c) => k.validate(k.record(c)).some((p) => p.rule === k.rule));
      expect(refused).toEqual(blanks);
    });
  }
});
