// Differential fuzzing: records generated near every limit the specs state, valid and invalid, must get the
// same verdict from the hand-written validator and from ajv on the spec's request schema, wherever the schema
// expresses the rule. Generators read the limits from the generated rules, so they follow a spec edit.
// Seeded and bounded: the same few hundred records every run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rules as fullStoryRules } from "../generated/fullstory.rules.js";
import { rules as propellerRules } from "../generated/propeller.rules.js";
import { rules as slashIdRules } from "../generated/slashid.rules.js";
import { rules as userpilotRules } from "../generated/userpilot.rules.js";
import { validateFullStoryUser } from "../src/fullstory/validate.js";
import { validatePropellerUser } from "../src/propeller/validate.js";
import type { SlashIdPerson } from "../src/slashid/records.js";
import { validateSlashIdPerson } from "../src/slashid/validate.js";
import { validateUserpilotUser } from "../src/userpilot/validate.js";
import { loadSpec, type Vendor } from "./support/specs.js";

const RUNS = { seed: 20_240_611, numRuns: 400 } as const;
const schema = (name: string) => `#/components/schemas/${name}`;

/** Both verdicts on a record: the validator's, and ajv's on the record as the JSON the client would send. */
const verdicts =
  (vendor: Vendor, schemaName: string, validator: (r: never) => readonly unknown[]) =>
  (record: unknown): Verdicts => {
    const sent: unknown = JSON.parse(JSON.stringify(record));
    return {
      validator: validator(record as never).length === 0,
      spec: loadSpec(vendor).problems(schema(schemaName), sent).length === 0,
    };
  };

interface Verdicts {
  /** The hand-written validator finds no problem. */
  validator: boolean;
  /** The spec's schema finds no problem. */
  spec: boolean;
}

/**
 * The two verdicts agree on every record `records` makes, and enough of the records are valid and enough
 * invalid, so a generator that only makes one kind fails the test.
 */
function expectAgreement<T>(records: fc.Arbitrary<T>, judge: (record: T) => Verdicts): void {
  const seen = { valid: 0, invalid: 0 };
  fc.assert(
    fc.property(records, (record) => {
      const { validator, spec } = judge(record);
      expect(validator, JSON.stringify(record).slice(0, 300)).toBe(spec);
      seen[spec ? "valid" : "invalid"] += 1;
    }),
    RUNS,
  );
  expect(seen.valid, "valid records generated").toBeGreaterThan(RUNS.numRuns / 20);
  expect(seen.invalid, "invalid records generated").toBeGreaterThan(RUNS.numRuns / 20);
}

/** Mostly `valid`, now and then `invalid`: a record breaks one or two rules at a time. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: invalid, weight: 1 });
/** A length at, around and well inside `max`. */
const lengthNear = (max: number) =>
  mostly(fc.constantFrom(0, 1, max - 1, max), fc.constantFrom(max + 1, max + 2));
/** A text of `length` code points, some outside the BMP (one code point, two UTF-16 units). */
const textOf = (length: number) =>
  fc
    .array(fc.constantFrom("a", "Z", "é", "😀"), { minLength: length, maxLength: length })
    .map((chars) => chars.join(""));
const textNear = (max: number) => lengthNear(max).chain(textOf);
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]));
/**
 * Text for a match key (or a reference to one): never empty nor blanks only, which every validator refuses
 * and no schema states (our bound), so such a key is not generated.
 */
const keyText = (text: fc.Arbitrary<string>) => text.filter((s) => s.trim() !== "");
/** Names that a JSON Schema pattern judges; never a key the validators refuse for its own safety. */
const name = (valid: fc.Arbitrary<string>) =>
  fc
    .oneof({ arbitrary: valid, weight: 8 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 })
    .filter((n) => !["__proto__", "constructor", "prototype"].includes(n));

describe("FullStory: validateFullStoryUser and BatchUserImportRequest agree", () => {
  const user = fullStoryRules.BatchUserImportRequest.properties;
  const props = fullStoryRules.UserProperties;
  const types = fullStoryRules.SchemaType.enum;
  const goodName = fc
    .stringMatching(new RegExp(props.propertyNames.pattern))
    .map((n) => n.slice(0, 20));
  const longName = lengthNear(props.propertyNames.maxLength).map(
    (n) => `p${"x".repeat(Math.max(0, n - 1))}`,
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const properties = fc.oneof(
    fc.dictionary(name(goodName), scalar, { maxKeys: 6 }),
    fc.dictionary(longName, scalar, { maxKeys: 2 }),
    // Around the property count: flat, so each top-level property is one leaf.
    lengthNear(props.maxProperties).map((n) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i])),
    ),
  );
  const schemaDeclarations = fc.record({
    properties: fc.dictionary(
      name(goodName.map((n) => `${n}.${n}`)),
      mostly(fc.constantFrom(...types), fc.constantFrom("string", "number", "STR", "")),
      { maxKeys: 3 },
    ),
  });
  const record = fc.record(
    {
      id: mostly(keyText(fc.string({ maxLength: 4 })), notAString),
      uid: mostly(keyText(textNear(user.uid.maxLength)), notAString),
      display_name: textNear(user.display_name.maxLength),
      email: mostly(textNear(user.email.maxLength), notAString),
      properties: mostly(properties, fc.constantFrom([], "x")),
      schema: mostly(fc.oneof(schemaDeclarations, fc.constant(null)), fc.constant(7)),
      extra_field: fc.string({ maxLength: 4 }),
    },
    { requiredKeys: [] },
  );

  it("on records near every limit", () => {
    expectAgreement(record, verdicts("fullstory", "BatchUserImportRequest", validateFullStoryUser));
  });
});

describe("Userpilot: validateUserpilotUser and BulkIdentifyUser agree", () => {
  const user = userpilotRules.BulkIdentifyUser.properties;
  const value = mostly(
    fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    ),
    fc.constantFrom({ nested: 1 }, [1, 2]),
  );
  const record = fc.record(
    {
      user_id: mostly(textNear(user.user_id.minLength), notAString),
      company_id: mostly(keyText(fc.string({ maxLength: 4 })), notAString),
      metadata: mostly(
        fc.dictionary(name(fc.string({ minLength: 1, maxLength: 5 })), value, { maxKeys: 4 }),
        fc.constantFrom([], "x"),
      ),
      extra_field: fc.string({ maxLength: 4 }),
    },
    { requiredKeys: [] },
  );

  it("on records near every limit", () => {
    expectAgreement(record, verdicts("userpilot", "BulkIdentifyUser", validateUserpilotUser));
  });
});

describe("Propeller: validatePropellerUser and BulkUser agree", () => {
  const user = propellerRules.BulkUser.properties;
  const address = propellerRules.Address.properties;
  const attribute = propellerRules.UserAttributeValue.properties;
  // Blank match keys are refused by the validator alone (a rule the schema cannot state): not generated.
  const key = fc.oneof(keyText(fc.string({ minLength: 1, maxLength: 6 })), fc.integer());
  const parentSource = keyText(fc.string({ maxLength: 4 }));
  const oneOf = (values: readonly string[]) =>
    mostly(fc.constantFrom(...values), fc.oneof(fc.constantFrom("X", "", "yes"), notAString));
  /** Now and then one of `keys` left out, so a missing required field is generated too. */
  const dropping = <T extends object>(record: fc.Arbitrary<T>, keys: readonly string[]) =>
    fc.tuple(record, mostly(fc.constant(undefined), fc.constantFrom(...keys))).map(([r, drop]) => {
      const copy: Record<string, unknown> = { ...(r as Record<string, unknown>) };
      if (drop !== undefined) delete copy[drop];
      return copy;
    });
  const anAddress = dropping(
    fc
      .record(
        {
          type: oneOf(address.type.enum),
          street: mostly(fc.string({ maxLength: 4 }), notAString),
          city: fc.string({ maxLength: 4 }),
          country: mostly(
            fc.stringMatching(new RegExp(address.country.pattern)),
            fc.string({ maxLength: 3 }),
          ),
          icp: oneOf(address.icp.enum),
          isDefault: oneOf(address.isDefault.enum),
          extra: fc.string({ maxLength: 3 }),
        },
        { requiredKeys: ["type", "street", "city", "country"] },
      )
      .map(({ extra, ...rest }) => (extra?.length === 3 ? { ...rest, extra } : rest)),
    ["type", "street", "city", "country"],
  );
  const anAttribute = dropping(
    fc.record(
      {
        name: mostly(textNear(attribute.name.minLength + 3), notAString),
        value: mostly(
          fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant([1, "a"])),
          fc.constantFrom({}, [{}], null),
        ),
        type: fc.string({ maxLength: 4 }),
        class: oneOf(attribute.class.enum),
      },
      { requiredKeys: ["name", "value"] },
    ),
    ["name", "value"],
  );
  const aParent = fc.oneof(
    { arbitrary: fc.record({ id: mostly(fc.integer(), fc.constant("1")) }), weight: 4 },
    { arbitrary: fc.record({ source: parentSource, sourceId: key }), weight: 4 },
    { arbitrary: fc.record({ source: parentSource }), weight: 1 },
    {
      arbitrary: fc.record({ id: fc.integer(), source: parentSource, sourceId: key }),
      weight: 1,
    },
  );
  const record = dropping(
    fc.record(
      {
        source: mostly(key.map(String), notAString),
        sourceId: mostly(
          key,
          fc.oneof(
            // An integer beyond 2^53 is refused for a rule the schema cannot state (it may be rounded).
            fc
              .double({ noNaN: true, noDefaultInfinity: true })
              .filter((n) => !Number.isInteger(n) || Number.isSafeInteger(n)),
            fc.boolean(),
          ),
        ),
        debtorId: mostly(key, fc.constant(null)),
        firstName: mostly(fc.string({ maxLength: 4 }), notAString),
        gender: oneOf(user.gender.enum),
        primaryLanguage: mostly(fc.string({ maxLength: 3 }), notAString),
        language: mostly(fc.string({ maxLength: 3 }), notAString),
        parent: aParent,
        attributes: mostly(fc.array(anAttribute, { maxLength: 2 }), fc.constant({})),
        addresses: mostly(fc.array(anAddress, { maxLength: 2 }), fc.constant("x")),
        nickname: mostly(fc.constant(undefined), fc.string({ maxLength: 3 })),
      },
      { requiredKeys: ["source", "sourceId"] },
    ),
    ["source", "sourceId"],
  );

  it("on records near every limit", () => {
    expectAgreement(record, verdicts("propeller", "BulkUser", validatePropellerUser));
  });
});

describe("SlashID: validateSlashIdPerson and PersonCsvRow + AttributeBuckets agree", () => {
  const bucketRules = slashIdRules.AttributeBuckets;
  const keyBytes = bucketRules.additionalProperties.propertyNames.maxLength;
  // ASCII keys only: the byte limit beyond the character limit is an `x-` rule the schema cannot state.
  const attributeKey = lengthNear(keyBytes).map((n) => "k".repeat(n));
  const buckets = fc.dictionary(
    fc.oneof(fc.constantFrom(...bucketRules["x-known-values"]), fc.constantFrom("", "custom")),
    fc.oneof(
      fc.dictionary(attributeKey, fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), {
        maxKeys: 2,
      }),
    ),
    { maxKeys: 3 },
  );
  // Well-formed handles only: email shape and commas inside list items are the validator's own rules.
  const handle = fc.array(fc.constantFrom("a@example.com", "b@example.org"), { maxLength: 2 });
  const person = fc.record(
    {
      emails: handle,
      usernames: fc.array(fc.constantFrom("ada", "bob"), { maxLength: 1 }),
      region: fc.oneof(
        fc.constantFrom(
          ...slashIdRules.PersonCsvRow.properties["slashid:region"]["x-known-values"],
        ),
        fc.constantFrom("", "mars"),
      ),
      groups: fc.array(fc.constantFrom("admins", "editors"), { maxLength: 2 }),
      attributes: buckets,
    },
    { requiredKeys: [] },
  );

  /** The row as written without any check: lists joined, attributes as JSON; empty cells left out. */
  function rowOf(p: SlashIdPerson): Record<string, string> {
    const cells: [string, string | undefined][] = [
      ["slashid:emails", p.emails?.join(",")],
      ["slashid:usernames", p.usernames?.join(",")],
      ["slashid:region", p.region],
      ["slashid:groups", p.groups?.join(",")],
      ["slashid:attributes", p.attributes === undefined ? undefined : JSON.stringify(p.attributes)],
    ];
    return Object.fromEntries(
      cells.filter((c): c is [string, string] => c[1] !== undefined && c[1] !== ""),
    );
  }

  it("on persons near every limit", () => {
    const spec = loadSpec("slashid");
    expectAgreement(person, (p: SlashIdPerson) => {
      // An empty list or region is an absent cell for the spec; the validator reports it (our own rule).
      fc.pre(p.region !== "" && p.groups?.length !== 0);
      return {
        validator: validateSlashIdPerson(p).length === 0,
        spec:
          spec.problems(schema("PersonCsvRow"), rowOf(p)).length === 0 &&
          (p.attributes === undefined ||
            spec.problems(schema("AttributeBuckets"), p.attributes).length === 0),
      };
    });
  });
});
