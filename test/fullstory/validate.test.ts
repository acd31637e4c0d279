// FullStory's documented user rules, checked client-side, and cross-checked against the spec's request schema.
import { describe, expect, it } from "vitest";
import {
  FULLSTORY_RULES,
  validateFullStoryUser,
  type FullStoryRule,
  type FullStoryUser,
} from "../../src/fullstory/index.js";
import { checkFullStoryUser, validateFullStoryRecord } from "../../src/fullstory/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryUser } from "../../src/testing/fixtures/fullstory.js";
import { nestedJson, nestedObject, parsed } from "../support/hostile.js";
import { matching } from "../support/matchers.js";
import { loadSpec } from "../support/specs.js";

const ITEM = "#/components/schemas/BatchUserImportRequest";
const spec = loadSpec("fullstory");
const a = (n: number, c = "a") => c.repeat(n);

/** `count` nested objects of `leaves` leaves each. */
function nested(count: number, leaves: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const child: Record<string, number> = {};
    for (let j = 0; j < leaves; j++) child[`c${j}`] = j;
    properties[`p${i}`] = child;
  }
  return properties;
}

function flat(count: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, i]));
}

interface Case {
  readonly name: string;
  readonly user: unknown;
  /** The rule id without its `fullstory.` prefix. */
  readonly rule: FullStoryRule extends `fullstory.${infer Rule}` ? Rule : never;
  /** Text the message must hold (the field, and the rule). */
  readonly names: string;
  /** The spec's JSON Schema can express this rule, so it must reject the record too. */
  readonly schema: boolean;
}

/** A user built by a class whose toJSON sends another user: JSON.stringify calls it, inherited or not. */
class SendsSomeoneElse {
  readonly uid = "validated";
  toJSON(): unknown {
    return { uid: "someone-else" };
  }
}

const broken: Case[] = [
  {
    name: "a record with its own toJSON",
    user: { uid: "validated", toJSON: () => ({ uid: "someone-else" }) },
    rule: "to_json",
    names: "record: the record has a toJSON method",
    schema: false,
  },
  {
    name: "a record whose class has a toJSON",
    user: new SendsSomeoneElse(),
    rule: "to_json",
    names: "record: the record has a toJSON method",
    schema: false,
  },
  {
    name: "a nested property object with a toJSON",
    user: { uid: "u", properties: { plan: { tier: "gold", toJSON: () => "silver" } } },
    rule: "to_json",
    names: "properties.plan: an object with a toJSON method",
    schema: false,
  },
  {
    name: "a uid with a lone surrogate",
    user: { uid: "ann\ud800" },
    rule: "malformed_text",
    names: "uid: not well-formed text",
    schema: false,
  },
  {
    name: "a FullStory id with a lone surrogate",
    user: { id: "98765\udc00" },
    rule: "malformed_text",
    names: "id: not well-formed text",
    schema: false,
  },
  {
    name: "a property value with a lone surrogate",
    user: { uid: "u", properties: { plan: { tier: "gold\udc00" } } },
    rule: "malformed_text",
    names: "properties.plan.tier: not well-formed text",
    schema: false,
  },
  {
    name: "an array item with a lone surrogate",
    user: { uid: "u", properties: { tags: ["a", "b\ud800"] } },
    rule: "malformed_text",
    names: "properties.tags[1]: not well-formed text",
    schema: false,
  },
  {
    name: "a key the open batch body sends unchecked, holding a lone surrogate",
    user: { uid: "u", nickname: { first: "\ud800" } },
    rule: "malformed_text",
    names: "nickname.first: not well-formed text",
    schema: false,
  },
  {
    name: "a property name starting with a digit",
    user: { uid: "u", properties: { "1bad": 1 } },
    rule: "property_name",
    names: "properties.1bad: property names must match ^[A-Za-z][A-Za-z0-9_]*$",
    schema: true,
  },
  {
    name: "a property name with a dot",
    user: { uid: "u", properties: { "a.b": 1 } },
    rule: "property_name",
    names: "properties.a.b",
    schema: true,
  },
  {
    name: "a nested property name with a hyphen",
    user: { uid: "u", properties: { plan: { "bad-name": "x" } } },
    rule: "property_name",
    names: "properties.plan.bad-name",
    schema: false,
  },
  {
    name: "an empty property name",
    user: { uid: "u", properties: { "": 1 } },
    rule: "property_name",
    names: "properties.:",
    schema: true,
  },
  {
    name: "a property name of 513 characters",
    user: { uid: "u", properties: { [a(513)]: 1 } },
    rule: "property_path_length",
    names: "more than 512",
    schema: true,
  },
  {
    name: "a dotted path of 513 characters from shorter names",
    user: { uid: "u", properties: { [a(300)]: { [a(212, "b")]: 1 } } },
    rule: "property_path_length",
    names: "dotted property path",
    schema: false,
  },
  {
    name: "501 top-level properties",
    user: { uid: "u", properties: flat(501) },
    rule: "property_count",
    names: "properties: 501 properties",
    schema: true,
  },
  {
    name: "501 leaf paths in nested objects",
    user: { uid: "u", properties: nested(167, 3) },
    rule: "property_count",
    names: "more than 500",
    schema: false,
  },
  {
    name: "a string value of 8193 bytes",
    user: { uid: "u", properties: { note: a(8193) } },
    rule: "property_value_size",
    names: "properties.note: value of 8193 bytes",
    schema: false,
  },
  {
    name: "a string of 4097 two-byte characters (8194 bytes)",
    user: { uid: "u", properties: { note: a(4097, "é") } },
    rule: "property_value_size",
    names: "8194 bytes",
    schema: false,
  },
  {
    name: "a nested string value over 8192 bytes",
    user: { uid: "u", properties: { a: { b: a(9000) } } },
    rule: "property_value_size",
    names: "properties.a.b",
    schema: false,
  },
  {
    name: "an array of strings over 8192 bytes as JSON",
    user: { uid: "u", properties: { tags: Array.from({ length: 5 }, () => a(1700)) } },
    rule: "property_value_size",
    names: "properties.tags",
    schema: false,
  },
  {
    name: "an array of objects",
    user: { uid: "u", properties: { orders: [{ id: 1 }] } },
    rule: "property_array_of_objects",
    names: "properties.orders: arrays may hold only",
    schema: false,
  },
  {
    name: "an array of arrays",
    user: { uid: "u", properties: { grid: [[1, 2]] } },
    rule: "property_array_of_objects",
    names: "properties.grid",
    schema: false,
  },
  {
    name: "a uid of 257 characters",
    user: { uid: a(257) },
    rule: "field_length",
    names: "uid: 257 characters, more than 256",
    schema: true,
  },
  {
    name: "a display_name of 257 characters",
    user: { uid: "u", display_name: a(257) },
    rule: "field_length",
    names: "display_name: 257 characters",
    schema: true,
  },
  {
    name: "an email of 129 characters",
    user: { uid: "u", email: `${a(117)}@example.com` },
    rule: "field_length",
    names: "email: 129 characters, more than 128",
    schema: true,
  },
  {
    name: "a numeric uid",
    user: { uid: 42 },
    rule: "field_type",
    names: "uid: must be a string",
    schema: true,
  },
  {
    name: "a null email",
    user: { uid: "u", email: null },
    rule: "field_type",
    names: "email: must be a string",
    schema: true,
  },
  {
    name: "a numeric id",
    user: { id: 1234 },
    rule: "field_type",
    names: "id: must be a string",
    schema: true,
  },
  {
    name: "a display_name that is an object",
    user: { uid: "u", display_name: { first: "A" } },
    rule: "field_type",
    names: "display_name",
    schema: true,
  },
  {
    name: "properties as an array",
    user: { uid: "u", properties: ["a"] },
    rule: "field_type",
    names: "properties: must be an object",
    schema: true,
  },
  {
    name: "a record that is not an object",
    user: "u-1",
    rule: "field_type",
    names: "record: must be an object",
    schema: true,
  },
  {
    name: "a bigint property value",
    user: { uid: "u", properties: { big: 10n } },
    rule: "field_type",
    names: "properties.big",
    schema: false,
  },
  {
    name: "an unknown schema type",
    user: { uid: "u", properties: { plan: "x" }, schema: { properties: { plan: "string" } } },
    rule: "schema_type",
    names: "schema.properties.plan: type",
    schema: true,
  },
  {
    name: "a schema path with a bad segment",
    user: { uid: "u", schema: { properties: { "signup.1date": "date" } } },
    rule: "schema_type",
    names: "schema.properties.signup.1date",
    schema: true,
  },
  {
    name: "a schema path with an empty segment",
    user: { uid: "u", schema: { properties: { "a..b": "int" } } },
    rule: "schema_type",
    names: "schema.properties.a..b",
    schema: true,
  },
  {
    name: "a schema path of 513 characters",
    user: { uid: "u", schema: { properties: { [`${a(300)}.${a(212)}`]: "str" } } },
    rule: "schema_type",
    names: "more than 512",
    schema: true,
  },
  {
    name: "a schema that is a string",
    user: { uid: "u", schema: "str" },
    rule: "schema_type",
    names: "schema: must be an object",
    schema: true,
  },
  {
    name: "schema.properties as an array",
    user: { uid: "u", schema: { properties: ["int"] } },
    rule: "schema_type",
    names: "schema.properties: must be an object",
    schema: true,
  },
  // A schema field other than `properties` is sent unchecked (the schema is open), so it must reach FullStory
  // as validated: not a boxed value (sent as its valueOf answers then), a bigint (no JSON), a toJSON's
  // result, nor a key that could reach a prototype.
  {
    name: "a boxed number in another schema field",
    user: { uid: "u", schema: { properties: {}, version: Object(2) as unknown } },
    rule: "field_type",
    names: "schema.version: a Map, Set, RegExp, Error, promise, binary data",
    schema: false,
  },
  {
    name: "a bigint in another schema field",
    user: { uid: "u", schema: { properties: {}, version: 2n } },
    rule: "field_type",
    names: "schema.version: a bigint is not a JSON value",
    schema: false,
  },
  {
    name: "an object with a toJSON method in another schema field",
    user: { uid: "u", schema: { notes: { a: [{ toJSON: () => "\ud800" }] } } },
    rule: "to_json",
    names: "schema.notes.a[0]: an object with a toJSON method",
    schema: false,
  },
  {
    name: "a nested own __proto__ key in another schema field",
    user: parsed('{"uid":"u","schema":{"notes":{"__proto__":{"polluted":true}}}}'),
    rule: "forbidden_key",
    names: "schema.notes.__proto__",
    schema: false,
  },
  {
    name: "an own __proto__ field (as JSON.parse makes it)",
    user: parsed('{"uid":"u","__proto__":{"baseUrl":"http://evil.test"}}'),
    rule: "forbidden_key",
    names: "__proto__: keys named __proto__, constructor or prototype are refused",
    schema: false,
  },
  {
    name: "a property named constructor",
    user: { uid: "u", properties: { constructor: "x" } },
    rule: "forbidden_key",
    names: "properties.constructor",
    schema: false,
  },
  {
    name: "a nested own __proto__ property",
    user: parsed('{"uid":"u","properties":{"plan":{"__proto__":{"polluted":true}}}}'),
    rule: "forbidden_key",
    names: "properties.plan.__proto__",
    schema: false,
  },
  {
    name: "a schema path through prototype",
    user: { uid: "u", schema: { properties: { "plan.prototype": "str" } } },
    rule: "forbidden_key",
    names: "schema.properties.plan.prototype",
    schema: false,
  },
  {
    name: "properties nested 33 levels deep",
    user: { uid: "u", properties: nestedObject(33) },
    rule: "nesting_depth",
    names: "nested more than 32 levels deep",
    schema: false,
  },
];

const valid: { name: string; user: FullStoryUser }[] = [
  { name: "an empty user (all fields are optional)", user: {} },
  {
    name: "a user at every length limit",
    user: { uid: a(256), display_name: a(256), email: `${a(116)}@example.com` },
  },
  { name: "a uid of 256 astral characters (512 UTF-16 units)", user: { uid: a(256, "😀") } },
  { name: "a property name of 512 characters", user: { properties: { [a(512)]: true } } },
  {
    name: "a dotted path of exactly 512 characters",
    user: { properties: { [a(300)]: { [a(211, "b")]: 1 } } },
  },
  { name: "500 top-level properties", user: { properties: flat(500) } },
  { name: "500 leaf paths in nested objects", user: { properties: nested(250, 2) } },
  { name: "a string value of exactly 8192 bytes", user: { properties: { note: a(4096, "é") } } },
  {
    name: "a nested object of exactly 8192 bytes as JSON",
    user: { properties: { a: { b: a(8184) } } },
  },
  {
    name: "arrays of scalars",
    user: { properties: { tags: ["a", "b"], scores: [1, 2.5], flags: [true, null], none: [] } },
  },
  { name: "deeply nested objects", user: { properties: { a: { b: { c: { d: "x" } } } } } },
  { name: "a null schema (as FullStory echoes it)", user: { uid: "u", schema: null } },
  {
    name: "a schema path of exactly 512 characters",
    user: { schema: { properties: { [`${a(300)}.${a(211)}`]: "str" } } },
  },
  {
    name: "every schema type on dotted paths",
    user: {
      properties: { s: { d: "2024-01-01T00:00:00Z" } },
      schema: {
        properties: Object.fromEntries(
          ["str", "strs", "int", "ints", "real", "reals", "bool", "bools", "date", "dates"].map(
            (t, i) => [`p${i}.q`, t],
          ),
        ) as NonNullable<NonNullable<FullStoryUser["schema"]>["properties"]>,
      },
    },
  },
  { name: "the FullStory id with a uid", user: { id: "987654321", uid: "xyz123" } },
];

describe("validateFullStoryUser", () => {
  it.each(valid)("accepts $name, as the spec's schema does", ({ user }) => {
    expect(validateFullStoryUser(user)).toEqual([]);
    expect(spec.problems(ITEM, user)).toEqual([]);
  });

  it("accepts every faker user from the fixtures, as the spec's schema does", () => {
    const f = seededFaker("fullstory-validate");
    for (let i = 0; i < 300; i++) {
      const user = fullStoryUser(f);
      expect(validateFullStoryUser(user), JSON.stringify(user)).toEqual([]);
      expect(spec.problems(ITEM, user)).toEqual([]);
    }
  });

  it.each(broken)("rejects $name as fullstory.$rule", ({ user, rule, names }) => {
    const problems = validateFullStoryUser(user as FullStoryUser);
    expect(problems.map((p) => p.rule)).toContain(`fullstory.${rule}`);
    expect(problems.find((p) => p.rule === `fullstory.${rule}`)?.message).toContain(names);
  });

  it("rejects what the spec's schema can express only when the schema rejects it too", () => {
    const expressible = broken.filter((c) => c.schema);
    expect(expressible.length).toBeGreaterThan(10);
    for (const { name, user } of expressible) {
      expect(spec.problems(ITEM, user), name).not.toEqual([]);
    }
  });

  it("covers every rule it documents", () => {
    // unknown_field applies to the closed update body only: see the next test.
    expect(
      new Set([...broken.map((c) => `fullstory.${c.rule}`), "fullstory.unknown_field"]),
    ).toEqual(new Set(Object.values(FULLSTORY_RULES)));
  });

  it("sends an unknown top-level key of a batch item (open in the spec), refuses it in a closed update body", () => {
    const user = { uid: "u", displayName: "Ada" };
    expect(validateFullStoryUser(user as FullStoryUser)).toEqual([]);
    expect(spec.problems(ITEM, user)).toEqual([]);
    const update = checkFullStoryUser(user, "update");
    expect(update.map((p) => p.rule)).toEqual(["fullstory.unknown_field"]);
    expect(update[0]?.message).toContain("displayName: unknown field");
    expect(spec.problems("#/components/schemas/UpdateUserRequest", user)).not.toEqual([]);
  });

  it("lists every broken rule of a record, and at most 20 lines of them", () => {
    const several = validateFullStoryUser({
      uid: a(300),
      email: 7 as unknown as string,
      properties: { "1x": [{}] },
    });
    expect(several.map((p) => p.rule).sort()).toEqual([
      "fullstory.field_length",
      "fullstory.field_type",
      "fullstory.property_array_of_objects",
      "fullstory.property_name",
    ]);

    const many = validateFullStoryUser({
      properties: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${i}bad`, i])),
    });
    expect(many).toHaveLength(21);
    expect(many[20]).toEqual({
      rule: "fullstory.property_name",
      message: "10 more problems not listed",
    });
  });

  it("shortens long names in messages", () => {
    const [problem] = validateFullStoryUser({ properties: { [`_${a(600)}`]: 1 } });
    expect(problem?.message.length).toBeLessThan(200);
  });

  it("ends on a cyclic properties object instead of overflowing the stack", () => {
    const loop: Record<string, unknown> = {};
    loop["self"] = loop;
    const problems = validateFullStoryUser({ properties: loop });
    expect(problems.map((p) => p.rule)).toContain("fullstory.nesting_depth");
  });

  // Objects that point back to themselves from several keys (an ORM's back-references): each extra key
  // multiplies the paths through them, so a walk that visits every path never ends.
  const branching = (fanOut: number) => {
    const node: Record<string, unknown> = {};
    for (let i = 0; i < fanOut; i++) node[`k${i}`] = node;
    return node;
  };

  it("ends at once on a properties object that branches back to itself", () => {
    // Walking every path (3^32 of them) would never end; the walk stops past the property count.
    const problems = validateFullStoryUser({ uid: "u", properties: branching(3) });
    expect(new Set(problems.map((p) => p.rule))).toEqual(new Set(["fullstory.nesting_depth"]));
  });

  it("refuses an unknown top-level key holding a self-referencing object, a forbidden key or deep nesting", () => {
    const cases: [unknown, string][] = [
      [{ n: { n: branching(2) } }, "fullstory.nesting_depth"],
      [JSON.parse('{"a":{"__proto__":{"polluted":true}}}'), "fullstory.forbidden_key"],
      [nestedObject(40), "fullstory.nesting_depth"],
    ];
    for (const [extra, rule] of cases) {
      const user = { uid: "u", extra } as unknown as FullStoryUser;
      expect(validateFullStoryUser(user).map((p) => p.rule)).toEqual([rule]);
    }
  });

  it("ignores fields whose value is undefined, as JSON does", () => {
    expect(
      validateFullStoryUser({
        uid: "u",
        email: undefined,
        properties: { gone: undefined },
      } as unknown as FullStoryUser),
    ).toEqual([]);
  });

  it("rejects properties nested 10,000 deep as nesting_depth instead of overflowing the stack", () => {
    const user = parsed(`{"uid":"u","properties":${nestedJson(10_000)}}`);
    const problems = validateFullStoryUser(user);
    expect(problems).toEqual([
      {
        rule: "fullstory.nesting_depth",
        message: matching(/^properties\.a\.a\.a.*: nested more than 32 levels deep$/),
      },
    ]);
  });

  it("ends on 10,000 levels under empty names too (their dotted path stays short)", () => {
    const user = parsed(`{"uid":"u","properties":${nestedJson(10_000, "")}}`);
    expect(validateFullStoryUser(user as FullStoryUser)).not.toEqual([]);
  });

  it("rejects a schema path of 8.5 million names for its length instead of overflowing the stack", () => {
    // 17 MB, within what an .ndjson line may hold: tested against the spec's path pattern, it threw a
    // RangeError (Maximum call stack size exceeded) out of validation.
    const path = "a.".repeat(8.5 * 1024 * 1024) + "a";
    const problems = validateFullStoryUser({ uid: "u", schema: { properties: { [path]: "str" } } });
    expect(problems).toEqual([
      {
        rule: "fullstory.schema_type",
        message: matching(
          /^schema\.properties\.a\.a\.a.*: property path of 17825793 characters, more than 512$/,
        ),
      },
    ]);
  }, 60_000);

  it("names a long schema path's bad name, not only its length, as for a path of any length", () => {
    // Past 512 characters a path is checked name by name, so what is wrong with its names is still said.
    for (const path of [`${a(600)}.1date`, `${a(600)}..b`, `${a(600)}.`, `.${a(600)}`])
      expect(
        validateFullStoryUser({ uid: "u", schema: { properties: { [path]: "str" } } }),
      ).toEqual([
        {
          rule: "fullstory.schema_type",
          message: matching(/: property paths must be dot-separated names matching /),
        },
      ]);
    const huge = `${"a.".repeat(8.5 * 1024 * 1024)}1`;
    expect(validateFullStoryUser({ uid: "u", schema: { properties: { [huge]: "str" } } })).toEqual([
      {
        rule: "fullstory.schema_type",
        message: matching(/: property paths must be dot-separated names matching /),
      },
    ]);
  }, 60_000);

  it("accepts 32 levels of properties, and the record serialises", () => {
    const user = { uid: "u", properties: nestedObject(32) };
    expect(validateFullStoryUser(user)).toEqual([]);
    expect(JSON.parse(JSON.stringify(user))).toEqual(user);
  });

  it("accepts a record built without prototypes (as CSV rows are)", () => {
    const properties = Object.assign(Object.create(null) as Record<string, unknown>, {
      plan: "pro",
    });
    const user = Object.assign(Object.create(null) as Record<string, unknown>, {
      uid: "u",
      properties,
    });
    expect(validateFullStoryUser(user as FullStoryUser)).toEqual([]);
  });
});

describe("validateFullStoryUser: what passes is what JSON.stringify sends", () => {
  const faker = seededFaker("fullstory sent as validated");

  it("accepts a Date property (its toJSON is the known ISO text) and text with paired surrogates", () => {
    const user = {
      uid: faker.string.uuid(),
      display_name: `${faker.person.fullName()} 🎉`,
      properties: { signedUp: faker.date.past(), tags: ["😀", faker.word.noun()] },
    };
    expect(validateFullStoryUser(user as FullStoryUser)).toEqual([]);
  });

  it("refuses a property that is not a finite number or a valid Date, alone or in an array, which would arrive as null", () => {
    // How a JSON file's 1e400 reads: as Infinity, which JSON.stringify writes as null.
    const user = JSON.parse(
      '{"uid":"u","properties":{"seats":1e400,"plan":{"mrr":-1e999},"scores":[2,1e400,3e999],"ok":[1.5e308]}}',
    ) as FullStoryUser;
    expect(validateFullStoryUser(user)).toEqual([
      {
        rule: "fullstory.field_type",
        message: matching(/^properties\.seats: a number that is not finite/),
      },
      {
        rule: "fullstory.field_type",
        message: matching(/^properties\.plan\.mrr: a number that is not finite/),
      },
      {
        rule: "fullstory.field_type",
        message: matching(/^properties\.scores\[1\]: a number that is not finite/),
      },
    ]);
    expect(validateFullStoryUser({ uid: "u", properties: { n: Number.NaN } })).toHaveLength(1);
    const invalid = new Date(Number.NaN);
    expect(
      validateFullStoryUser({ uid: "u", properties: { at: invalid, ats: [invalid] } }),
    ).toEqual([
      { rule: "fullstory.field_type", message: matching(/^properties\.at: .* an invalid Date/) },
      {
        rule: "fullstory.field_type",
        message: matching(/^properties\.ats\[0\]: .* an invalid Date/),
      },
    ]);
    expect(validateFullStoryUser({ uid: "u", properties: { n: Number.MAX_VALUE, m: -0 } })).toEqual(
      [],
    );
  });

  it("names a key with a lone surrogate with U+FFFD in its place, so the message is well-formed too", () => {
    const problems = validateFullStoryUser({ uid: "u", ["nick\ud800"]: 1 } as FullStoryUser);
    expect(problems).toEqual([
      { rule: "fullstory.malformed_text", message: matching(/^nick\uFFFD: not well-formed/) },
    ]);
  });
});

describe("validateFullStoryRecord: a nested object over the value limit as a whole", () => {
  const object = (leaves: number, size: number) =>
    Object.fromEntries(Array.from({ length: leaves }, (_, i) => [`k${i}`, a(size)]));

  it("is sent, with a warning that names the property and its size, never its values", () => {
    const user = { uid: "u", properties: { a: { b: a(5000), c: a(2000, "é") } } };
    const checked = validateFullStoryRecord(user);
    expect(checked).toEqual({
      ok: true,
      item: user,
      warnings: [
        "properties.a: a nested object of 9015 bytes as JSON text; FullStory limits a property value to 8192 bytes, and if it counts a nested object whole (unconfirmed), it did not store this property",
      ],
    });
  });

  it("warns at 8193 bytes, not at 8192, whatever its leaves look like", () => {
    // {"k0":"…","k1":"…"}: 2 braces, a comma, 7 bytes of each key with its value's quotes, the texts.
    const at = (total: number) => ({
      uid: "u",
      properties: { o: { k0: a(4000), k1: a(total - 4017) } },
    });
    expect(validateFullStoryRecord(at(8192))).toEqual({ ok: true, item: at(8192) });
    expect(validateFullStoryRecord(at(8193))).toMatchObject({
      ok: true,
      warnings: [matching(/^properties\.o: a nested object of 8193 bytes/)],
    });
    // Many short values: the bound of each is exact, and their sum passes the limit.
    expect(validateFullStoryRecord({ properties: { o: object(400, 20) } })).toMatchObject({
      warnings: [matching(/^properties\.o: a nested object of 11891 bytes/)],
    });
    expect(validateFullStoryRecord({ properties: { o: object(200, 20) } })).toEqual({
      ok: true,
      item: { properties: { o: object(200, 20) } },
    });
  });

  it("is not warned about when a value in it breaks a rule: the record is rejected for that alone", () => {
    const checked = validateFullStoryRecord({
      uid: "u",
      properties: { a: { b: a(9000), c: a(10) } },
    });
    expect(checked).toEqual({
      ok: false,
      problems: [
        {
          rule: "fullstory.property_value_size",
          message: "properties.a.b: value of 9000 bytes (UTF-8), more than 8192",
        },
      ],
    });
  });
});

describe("validateFullStoryUser: Dates are sent as what they hold", () => {
  it("refuses a boxed number in a nested object or an array (validation-policy.test.ts), and as properties", () => {
    const boxed = (n: number) => Object(n) as number;
    const rules = (properties: unknown) =>
      validateFullStoryUser({ uid: "u", properties } as FullStoryUser).map((p) => p.rule);
    expect(rules({ a: { b: boxed(5) } })).toEqual(["fullstory.field_type"]);
    expect(rules({ s: [1, boxed(2)] })).toEqual(["fullstory.field_type"]);
    // An object that only inherits from Number.prototype is no number, and is sent as the object it is.
    expect(rules({ a: { b: Object.create(Number.prototype) as object } })).toEqual([]);
    expect(validateFullStoryUser({ uid: "u", properties: boxed(5) as never })).toEqual([
      {
        rule: "fullstory.field_type",
        message: "properties: must be an object of custom properties",
      },
    ]);
  });

  it("refuses a Date whose toISOString is its own: JSON.stringify would send what it returns", () => {
    const date = new Date(0);
    Object.defineProperty(date, "toISOString", { value: () => "x".repeat(9000) });
    expect(validateFullStoryUser({ uid: "u", properties: { at: date } })).toEqual([
      { rule: "fullstory.to_json", message: matching(/^properties\.at: an object with a toJSON/) },
    ]);
  });
});

describe("validateFullStoryUser: a Date is sent as built, or refused", () => {
  it("refuses a Date whose time is read through a replaced valueOf, and a fake Date, without throwing", () => {
    const nan = Object.assign(new Date(0), { valueOf: () => NaN });
    const fake = Object.create(Date.prototype) as Date;
    for (const at of [nan, fake]) {
      expect(validateFullStoryUser({ uid: "u", properties: { at } }).map((p) => p.rule)).toEqual([
        "fullstory.to_json",
      ]);
    }
    expect(validateFullStoryUser({ uid: "u", properties: { at: new Date(0) } })).toEqual([]);
  });
});

describe("validateFullStoryUser: what is counted and checked is what JSON.stringify sends", () => {
  const faker = seededFaker("fullstory what is counted");
  const texts = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, faker.word.noun()]));

  it("counts string properties toward the property count, as numbers are", () => {
    expect(validateFullStoryUser({ uid: "u", properties: texts(500) })).toEqual([]);
    expect(validateFullStoryUser({ uid: "u", properties: texts(501) })).toEqual([
      {
        rule: "fullstory.property_count",
        message: matching(/^properties: 501 properties \(counting each nested leaf path\)/),
      },
    ]);
  });

  it("counts an empty nested object as a property, and a property set to undefined as none", () => {
    const properties = { ...texts(499), gone: undefined, plan: { tier: "gold", note: undefined } };
    expect(validateFullStoryUser({ uid: "u", properties })).toEqual([]);
    expect(validateFullStoryUser({ uid: "u", properties: { ...texts(500), plan: {} } })).toEqual([
      { rule: "fullstory.property_count", message: matching(/^properties: 501 properties/) },
    ]);
  });

  it("refuses a string of three-byte characters over the byte limit, not only two-byte ones", () => {
    // 2731 × 3 = 8193 bytes, in fewer than 8192 / 2 UTF-16 units.
    expect(validateFullStoryUser({ uid: "u", properties: { note: a(2731, "€") } })).toEqual([
      {
        rule: "fullstory.property_value_size",
        message: "properties.note: value of 8193 bytes (UTF-8), more than 8192",
      },
    ]);
    expect(validateFullStoryUser({ uid: "u", properties: { note: a(2730, "€") } })).toEqual([]);
  });

  it("checks the own keys only: inherited ones are not sent, so a record is not refused for them", () => {
    const inherited = <T extends object>(proto: object, own: T): T =>
      Object.assign(Object.create(proto) as T, own);
    const user = inherited(
      { email: 42, nickname: { constructor: 1 } },
      {
        uid: "u",
        properties: inherited({ "1bad": 1, big: 10n }, { plan: "pro" }),
        schema: inherited({ version: 10n }, { properties: { plan: "str" } }),
      },
    );
    expect(JSON.parse(JSON.stringify(user))).toEqual({
      uid: "u",
      properties: { plan: "pro" },
      schema: { properties: { plan: "str" } },
    });
    expect(validateFullStoryUser(user as FullStoryUser)).toEqual([]);
  });

  it("refuses properties or a schema whose class has a toJSON: JSON.stringify would send what it returns", () => {
    class Sends {
      readonly plan = "gold";
      toJSON(): unknown {
        return { "1bad": 1 };
      }
    }
    expect(validateFullStoryUser({ uid: "u", properties: new Sends() as never })).toEqual([
      { rule: "fullstory.to_json", message: matching(/^properties: an object with a toJSON/) },
    ]);
    expect(validateFullStoryUser({ uid: "u", schema: new Sends() as never })).toEqual([
      { rule: "fullstory.to_json", message: matching(/^schema: an object with a toJSON/) },
    ]);
    expect(
      validateFullStoryUser({ uid: "u", schema: { properties: new Sends() as never } }),
    ).toEqual([
      {
        rule: "fullstory.to_json",
        message: matching(/^schema\.properties: an object with a toJSON/),
      },
    ]);
  });

  it("sends a schema without properties, and leaves out a declared type set to undefined", () => {
    for (const schema of [{}, { properties: { plan: "str", gone: undefined } }]) {
      const user = { uid: "u", properties: { plan: "pro" }, schema } as FullStoryUser;
      expect(validateFullStoryUser(user)).toEqual([]);
      expect(spec.problems(ITEM, JSON.parse(JSON.stringify(user)))).toEqual([]);
    }
  });

  it("refuses a key of the schema that could reach a prototype, as it does one of the record", () => {
    const user = parsed('{"uid":"u","schema":{"properties":{},"__proto__":{"x":1}}}');
    expect(validateFullStoryUser(user as FullStoryUser)).toEqual([
      {
        rule: "fullstory.forbidden_key",
        message: matching(
          /^schema\.__proto__: keys named __proto__, constructor or prototype are refused/,
        ),
      },
    ]);
  });

  it("refuses an undefined item or a hole in a property array: JSON.stringify would send null", () => {
    const holed: unknown[] = ["a"];
    holed[2] = "c";
    for (const tags of [["a", undefined], holed]) {
      expect(validateFullStoryUser({ uid: "u", properties: { tags } })).toEqual([
        {
          rule: "fullstory.field_type",
          message: matching(/^properties\.tags\[1\]: a function, symbol or undefined/),
        },
      ]);
    }
  });

  it("lists both rules a long invalid property name breaks", () => {
    expect(
      validateFullStoryUser({ uid: "u", properties: { [`_${a(600)}`]: 1 } }).map((p) => p.rule),
    ).toEqual(["fullstory.property_name", "fullstory.property_path_length"]);
  });
});
