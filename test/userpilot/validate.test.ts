// Userpilot's documented user rules, checked before anything is sent, and cross-checked with the spec's schema.
import { describe, expect, it } from "vitest";
import { validateUserpilotUser } from "../../src/userpilot/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { userpilotUser } from "../../src/testing/fixtures/userpilot.js";
import { containing, matching } from "../support/matchers.js";
import { loadSpec } from "../support/specs.js";
import { nestedJson, parsed } from "../support/hostile.js";

const SCHEMA = "#/components/schemas/BulkIdentifyUser";
const spec = loadSpec("userpilot");

const valid = {
  user_id: "user_123",
  company_id: "comp_techstartup_2024",
  metadata: {
    name: "John Smith",
    tickets_created: "2024-01-15T08:00:00Z",
    tickets_pending: 3,
    avg_resolution_time: 3.25,
    vip: false,
    nickname: null,
  },
};

const rulesOf = (record: unknown) => validateUserpilotUser(record).map((p) => p.rule);

describe("validateUserpilotUser", () => {
  it("accepts a documented user, a bare user_id and empty metadata", () => {
    expect(validateUserpilotUser(valid)).toEqual([]);
    expect(validateUserpilotUser({ user_id: "u" })).toEqual([]);
    expect(validateUserpilotUser({ user_id: "u", metadata: {} })).toEqual([]);
    expect(
      validateUserpilotUser({ user_id: "u", metadata: Object.create(null) as object }),
    ).toEqual([]);
  });

  it.each([
    ["missing", {}, "user_id: required"],
    ["empty", { user_id: "" }, "user_id: must be a non-empty string, got an empty string"],
    ["a number", { user_id: 42 }, "user_id: must be a non-empty string, got a number"],
    ["null", { user_id: null }, "user_id: must be a non-empty string, got null"],
  ])("rejects user_id %s (userpilot.user_id)", (_, record, message) => {
    const problems = validateUserpilotUser(record);
    expect(problems).toEqual([{ rule: "userpilot.user_id", message: containing(message) }]);
  });

  it("rejects a record that is not an object (userpilot.user_id)", () => {
    for (const record of [null, "user_1", 7, ["user_1"]]) {
      expect(rulesOf(record)).toEqual(["userpilot.user_id"]);
    }
  });

  it.each([
    ["a number", 7],
    ["null", null],
    ["an object", { id: "c" }],
  ])("rejects company_id that is %s (userpilot.company_id)", (what, company_id) => {
    const problems = validateUserpilotUser({ user_id: "u", company_id });
    expect(problems).toEqual([
      {
        rule: "userpilot.company_id",
        message: containing(`company_id: must be a string when present, got ${what}`),
      },
    ]);
  });

  it.each([
    ["a nested object", { plan: { tier: "pro" } }, "metadata.plan", "an object"],
    ["an array", { tags: ["a", "b"] }, "metadata.tags", "an array"],
    ["NaN", { score: Number.NaN }, "metadata.score", "the non-finite number NaN"],
    [
      "Infinity",
      { score: Number.POSITIVE_INFINITY },
      "metadata.score",
      "the non-finite number Infinity",
    ],
    ["a bigint", { seats: 10n }, "metadata.seats", "a bigint"],
    ["a function", { plan: () => "pro" }, "metadata.plan", "a function"],
    ["a Map", { plan: new Map() }, "metadata.plan", "a Map"],
  ])("rejects a metadata value that is %s, naming key and type", (_, metadata, key, type) => {
    const problems = validateUserpilotUser({ user_id: "u", metadata });
    expect(problems).toEqual([
      {
        rule: "userpilot.metadata_value",
        message: `${key}: values must be a string, finite number, boolean or null, got ${type}`,
      },
    ]);
  });

  it("rejects a Date metadata value with a hint to send an ISO-8601 string", () => {
    const problems = validateUserpilotUser({
      user_id: "u",
      metadata: { signed_up: new Date("2024-01-15T08:00:00Z") },
    });
    expect(problems).toEqual([
      {
        rule: "userpilot.metadata_value",
        message: matching(/^metadata\.signed_up: .*a Date.*ISO-8601.*toISOString/),
      },
    ]);
  });

  it("rejects metadata that is not a plain object", () => {
    for (const metadata of [null, "plan=pro", ["pro"], new Date(), 3]) {
      const problems = validateUserpilotUser({ user_id: "u", metadata });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({
        rule: "userpilot.metadata_value",
        message: matching(/^metadata: must be an object/),
      });
    }
  });

  it("rejects unknown top-level fields, naming each (the request schema is closed)", () => {
    const problems = validateUserpilotUser({ user_id: "u", email: "a@b.c", name: "A" });
    expect(problems).toEqual([
      { rule: "userpilot.unknown_field", message: matching(/^email: unknown field/) },
      { rule: "userpilot.unknown_field", message: matching(/^name: unknown field/) },
    ]);
  });

  it("rejects a field named like a member every object inherits as unknown, as any other field", () => {
    for (const name of ["toString", "valueOf", "hasOwnProperty"]) {
      expect(validateUserpilotUser(parsed(`{"user_id":"u","${name}":"x"}`))).toEqual([
        {
          rule: "userpilot.unknown_field",
          message: matching(new RegExp(`^${name}: unknown field`)),
        },
      ]);
    }
  });

  it("reports every broken rule of a record, never its values", () => {
    const problems = validateUserpilotUser({
      user_id: "",
      company_id: 5,
      metadata: { secret_token: { value: "s3cr3t-value" } },
      extra: "x",
    });
    expect(problems.map((p) => p.rule)).toEqual([
      "userpilot.user_id",
      "userpilot.company_id",
      "userpilot.metadata_value",
      "userpilot.unknown_field",
    ]);
    expect(JSON.stringify(problems)).not.toContain("s3cr3t-value");
  });
});

describe("cross-check with specs/userpilot.yaml", () => {
  it("every user the validator accepts is valid by the spec's schema (faker, fixed seed)", () => {
    const f = seededFaker("userpilot validate cross-check");
    const users = [valid, ...Array.from({ length: 300 }, () => userpilotUser(f))];
    for (const user of users) {
      expect(validateUserpilotUser(user)).toEqual([]);
      expect(spec.problems(SCHEMA, user)).toEqual([]);
    }
  });

  it("users the validator rejects for schema-expressible rules are rejected by the schema too", () => {
    const broken: [string, unknown][] = [
      ["userpilot.user_id", { company_id: "c" }],
      ["userpilot.user_id", { user_id: "" }],
      ["userpilot.user_id", { user_id: 12 }],
      ["userpilot.company_id", { user_id: "u", company_id: 12 }],
      ["userpilot.company_id", { user_id: "u", company_id: null }],
      ["userpilot.metadata_value", { user_id: "u", metadata: { plan: { tier: "pro" } } }],
      ["userpilot.metadata_value", { user_id: "u", metadata: { tags: ["a"] } }],
      ["userpilot.metadata_value", { user_id: "u", metadata: ["a"] }],
      ["userpilot.metadata_value", { user_id: "u", metadata: "plan=pro" }],
      ["userpilot.unknown_field", { user_id: "u", email: "a@b.c" }],
    ];
    for (const [rule, record] of broken) {
      expect(rulesOf(record), JSON.stringify(record)).toEqual([rule]);
      expect(spec.problems(SCHEMA, record), JSON.stringify(record)).not.toEqual([]);
    }
  });
});

describe("hostile input", () => {
  it("rejects an own __proto__, constructor or prototype key as userpilot.forbidden_key, naming its path", () => {
    expect(validateUserpilotUser(parsed('{"user_id":"u","__proto__":{"x":1}}'))).toEqual([
      {
        rule: "userpilot.forbidden_key",
        message:
          "__proto__: keys named __proto__, constructor or prototype are refused (they can reach an object's prototype)",
      },
    ]);
    expect(
      validateUserpilotUser(parsed('{"user_id":"u","metadata":{"plan":"pro","constructor":"x"}}')),
    ).toEqual([
      {
        rule: "userpilot.forbidden_key",
        message:
          "metadata.constructor: keys named __proto__, constructor or prototype are refused (they can reach an object's prototype)",
      },
    ]);
  });

  it("rejects a metadata value nested 10,000 deep without walking it", () => {
    const user = parsed(`{"user_id":"u","metadata":{"deep":${nestedJson(10_000)}}}`);
    expect(validateUserpilotUser(user).map((p) => p.rule)).toEqual(["userpilot.metadata_value"]);
  });

  it("judges only the record's own keys, even when Object.prototype is polluted", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto["polluted"] = "x";
    try {
      expect(validateUserpilotUser({ user_id: "u", metadata: { plan: "pro" } })).toEqual([]);
    } finally {
      delete proto["polluted"];
    }
  });

  it("names no input text when a metadata value has an own constructor key", () => {
    const user = parsed(
      '{"user_id":"u","metadata":{"x":{"constructor":{"name":"ada@example.com"}}}}',
    );
    const [problem] = validateUserpilotUser(user);
    expect(problem?.message).not.toContain("ada@example.com");
  });
});

describe("what passes is what Userpilot receives", () => {
  const faker = seededFaker("userpilot sent as validated");
  const fieldsOf = (user: unknown) =>
    validateUserpilotUser(user).map((p) => [p.rule, p.message.split(":")[0]]);

  it("refuses a lone surrogate in user_id, company_id, a metadata key or value", () => {
    expect(
      fieldsOf({
        user_id: `${faker.string.uuid()}\ud800`,
        company_id: "\udc00",
        metadata: { plan: "gold\ud800", ["n\udc00"]: 1, ok: "😀" },
      }),
    ).toEqual([
      ["userpilot.malformed_text", "user_id"],
      ["userpilot.malformed_text", "company_id"],
      ["userpilot.malformed_text", "metadata.plan"],
      ["userpilot.malformed_text", "metadata.n\uFFFD"],
    ]);
  });

  it("refuses a user or metadata with a toJSON method, own or inherited", () => {
    class User {
      readonly user_id = faker.string.uuid();
      toJSON(): unknown {
        return { user_id: "someone-else" };
      }
    }
    expect(fieldsOf(new User())).toEqual([["userpilot.to_json", "record"]]);
    const metadata = Object.assign(Object.create({ toJSON: () => ({}) }) as object, { plan: "x" });
    // Not a plain object, so refused as metadata before its toJSON matters.
    expect(fieldsOf({ user_id: "u", metadata })).toEqual([
      ["userpilot.metadata_value", "metadata"],
    ]);
    expect(
      fieldsOf({ user_id: "u", toJSON: () => ({ user_id: "someone-else" }) }).map(([r]) => r),
    ).toContain("userpilot.to_json");
    // A plain object with its own toJSON is refused as the metadata sent as something else, not for the
    // method being a value of the wrong type.
    expect(
      fieldsOf({ user_id: "u", metadata: { plan: "pro", toJSON: () => ({ plan: "free" }) } }),
    ).toEqual([["userpilot.to_json", "metadata"]]);
  });
});
