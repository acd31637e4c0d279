// The spec is the single source of truth, yet a validator reads only the keywords it was written for: a
// `pattern` or an `enum` a vendor change adds to a record schema would be sent unchecked, the vendor (and the
// simulator) would refuse it, and no other test would fail. So every (schema path, keyword) of the record
// schemas each validator covers is held to a table of what that validator reads, found by reading its code
// and, at each limit, by probing it: a record at the spec's value passes, one past it does not.
import { describe, expect, it } from "vitest";
import type { Validation } from "../src/core/engine/adapter.js";
import { checkFullStoryUser } from "../src/fullstory/validate.js";
import { validatePropellerUser } from "../src/propeller/validate.js";
import { checkSlashIdPerson } from "../src/slashid/validate.js";
import { validateUserpilotUser } from "../src/userpilot/validate.js";
import { loadSpec, type Vendor } from "./support/specs.js";

type Json = Record<string, unknown>;
/** What a validator does with a record: 0 sends it, 1 sends it with a warning, 2 refuses it. */
type Verdict = 0 | 1 | 2;
/** A record at the spec's limit (`past` 0) or one past it (1), judged; `name` is the path's last name. */
type Probe = (schema: Json, past: 0 | 1, name: string) => Verdict;

interface Guard {
  readonly roots: readonly string[];
  /**
   * Path (`*`: any one name) → the keywords the validator reads there (`type` with its value, as validators
   * branch on it; `type:*` for any type list it reads whole). `?` marks one read when present, absent today
   * (a field the spec may add): it is not called stale. The exact path's entry wins over a `*` one.
   */
  readonly reads: Readonly<Record<string, string>>;
  /** `path keyword` → why the validator deliberately leaves it to the vendor (none needs to, today). */
  readonly unchecked?: Readonly<Record<string, string>>;
  /** `path keyword` (`*` as in `reads`) → its probe; every `maxLength` and `enum` of the spec needs one. */
  readonly probes: Readonly<Record<string, Probe>>;
}

/** Keys that only annotate a schema; `x-unconfirmed` marks a SlashID column as optional in the file. */
const ANNOTATIONS = new Set([
  ...["description", "title", "examples", "example", "deprecated", "$comment", "default"],
  ...["externalDocs", "x-unconfirmed"],
]);
const SUBSCHEMA = new Set([
  ...["items", "additionalProperties", "propertyNames", "contains", "contentSchema"],
  ...["if", "then", "else", "unevaluatedProperties", "unevaluatedItems"],
]);
const LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const MAPS = new Set(["properties", "patternProperties", "dependentSchemas"]);
const PROBED = new Set(["maxLength", "enum"]);
/** Another `$ref` is no component: it is counted as a keyword, so it fails as unread. */
const REF = "#/components/schemas/";

/**
 * Every `path keyword` of `roots`, each `$ref`'d component walked once under its own name. Any key not known
 * as an annotation or a subschema counts (a new `x-` limit, `dependentRequired`…); `not` is one constraint.
 */
function constraints(schemas: Json, roots: readonly string[]): Set<string> {
  const found = new Set<string>();
  const queue = [...roots];
  const visit = (node: unknown, path: string): void => {
    if (node === false) found.add(`${path} false`);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(REF)) {
        if (!queue.includes(value.slice(REF.length))) queue.push(value.slice(REF.length));
      } else if (SUBSCHEMA.has(key) && value === false) found.add(`${path} ${key}`);
      else if (SUBSCHEMA.has(key)) visit(value, `${path}.${key}`);
      else if (LISTS.has(key))
        (value as unknown[]).forEach((v, i) => visit(v, `${path}.${key}.${i}`));
      else if (MAPS.has(key))
        for (const [name, v] of Object.entries(value as Json)) visit(v, `${path}.${key}.${name}`);
      else if (!ANNOTATIONS.has(key))
        found.add(`${path} ${key === "type" ? `type:${[value].flat().join("|")}` : key}`);
    }
  };
  for (const name of queue) visit(schemas[name], name); // sees the names pushed as it goes
  return found;
}

/** `path` or `path keyword` matched by a pattern of the same form, `*` standing for any one name. */
const matches = (pattern: string, path: string) => {
  const [p, q] = [pattern.split(/[. ]/), path.split(/[. ]/)];
  return p.length === q.length && p.every((seg, i) => seg === "*" || seg === q[i]);
};
/** The key of `table` for `path`: its own, else the first `*` one that matches. */
const patternFor = (table: Readonly<Record<string, unknown>>, path: string) =>
  path in table ? path : Object.keys(table).find((pattern) => matches(pattern, path));
const keywordsOf = (entry: string | undefined) => new Set((entry ?? "").split(" ").filter(Boolean));

const judged = (v: Validation<unknown>): Verdict => (!v.ok ? 2 : v.warnings?.length ? 1 : 0);
const refused = (problems: readonly unknown[]): Verdict => (problems.length > 0 ? 2 : 0);
const num = (schema: Json, key: string) => schema[key] as number;
const first = (schema: Json) => (schema["enum"] as string[])[0];
const a = (n: number) => "a".repeat(n);
const keys = (n: number, value: unknown = 1) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, value]));

type Check = (record: Json) => Verdict;
/** Probes of the usual kinds: a text one longer or shorter, a value outside the enum, a key not defined. */
function longer(check: Check): Probe {
  return (s, d, n) => check({ [n]: a(num(s, "maxLength") + d) });
}
function shorter(check: Check): Probe {
  return (s, d, n) => check({ [n]: a(num(s, "minLength") - d) });
}
function outside(check: Check): Probe {
  return (s, d, n) => check({ [n]: d ? "zz" : first(s) });
}
function extra(check: Check): Probe {
  return (_, d) => check(d ? { "~unknown": 1 } : {});
}

const batch = (r: Json) => refused(checkFullStoryUser(r, "batch"));
const update = (r: Json) => refused(checkFullStoryUser(r, "update"));
const schemaOf = (path: string, type = "str") =>
  batch({ schema: { properties: { [path]: type } } });
const STRING = "?type:string ?maxLength";

const propeller = (r: Json) => refused(validatePropellerUser({ source: "s", sourceId: "1", ...r }));
const ADDRESS = { type: "delivery", street: "s", city: "c", country: "NL" };
const address = (r: Json) => propeller({ addresses: [{ ...ADDRESS, ...r }] });
const attribute = (r: Json) => propeller({ attributes: [{ name: "n", value: 1, ...r }] });
// checkScalar reads these of every field without its own case; another shape it refuses, never sends.
const SCALAR =
  "?type:string ?type:integer ?type:number ?type:boolean ?type:string|integer ?enum ?pattern";
const SCALAR_FIELD = `${SCALAR} ?minLength ?maxLength`;

const userpilot = (r: Json) => refused(validateUserpilotUser({ user_id: "u", ...r }));
const TEXT = "type:string ?minLength ?maxLength ?pattern";

const slashid = (r: Json) => judged(checkSlashIdPerson({ emails: ["a@b.c"], ...r }));
const bucket = (r: Json) => slashid({ attributes: { end_user_read_write: r } });

const GUARDS: Readonly<Record<Vendor, Guard>> = {
  fullstory: {
    roots: ["BatchUserImportRequest", "UpdateUserRequest"],
    reads: {
      BatchUserImportRequest: "type:object ?required",
      "BatchUserImportRequest.properties.id": "type:string",
      "BatchUserImportRequest.properties.*": STRING, // checkText, or documentedField for a new one
      "BatchUserImportRequest.properties.schema.anyOf.1": "type:null",
      UpdateUserRequest: "type:object additionalProperties ?required",
      "UpdateUserRequest.properties.*": STRING,
      // maxProperties is not read: x-max-leaf-properties counts each top-level key too (its probe holds it).
      UserProperties:
        "type:object maxProperties x-max-leaf-properties x-max-path-length x-max-value-bytes",
      "UserProperties.propertyNames": "pattern maxLength",
      UserSchema: "type:object",
      "UserSchema.properties.properties": "type:object",
      // maxLength is read as UserProperties' x-max-path-length, equal today (its probe holds it).
      "UserSchema.properties.properties.propertyNames": "pattern maxLength",
      SchemaType: "type:string enum",
    },
    probes: {
      "BatchUserImportRequest.properties.* maxLength": longer(batch),
      "UpdateUserRequest.properties.* maxLength": longer(update),
      "UpdateUserRequest additionalProperties": extra(update),
      "UserProperties maxProperties": (s, d) =>
        batch({ properties: keys(num(s, "maxProperties") + d) }),
      "UserProperties x-max-leaf-properties": (s, d) =>
        batch({ properties: { o: keys(num(s, "x-max-leaf-properties") + d) } }),
      "UserProperties x-max-path-length": (s, d) =>
        batch({ properties: { o: { [a(num(s, "x-max-path-length") - 2 + d)]: 1 } } }),
      "UserProperties x-max-value-bytes": (s, d) =>
        batch({ properties: { p: a(num(s, "x-max-value-bytes") + d) } }),
      "UserProperties.propertyNames pattern": (_, d) =>
        batch({ properties: { [d ? "1a" : "a1"]: 1 } }),
      "UserProperties.propertyNames maxLength": (s, d) =>
        batch({ properties: { [a(num(s, "maxLength") + d)]: 1 } }),
      "UserSchema.properties.properties.propertyNames pattern": (_, d) =>
        schemaOf(d ? "a..b" : "a.b"),
      "UserSchema.properties.properties.propertyNames maxLength": (s, d) =>
        schemaOf(a(num(s, "maxLength") + d)),
      "SchemaType enum": (s, d) => schemaOf("p", d ? "text" : first(s)),
    },
  },
  propeller: {
    roots: ["BulkUser"],
    reads: {
      BulkUser: "type:object required additionalProperties",
      "BulkUser.properties.source": "type:string",
      "BulkUser.properties.sourceId": "type:string|integer", // checkId: both, by hand
      "BulkUser.properties.debtorId": "type:string|integer",
      "BulkUser.properties.gender": "type:string enum",
      "BulkUser.properties.primaryLanguage": "type:string ?pattern",
      "BulkUser.properties.language": "type:string ?pattern",
      "BulkUser.properties.attributes": "type:array",
      "BulkUser.properties.addresses": "type:array",
      "BulkUser.properties.*": SCALAR_FIELD,
      // checkParent states both forms by hand.
      "ParentRef.oneOf.*": "type:object required additionalProperties",
      "ParentRef.oneOf.0.properties.id": "type:integer",
      "ParentRef.oneOf.1.properties.source": "type:string",
      "ParentRef.oneOf.1.properties.sourceId": "type:string|integer",
      UserAttributeValue: "type:object required additionalProperties",
      "UserAttributeValue.properties.name": "type:string minLength ?pattern",
      "UserAttributeValue.properties.value": "type:string|number|boolean|array", // isAttributeValue
      "UserAttributeValue.properties.value.items": "type:string|number",
      "UserAttributeValue.properties.class": "type:string enum",
      "UserAttributeValue.properties.*": SCALAR_FIELD,
      Address: "type:object required additionalProperties",
      "Address.properties.type": "type:string enum",
      "Address.properties.country": "type:string pattern",
      "Address.properties.icp": "type:string enum",
      "Address.properties.isDefault": "type:string enum",
      "Address.properties.*": SCALAR_FIELD,
    },
    probes: {
      "BulkUser required": (s, d) =>
        propeller(d ? { [(s["required"] as string[])[0]!]: undefined } : {}),
      "BulkUser additionalProperties": extra(propeller),
      "BulkUser.properties.* maxLength": longer(propeller),
      "Address.properties.* maxLength": longer(address),
      "BulkUser.properties.* enum": outside(propeller),
      "UserAttributeValue.properties.* enum": outside(attribute),
      "UserAttributeValue.properties.name minLength": shorter(attribute),
      "Address.properties.* enum": outside(address),
      "Address.properties.country pattern": (_, d) => address({ country: d ? "NLD" : "NL" }),
    },
  },
  userpilot: {
    roots: ["BulkIdentifyUser"],
    reads: {
      BulkIdentifyUser: "type:object required additionalProperties",
      "BulkIdentifyUser.properties.*": `?${TEXT}`, // documentedField: a string, or refused
      "BulkIdentifyUser.properties.user_id": TEXT,
      "BulkIdentifyUser.properties.company_id": TEXT,
      Metadata: "type:object",
      "Metadata.additionalProperties": "type:*", // METADATA_TYPES: the list as the spec gives it
    },
    probes: {
      "BulkIdentifyUser required": (_, d) => userpilot(d ? { user_id: undefined } : {}),
      "BulkIdentifyUser additionalProperties": extra(userpilot),
      "BulkIdentifyUser.properties.* maxLength": longer(userpilot),
      "BulkIdentifyUser.properties.user_id minLength": shorter(userpilot),
      "Metadata.additionalProperties type:string|number|boolean|null": (_, d) =>
        userpilot({ metadata: { k: d ? ["v"] : "v" } }),
    },
  },
  slashid: {
    roots: ["PersonCsvRow"],
    reads: {
      PersonCsvRow: "type:object additionalProperties not", // not: handle_required, by hand
      // A cell is built from its field: an empty list or object is left out, an empty value refused.
      "PersonCsvRow.properties.*": "type:string minLength",
      "PersonCsvRow.properties.slashid:region": "type:string minLength x-known-values", // warned
      "PersonCsvRow.properties.slashid:attributes": "type:string minLength contentMediaType",
      AttributeBuckets: "type:object x-known-values", // warned
      "AttributeBuckets.propertyNames": "minLength",
      "AttributeBuckets.additionalProperties": "type:object x-max-key-bytes x-max-value-bytes",
      // maxLength (characters) is read as x-max-key-bytes, equal today (its probe holds it).
      "AttributeBuckets.additionalProperties.propertyNames": "maxLength minLength",
    },
    probes: {
      "PersonCsvRow not": (_, d) => slashid(d ? { emails: undefined, groups: ["g"] } : {}),
      "PersonCsvRow additionalProperties": extra(slashid),
      "PersonCsvRow.properties.slashid:password minLength": (s, d) =>
        slashid({ password: a(num(s, "minLength") - d) }),
      "PersonCsvRow.properties.slashid:region x-known-values": (s, d) =>
        slashid({ region: d ? "mars" : (s["x-known-values"] as string[])[0] }),
      "AttributeBuckets x-known-values": (_, d) =>
        slashid({ attributes: { [d ? "mars" : "end_user_read_write"]: {} } }),
      "AttributeBuckets.additionalProperties x-max-key-bytes": (s, d) =>
        bucket({ [a(num(s, "x-max-key-bytes") + d)]: 1 }),
      "AttributeBuckets.additionalProperties x-max-value-bytes": (s, d) =>
        bucket({ k: a(num(s, "x-max-value-bytes") - 2 + d) }),
      "AttributeBuckets.additionalProperties.propertyNames maxLength": (s, d) =>
        bucket({ [a(num(s, "maxLength") + d)]: 1 }),
      "AttributeBuckets.additionalProperties.propertyNames minLength": (s, d) =>
        bucket({ [a(num(s, "minLength") - d)]: 1 }),
    },
  },
};

describe.each(Object.keys(GUARDS) as Vendor[])("%s record schemas", (vendor) => {
  const { roots, reads, unchecked = {}, probes } = GUARDS[vendor];
  const schemas = (loadSpec(vendor).doc["components"] as Json)["schemas"] as Json;
  const found = constraints(schemas, roots);
  const pairs = [...found].map((pair) => pair.split(" ") as [string, string]);
  const [where, source] = [`specs/${vendor}.yaml`, `src/${vendor}/validate.ts`];
  const isRead = (path: string, keyword: string) => {
    const read = keywordsOf(reads[patternFor(reads, path) ?? ""]);
    const anyType = keyword.startsWith("type:") && read.has("type:*");
    return read.has(keyword) || read.has(`?${keyword}`) || anyType;
  };

  it("have each keyword read by the validator, or say why not", () => {
    const unread = pairs.filter(([path, k]) => !isRead(path, k) && !(`${path} ${k}` in unchecked));
    expect(
      unread.map(
        ([path, k]) =>
          `${where} ${path}: "${k}" is in the spec, and ${source} does not check it: ` +
          "teach the validator (and add the pair here)",
      ),
    ).toEqual([]);
  });

  it("still state every keyword listed here", () => {
    const stale = Object.entries(reads).flatMap(([pattern, entry]) => {
      if (!pairs.some(([path]) => matches(pattern, path)))
        return [`${pattern}: no such schema path`];
      const owns = (k: string) =>
        pairs.some(([path, keyword]) => keyword === k && patternFor(reads, path) === pattern);
      return [...keywordsOf(entry)]
        .filter((k) => !k.startsWith("?") && k !== "type:*" && !owns(k))
        .map((k) => `${pattern}: "${k}"`);
    });
    // A `*` probe is for a field the spec may add: it is stale only once its path is gone.
    const gone = (key: string) =>
      key.includes("*")
        ? !pairs.some(([path]) => matches(key.split(" ")[0]!, path))
        : !found.has(key);
    stale.push(...[...Object.keys(unchecked), ...Object.keys(probes)].filter(gone));
    expect(
      stale.map((line) => `${where} ${line} is listed here but gone from the spec: drop it`),
    ).toEqual([]);
  });

  it("pass a record at each probed limit, and not one past it", () => {
    const missing = pairs.filter(
      ([path, k]) => PROBED.has(k) && patternFor(probes, `${path} ${k}`) === undefined,
    );
    expect(missing.map(([path, k]) => `${where} ${path} ${k}: no probe`)).toEqual([]);
    const wrong = pairs.flatMap(([path, k]) => {
      const probe = probes[patternFor(probes, `${path} ${k}`) ?? ""];
      if (probe === undefined) return [];
      const names = path.split(".");
      const node = names.reduce<unknown>((n, key) => (n as Json)[key], schemas) as Json;
      const [atLimit, pastIt] = [probe(node, 0, names.at(-1)!), probe(node, 1, names.at(-1)!)];
      // Past a limit a record is refused; past a documented list not known to be closed, it is warned about.
      const expected = k === "x-known-values" ? 1 : 2;
      return atLimit === 0 && pastIt === expected
        ? []
        : [`${where} ${path} ${k}: ${atLimit}, then ${pastIt} (${expected} expected)`];
    });
    expect(wrong, "verdicts at the limit, then past it: 0 sent, 1 warned, 2 refused").toEqual([]);
  });
});
