// Client-side validation of Propeller users: every documented rule, and agreement with the spec's schema.
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerAddress, propellerUser } from "../../src/testing/fixtures/propeller.js";
import { loadSpec } from "../support/specs.js";
import { nestedJson, parsed } from "../support/hostile.js";
import { matching } from "../support/matchers.js";
import { validatePropellerUser } from "../../src/propeller/validate.js";

const spec = loadSpec("propeller");
const USER = "#/components/schemas/BulkUser";
const schemaProblems = (value: unknown) => spec.problems(USER, JSON.parse(JSON.stringify(value)));

/** A user with every optional part, from the spec's own example values. */
const full = (): Record<string, unknown> => ({
  source: "CRM",
  sourceId: "CRM-000482",
  debtorId: 12345,
  firstName: "Anna",
  middleName: "van",
  lastName: "Dijk",
  fullName: "Anna van Dijk",
  title: "Mrs.",
  dateOfBirth: "28/08/1993",
  gender: "F",
  login: "anna@example.com",
  phone: "0032445888",
  email: "anna@example.com",
  company: "Example Trading B.V.",
  parent: { source: "CRM", sourceId: "ORG-0042" },
  taxNumber: "NL123456789B01",
  cocNumber: "12345678",
  primaryLanguage: "NL",
  attributes: [
    { name: "LOYALTY_TIER", value: "gold", type: "text", class: "user" },
    { name: "SCORE_2", value: [1, "a"] },
  ],
  addresses: [
    {
      type: "delivery",
      street: "Keizersgracht",
      number: "100",
      numberExtension: "A",
      postalCode: "1015 CS",
      city: "Amsterdam",
      country: "NL",
      icp: "N",
      isDefault: "Y",
    },
  ],
});

type Case = [
  name: string,
  change: (user: Record<string, unknown>) => void,
  rule: string,
  field: string,
];
const attr = (u: Record<string, unknown>) => (u["attributes"] as Record<string, unknown>[])[0]!;
const addr = (u: Record<string, unknown>) => (u["addresses"] as Record<string, unknown>[])[0]!;
const parent = (u: Record<string, unknown>) => u["parent"] as Record<string, unknown>;

// Rules the schema expresses too: the spec must reject each of these records as well.
const SCHEMA_CASES: Case[] = [
  ["source missing", (u) => delete u["source"], "propeller.required", "source"],
  ["sourceId missing", (u) => delete u["sourceId"], "propeller.required", "sourceId"],
  ["sourceId undefined", (u) => (u["sourceId"] = undefined), "propeller.required", "sourceId"],
  ["unknown top-level key", (u) => (u["nickname"] = "x"), "propeller.unknown_field", "nickname"],
  [
    "unknown key in an address",
    (u) => (addr(u)["floor"] = "2"),
    "propeller.unknown_field",
    "addresses[0].floor",
  ],
  [
    "unknown key in an attribute",
    (u) => (attr(u)["label"] = "x"),
    "propeller.unknown_field",
    "attributes[0].label",
  ],
  [
    "unknown key in the parent",
    (u) => (u["parent"] = { id: 1, name: "x" }),
    "propeller.unknown_field",
    "parent.name",
  ],
  ["source not a string", (u) => (u["source"] = 7), "propeller.field_type", "source"],
  ["sourceId a fraction", (u) => (u["sourceId"] = 1.5), "propeller.field_type", "sourceId"],
  ["sourceId a boolean", (u) => (u["sourceId"] = true), "propeller.field_type", "sourceId"],
  ["debtorId null", (u) => (u["debtorId"] = null), "propeller.field_type", "debtorId"],
  ["firstName a number", (u) => (u["firstName"] = 42), "propeller.field_type", "firstName"],
  ["email an array", (u) => (u["email"] = ["a@b.c"]), "propeller.field_type", "email"],
  ["attributes not an array", (u) => (u["attributes"] = {}), "propeller.field_type", "attributes"],
  ["addresses not an array", (u) => (u["addresses"] = "x"), "propeller.field_type", "addresses"],
  ["gender X", (u) => (u["gender"] = "X"), "propeller.enum", "gender"],
  ["parent a string", (u) => (u["parent"] = "ORG-1"), "propeller.parent", "parent"],
  ["parent empty", (u) => (u["parent"] = {}), "propeller.parent", "parent"],
  ["parent id a string", (u) => (u["parent"] = { id: "119" }), "propeller.parent", "parent.id"],
  ["parent id a fraction", (u) => (u["parent"] = { id: 1.5 }), "propeller.parent", "parent.id"],
  ["parent source only", (u) => delete parent(u)["sourceId"], "propeller.parent", "parent"],
  ["parent by id and by source", (u) => (parent(u)["id"] = 119), "propeller.parent", "parent"],
  [
    "parent source not a string",
    (u) => (parent(u)["source"] = 1),
    "propeller.parent",
    "parent.source",
  ],
  [
    "attribute not an object",
    (u) => (u["attributes"] = ["x"]),
    "propeller.attribute",
    "attributes[0]",
  ],
  [
    "attribute name empty",
    (u) => (attr(u)["name"] = ""),
    "propeller.attribute",
    "attributes[0].name",
  ],
  [
    "attribute name missing",
    (u) => delete attr(u)["name"],
    "propeller.attribute",
    "attributes[0].name",
  ],
  [
    "attribute value missing",
    (u) => delete attr(u)["value"],
    "propeller.attribute",
    "attributes[0].value",
  ],
  [
    "attribute value null",
    (u) => (attr(u)["value"] = null),
    "propeller.attribute",
    "attributes[0].value",
  ],
  [
    "attribute value an object",
    (u) => (attr(u)["value"] = { a: 1 }),
    "propeller.attribute",
    "attributes[0].value",
  ],
  [
    "attribute value NaN",
    (u) => (attr(u)["value"] = Number.NaN),
    "propeller.attribute",
    "attributes[0].value",
  ],
  [
    "attribute value array holding Infinity",
    (u) => (attr(u)["value"] = [1, Number.POSITIVE_INFINITY]),
    "propeller.attribute",
    "attributes[0].value",
  ],
  [
    "attribute value array of objects",
    (u) => (attr(u)["value"] = [1, {}]),
    "propeller.attribute",
    "attributes[0].value",
  ],
  [
    "attribute class company",
    (u) => (attr(u)["class"] = "company"),
    "propeller.attribute",
    "attributes[0].class",
  ],
  [
    "attribute type a number",
    (u) => (attr(u)["type"] = 5),
    "propeller.attribute",
    "attributes[0].type",
  ],
  ["address not an object", (u) => (u["addresses"] = [null]), "propeller.address", "addresses[0]"],
  // JSON.stringify sends a boxed value bare and a Date as its text, not the fields given them.
  [
    "address a Date holding an address's fields",
    (u) => (u["addresses"] = [Object.assign(new Date(0), addr(u))]),
    "propeller.address",
    "addresses[0]",
  ],
  [
    "attribute a boxed number holding an attribute's fields",
    (u) => (u["attributes"] = [Object.assign(Object(1) as object, attr(u))]),
    "propeller.attribute",
    "attributes[0]",
  ],
  [
    "parent a boxed number holding an id",
    (u) => (u["parent"] = Object.assign(Object(119) as object, { id: 119 })),
    "propeller.parent",
    "parent",
  ],
  [
    "address type home",
    (u) => (addr(u)["type"] = "home"),
    "propeller.address",
    "addresses[0].type",
  ],
  ["address type missing", (u) => delete addr(u)["type"], "propeller.address", "addresses[0].type"],
  [
    "address street missing",
    (u) => delete addr(u)["street"],
    "propeller.address",
    "addresses[0].street",
  ],
  ["address city missing", (u) => delete addr(u)["city"], "propeller.address", "addresses[0].city"],
  [
    "address country missing",
    (u) => delete addr(u)["country"],
    "propeller.address",
    "addresses[0].country",
  ],
  // Undefined is absent (JSON drops it): a required key set to undefined is missing.
  [
    "address country undefined",
    (u) => (addr(u)["country"] = undefined),
    "propeller.address",
    "addresses[0].country",
  ],
  [
    "attribute name undefined",
    (u) => (attr(u)["name"] = undefined),
    "propeller.attribute",
    "attributes[0].name",
  ],
  [
    "address country alpha-3",
    (u) => (addr(u)["country"] = "NLD"),
    "propeller.address",
    "addresses[0].country",
  ],
  ["address icp yes", (u) => (addr(u)["icp"] = "yes"), "propeller.address", "addresses[0].icp"],
  [
    "address isDefault true",
    (u) => (addr(u)["isDefault"] = true),
    "propeller.address",
    "addresses[0].isDefault",
  ],
  [
    "address number a number",
    (u) => (addr(u)["number"] = 100),
    "propeller.address",
    "addresses[0].number",
  ],
];

/** Blanks beyond ASCII's: what String.prototype.trim removes, as a spreadsheet or a paste leaves them. */
const UNICODE_BLANKS = [
  ["a no-break space", "\u00a0"],
  ["an ideographic space", "\u3000"],
  ["a line separator", "\u2028"],
  ["a byte order mark", "\ufeff"],
  ["blanks of each kind", "\u00a0\u3000\u2028\ufeff \t"],
] as const;

// The match key must not be blank: a rule of ours the schema has no words for.
const OWN_CASES: Case[] = [
  ["source empty", (u) => (u["source"] = ""), "propeller.required", "source"],
  ["sourceId blank", (u) => (u["sourceId"] = "  "), "propeller.required", "sourceId"],
  // A CRLF line end left in a cell is blank too: sent, every such user would share one match key.
  ["sourceId a CR alone", (u) => (u["sourceId"] = "\r"), "propeller.required", "sourceId"],
  [
    "source of tabs and line breaks",
    (u) => (u["source"] = "\t\v\f\r\n"),
    "propeller.required",
    "source",
  ],
  // Blank as trim() counts it, as SlashID's validation does: sent, each was a match key no one can see.
  ...UNICODE_BLANKS.flatMap(([name, blank]): Case[] => [
    [`sourceId ${name} alone`, (u) => (u["sourceId"] = blank), "propeller.required", "sourceId"],
    [`source ${name} alone`, (u) => (u["source"] = blank), "propeller.required", "source"],
  ]),
  // A parent named by a blank match key is as unseen as a user keyed by one: refused by the parent's rule.
  [
    "parent sourceId empty",
    (u) => (parent(u)["sourceId"] = ""),
    "propeller.parent",
    "parent.sourceId",
  ],
  ...UNICODE_BLANKS.flatMap(([name, blank]): Case[] => [
    [
      `parent sourceId ${name} alone`,
      (u) => (parent(u)["sourceId"] = blank),
      "propeller.parent",
      "parent.sourceId",
    ],
    [
      `parent source ${name} alone`,
      (u) => (parent(u)["source"] = blank),
      "propeller.parent",
      "parent.source",
    ],
  ]),
];

describe("validatePropellerUser", () => {
  it("accepts a user with every field, and the spec's own request examples", () => {
    expect(validatePropellerUser(full())).toEqual([]);
    expect(schemaProblems(full())).toEqual([]);
    const op = spec.operations().find((o) => o.operationId === "bulkUsersBySourceId")!;
    const examples = op.requestExamples.flatMap((e) => (e.value as { users: unknown[] }).users);
    expect(examples.length).toBeGreaterThan(2);
    for (const user of examples) expect(validatePropellerUser(user)).toEqual([]);
  });

  it("accepts a minimal user, integer sourceIds, a parent by id and undefined optional fields", () => {
    expect(validatePropellerUser({ source: "CRM", sourceId: 3002196 })).toEqual([]);
    expect(
      validatePropellerUser({
        source: "CRM",
        sourceId: "x",
        parent: { id: 119 },
        email: undefined,
      }),
    ).toEqual([]);
  });

  it.each([...SCHEMA_CASES, ...OWN_CASES])("rejects %s", (_name, change, rule, field) => {
    const user = full();
    change(user);
    const problems = validatePropellerUser(user);
    expect(problems.map((p) => p.rule)).toContain(rule);
    const problem = problems.find((p) => p.rule === rule)!;
    expect(problem.message.startsWith(`${field}:`)).toBe(true);
  });

  it.each(SCHEMA_CASES)("the spec's schema rejects %s too", (_name, change) => {
    const user = full();
    change(user);
    expect(schemaProblems(user)).not.toEqual([]);
  });

  it("sends what no source refuses: lower-case gender and country, any language text, the match language, any attribute name", () => {
    const user = full();
    user["gender"] = "f";
    user["primaryLanguage"] = "nld";
    user["language"] = "NL";
    user["attributes"] = [{ name: "loyalty tier", value: "gold" }];
    user["addresses"] = [{ type: "delivery", street: "Main", city: "Delft", country: "nl" }];
    expect(validatePropellerUser(user)).toEqual([]);
    expect(schemaProblems(user)).toEqual([]);
  });

  it("rejects something that is not an object", () => {
    for (const value of [null, "CRM:1", [], 5]) {
      expect(validatePropellerUser(value).map((p) => p.rule)).toEqual(["propeller.field_type"]);
    }
  });

  it("reports every rule a record breaks, each naming its field", () => {
    const problems = validatePropellerUser({
      sourceId: "",
      gender: "x",
      nickname: 1,
      addresses: [{ type: "home", street: "s", city: "c", country: "NL" }],
    });
    expect(problems.map((p) => [p.rule, p.message.split(":")[0]])).toEqual([
      ["propeller.required", "sourceId"],
      ["propeller.enum", "gender"],
      ["propeller.unknown_field", "nickname"],
      ["propeller.address", "addresses[0].type"],
      ["propeller.required", "source"],
    ]);
    expect(problems[2]?.message).toMatch(/unknown field/);
  });

  it("accepts every faker-built user, and so does the spec", () => {
    const f = seededFaker("propeller validate fixtures");
    for (let i = 0; i < 150; i++) {
      const user = propellerUser(f);
      expect(validatePropellerUser(user), JSON.stringify(user)).toEqual([]);
      expect(schemaProblems(user)).toEqual([]);
    }
  });

  it("agrees with the spec's schema on randomly broken users (blank match keys aside)", () => {
    const f = seededFaker("propeller validate mutations");
    const DELETE = Symbol("delete");
    const pool: unknown[] = [
      DELETE,
      null,
      "",
      "  ",
      "X",
      "NL",
      "nl",
      "NLD",
      "M",
      "user",
      "delivery",
      "invoice",
      "Y",
      "LOYALTY",
      0,
      1.5,
      119,
      -3,
      true,
      [],
      ["a"],
      [1, "a"],
      [{}],
      {},
      { id: 1 },
      { source: "a", sourceId: 2 },
    ];
    const paths = [
      ["source"],
      ["sourceId"],
      ["debtorId"],
      ["firstName"],
      ["gender"],
      ["primaryLanguage"],
      ["email"],
      ["parent"],
      ["attributes"],
      ["addresses"],
      ["nickname"],
      ["parent", "id"],
      ["parent", "source"],
      ["parent", "sourceId"],
      ["parent", "extra"],
      ["attributes", 0, "name"],
      ["attributes", 0, "value"],
      ["attributes", 0, "type"],
      ["attributes", 0, "class"],
      ["attributes", 0, "extra"],
      ["attributes", 1],
      ["addresses", 0, "type"],
      ["addresses", 0, "street"],
      ["addresses", 0, "city"],
      ["addresses", 0, "country"],
      ["addresses", 0, "icp"],
      ["addresses", 0, "isDefault"],
      ["addresses", 0, "number"],
      ["addresses", 0, "extra"],
      ["addresses", 1],
    ] as const;
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      const user = propellerUser(f) as unknown as Record<string, unknown>;
      const path = f.helpers.arrayElement(paths);
      const value = f.helpers.arrayElement(pool);
      if (path[0] === "parent" && path.length > 1)
        user["parent"] = f.datatype.boolean() ? { id: 5 } : { source: "CRM", sourceId: "P-1" };
      if (path[0] === "attributes" && path.length > 1)
        user["attributes"] = [{ name: "TIER", value: "gold" }];
      if (path[0] === "addresses" && path.length > 1) user["addresses"] = [propellerAddress(f)];
      let target = user as Record<string | number, unknown>;
      for (const step of path.slice(0, -1))
        target = target[step] as Record<string | number, unknown>;
      const last = path[path.length - 1]!;
      if (value === DELETE) delete target[last];
      else target[last] = structuredClone(value);

      const ours = validatePropellerUser(user);
      const theirs = schemaProblems(user);
      const blank = (object: Record<string, unknown>) =>
        ["source", "sourceId"].some(
          (k) => typeof object[k] === "string" && object[k].trim() === "",
        );
      if (blank(user)) {
        expect(ours.map((p) => p.rule)).toContain("propeller.required");
        continue;
      }
      // A parent's match key is held to the same bound, which the schema does not state either.
      const parent = user["parent"];
      if (
        typeof parent === "object" &&
        parent !== null &&
        blank(parent as Record<string, unknown>)
      ) {
        expect(ours.map((p) => p.rule)).toContain("propeller.parent");
        continue;
      }
      const detail = `${JSON.stringify(path)} = ${String(value)}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`;
      expect(ours.length === 0, detail).toBe(theirs.length === 0);
      if (ours.length > 0) rejected += 1;
    }
    expect(rejected).toBeGreaterThan(150);
  });
});

describe("hostile input", () => {
  it("rejects an own __proto__, constructor or prototype key as propeller.forbidden_key, naming its path", () => {
    const cases: [string, string][] = [
      ['{"source":"crm","sourceId":"1","__proto__":{"x":1}}', "__proto__"],
      ['{"source":"crm","sourceId":"1","parent":{"id":1,"constructor":1}}', "parent.constructor"],
      [
        '{"source":"crm","sourceId":"1","attributes":[{"name":"A","value":"v","prototype":1}]}',
        "attributes[0].prototype",
      ],
      [
        '{"source":"crm","sourceId":"1","addresses":[{"type":"invoice","street":"s","city":"c","country":"NL","__proto__":{}}]}',
        "addresses[0].__proto__",
      ],
    ];
    for (const [json, path] of cases) {
      expect(validatePropellerUser(JSON.parse(json)), json).toEqual([
        {
          rule: "propeller.forbidden_key",
          message: `${path}: keys named __proto__, constructor or prototype are refused (they can reach an object's prototype)`,
        },
      ]);
    }
  });

  it("rejects values nested 10,000 deep without walking them (the schema is closed)", () => {
    const deep = nestedJson(10_000);
    const user = parsed(
      `{"source":"crm","sourceId":"1","firstName":${deep},"attributes":[{"name":"A","value":${deep}}],"parent":${deep}}`,
    );
    expect(validatePropellerUser(user).map((p) => p.rule)).toEqual([
      "propeller.field_type",
      "propeller.attribute",
      "propeller.unknown_field",
      "propeller.parent",
    ]);
  });
});

describe("what passes is what Propeller receives", () => {
  const faker = seededFaker("propeller sent as validated");
  const rulesOf = (record: unknown) => validatePropellerUser(record).map((p) => p.rule);
  const beyond = [2 ** 53, 2 ** 53 + 2, 2 ** 60, 1e21, -(2 ** 53)];
  /** The problems of a user whose sourceId, debtorId and parent sourceId are all `id`. */
  const everyIdAs = (id: number) =>
    validatePropellerUser({
      source: "crm",
      sourceId: id,
      debtorId: id,
      parent: { source: "crm", sourceId: id },
    });

  it("refuses an integer id beyond 2^53 in every id field: it may already be another id", () => {
    for (const id of beyond) {
      const problems = everyIdAs(id);
      expect(
        problems.map((p) => p.message.split(":")[0]),
        String(id),
      ).toEqual(["sourceId", "debtorId", "parent.sourceId"]);
      expect(problems.map((p) => p.rule)).toEqual([
        "propeller.field_type",
        "propeller.field_type",
        "propeller.parent",
      ]);
      // Not "beyond 2^53": 2^53 itself, and -(2^53), are refused too.
      for (const { message } of problems)
        expect(message).toMatch(
          /beyond ±Number\.MAX_SAFE_INTEGER \(2\^53 − 1\).*change on the way/,
        );
      expect(rulesOf({ source: "crm", sourceId: "1", parent: { id } })).toEqual([
        "propeller.parent",
      ]);
    }
  });

  it("the two ids JSON.parse makes one are not both imported under the second", () => {
    const [carol, dave] = JSON.parse(
      '[{"source":"crm","sourceId":9007199254740993},{"source":"crm","sourceId":9007199254740992}]',
    ) as unknown[];
    expect(rulesOf(carol)).toEqual(["propeller.field_type"]);
    expect(rulesOf(dave)).toEqual(["propeller.field_type"]);
  });

  it("accepts the largest safe integer ids, and any id sent as a string", () => {
    const id = Number.MAX_SAFE_INTEGER;
    expect(rulesOf({ source: "crm", sourceId: id, debtorId: -id, parent: { id } })).toEqual([]);
    expect(rulesOf({ source: "crm", sourceId: "9007199254740993" })).toEqual([]);
  });

  it("refuses text with a lone surrogate as propeller.malformed_text, naming the field", () => {
    const problems = validatePropellerUser({
      source: "crm",
      sourceId: `${faker.string.numeric(5)}\ud800`,
      firstName: `${faker.person.firstName()}\udc00`,
      parent: { source: "crm", sourceId: "\ud800" },
      attributes: [{ name: "tags", value: ["ok", "\udfff"] }],
      addresses: [{ type: "invoice", street: "s\ud800", city: "c", country: "NL" }],
    });
    expect(problems.map((p) => [p.rule, p.message.split(":")[0]])).toEqual([
      ["propeller.malformed_text", "sourceId"],
      ["propeller.malformed_text", "firstName"],
      ["propeller.malformed_text", "parent.sourceId"],
      ["propeller.malformed_text", "attributes[0].value"],
      ["propeller.malformed_text", "addresses[0].street"],
    ]);
    expect(rulesOf({ source: "crm", sourceId: "1", fullName: "Zoë 🎉" })).toEqual([]);
  });

  it("refuses a source, the match key's other half, with a lone surrogate as propeller.malformed_text", () => {
    expect(validatePropellerUser({ source: "crm\ud800", sourceId: "1" })).toEqual([
      { rule: "propeller.malformed_text", message: matching(/^source: /) },
    ]);
  });

  it("refuses an attribute name with a lone surrogate as propeller.malformed_text", () => {
    const attributes = [{ name: "TIER\udc00", value: "gold" }];
    expect(validatePropellerUser({ source: "crm", sourceId: "1", attributes })).toEqual([
      { rule: "propeller.malformed_text", message: matching(/^attributes\[0\]\.name: /) },
    ]);
  });

  it("names the half of a parent's match key that is missing", () => {
    const problem = (parent: object) =>
      validatePropellerUser({ source: "crm", sourceId: "1", parent }).map((p) => p.message);
    expect(problem({ source: "CRM" })).toEqual(["parent: sourceId is required with source"]);
    expect(problem({ sourceId: "ORG-1" })).toEqual(["parent: source is required with sourceId"]);
  });

  it("says a sourceId, debtorId or parent sourceId that is a fraction must be a string or an integer", () => {
    for (const id of [1.5, Number.NaN]) {
      const problems = everyIdAs(id);
      expect(
        problems.map((p) => p.message.replace(/, got .*/, "")),
        String(id),
      ).toEqual([
        "sourceId: must be a string or an integer",
        "debtorId: must be a string or an integer",
        "parent.sourceId: must be a string or an integer",
      ]);
    }
  });

  it("says a parent id that is a fraction must be an integer, not that it is too large", () => {
    for (const id of [1.5, Number.NaN]) {
      const problems = validatePropellerUser({ source: "crm", sourceId: "1", parent: { id } });
      expect(problems, String(id)).toEqual([
        { rule: "propeller.parent", message: matching(/^parent\.id: must be an integer, got /) },
      ]);
    }
  });

  it("refuses a user, parent, address, attribute value or list with a toJSON method", () => {
    class Row {
      readonly source = "crm";
      readonly sourceId = "1";
      toJSON(): unknown {
        return { source: "crm", sourceId: "2" };
      }
    }
    const other = () => ({ source: "crm", sourceId: "2" });
    expect(rulesOf(new Row())).toEqual(["propeller.to_json"]);
    expect(
      rulesOf(
        Object.assign(Object.create({ toJSON: other }) as object, { source: "crm", sourceId: "1" }),
      ),
    ).toEqual(["propeller.to_json"]);
    const parent = Object.assign(Object.create({ toJSON: other }) as object, { id: 1 });
    const addresses = Object.assign([], { toJSON: () => [] });
    const value = Object.assign(["a"], { toJSON: () => "b" });
    expect(
      validatePropellerUser({
        source: "crm",
        sourceId: "1",
        parent,
        addresses,
        attributes: [{ name: "tags", value }],
      }).map((p) => [p.rule, p.message.split(":")[0]]),
    ).toEqual([
      ["propeller.to_json", "parent"],
      ["propeller.to_json", "addresses"],
      ["propeller.to_json", "attributes[0].value"],
    ]);
  });
});
