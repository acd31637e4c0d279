import type { components } from "../../generated/propeller.js";
import { rules } from "../../generated/propeller.rules.js";
import type { Rejection } from "../core/engine/adapter.js";
import { FORBIDDEN_KEY_MESSAGE, isForbiddenKey } from "../core/unsafe-input.js";
import { BLANK_MESSAGE, isBlank } from "../core/validate/blank.js";
import { kindOf } from "../core/validate/describe.js";
import { RuleProblems } from "../core/validate/rule-problems.js";
import {
  MALFORMED_TEXT_MESSAGE,
  RECORD_TO_JSON_MESSAGE,
  UNSAFE_INTEGER_MESSAGE,
  VALUE_TO_JSON_MESSAGE,
  isObjectOfKeys,
  isWellFormedText,
  sendsOtherThanItself,
} from "../core/validate/sent-as-validated.js";

/**
 * One user for `POST /v2/users/bulk/sourceId`, matched on `source` + `sourceId` (specs/propeller.yaml
 * `BulkUser`).
 */
export type PropellerUser = components["schemas"]["BulkUser"];

/**
 * The rule ids {@link validatePropellerUser} reports: the spec's rules (bounds of ours among them, marked
 * UNCONFIRMED there) and guards of ours.
 */
export const PROPELLER_RULES = {
  /**
   * `source` and `sourceId` are present and not blank: not empty nor blanks only, a blank being what
   * `String.prototype.trim` removes (a space, tab, CR, LF, a no-break space, an ideographic space, a line
   * separator, a byte order mark), as SlashID's validation counts them. A zero-width space (U+200B), U+180E
   * or U+0085 is no blank to either.
   */
  required: "propeller.required",
  /**
   * The schema is closed: Propeller refuses keys it does not define (in the user, its addresses, attributes
   * and parent).
   */
  unknownField: "propeller.unknown_field",
  /**
   * Each field has its JSON type in the spec (strings; `sourceId`/`debtorId` string or integer; arrays). An
   * integer id (`sourceId`, `debtorId`; a `parent`'s is `propeller.parent`) must be safe (at most 2^53 − 1 in
   * size): a larger one is not exact, may already have been rounded when read, and would reach Propeller as
   * another id. (A number in an attribute value is sent as JSON.stringify writes it: rounding there cannot be
   * told from an exact value.)
   */
  fieldType: "propeller.field_type",
  /** `gender` is one of the spec's values. */
  enum: "propeller.enum",
  /** `primaryLanguage` / `language` match the spec's pattern, where it states one. */
  language: "propeller.language",
  /**
   * `parent` is exactly `{ id: integer }` or `{ source: string, sourceId: string | integer }`, its `source`
   * and a string `sourceId` not blank (empty or blanks only, as `required` counts blanks for a user's own),
   * an integer `id` or `sourceId` safe (as `field_type` says of a user's).
   */
  parent: "propeller.parent",
  /** `attributes[]` items are `{ name, value, type?, class? }` as the spec's `UserAttributeValue` says. */
  attribute: "propeller.attribute",
  /** `addresses[]` items have type, street, city and country, with the spec's values and patterns. */
  address: "propeller.address",
  /**
   * No key named `__proto__`, `constructor` or `prototype` (it could reach a prototype). Nesting needs no
   * bound here: the schema is closed and no field is walked deeper than its documented shape.
   */
  forbiddenKey: "propeller.forbidden_key",
  /**
   * The user, or an object or array in it, has a `toJSON` method (own or inherited): JSON.stringify would
   * send what it returns instead of what was validated.
   */
  toJson: "propeller.to_json",
  /** A string holds a lone UTF-16 surrogate: Propeller may store U+FFFD in its place, or refuse it. */
  malformedText: "propeller.malformed_text",
} as const;

/** A rule id {@link validatePropellerUser} reports. */
export type PropellerRule = (typeof PROPELLER_RULES)[keyof typeof PROPELLER_RULES];

const R = PROPELLER_RULES;
const USER = rules.BulkUser.properties;
const ADDRESS = rules.Address.properties;
const ATTRIBUTE = rules.UserAttributeValue.properties;
const GENDERS: readonly string[] = USER.gender.enum;
const ADDRESS_TYPES: readonly string[] = ADDRESS.type.enum;
const YES_NO: readonly string[] = ADDRESS.icp.enum;
const DEFAULT_YES_NO: readonly string[] = ADDRESS.isDefault.enum;
const CLASSES: readonly string[] = ATTRIBUTE.class.enum;
const LANGUAGE = patternOf(USER.primaryLanguage);
const MATCH_LANGUAGE = patternOf(USER.language);
const COUNTRY = patternOf(ADDRESS.country);
const ATTRIBUTE_NAME = patternOf(ATTRIBUTE.name);
const ATTRIBUTE_NAME_MIN = "minLength" in ATTRIBUTE.name ? ATTRIBUTE.name.minLength : 0;
/** The user's required keys, as the spec's `BulkUser` lists them (an item's are checked by checkClosed). */
const USER_REQUIRED: readonly string[] = rules.BulkUser.required;

type Problems = RuleProblems<PropellerRule>;

/**
 * Every rule of specs/propeller.yaml `record` breaks (empty when it may be sent), following its `BulkUser`,
 * `ParentRef`, `UserAttributeValue` and `Address` exactly, plus one bound of ours (UNCONFIRMED as
 * Propeller's) the schema cannot express: `source` and `sourceId` must not be blank (they are the match key;
 * `propeller.required` in {@link PROPELLER_RULES} says what is blank), nor a `parent`'s (`propeller.parent`).
 * Follows the validation policy of `RuleProblems` (core/validate). Hand-written for the hot path: one pass
 * over the keys.
 */
export function validatePropellerUser(record: unknown): readonly Rejection[] {
  const p: Problems = new RuleProblems();
  if (!isObjectOfKeys(record)) {
    p.add(
      R.fieldType,
      "record",
      `must be an object with source and sourceId, got ${kindOf(record)}`,
    );
    return p.list();
  }
  if (sendsOtherThanItself(record)) p.add(R.toJson, "record", RECORD_TO_JSON_MESSAGE);
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    if (value === undefined) continue;
    if (!Object.hasOwn(USER, key)) {
      notInSchema(p, key);
      continue;
    }
    switch (key) {
      case "source":
        if (typeof value !== "string") p.add(R.fieldType, key, "must be a string");
        else if (isBlank(value)) p.add(R.required, key, `required, ${BLANK_MESSAGE}`);
        else if (!isWellFormedText(value)) p.add(R.malformedText, key, MALFORMED_TEXT_MESSAGE);
        break;
      case "sourceId":
        if (typeof value === "string" && isBlank(value))
          p.add(R.required, key, `required, ${BLANK_MESSAGE}`);
        else checkId(p, R.fieldType, key, value);
        break;
      case "debtorId":
        checkId(p, R.fieldType, key, value);
        break;
      case "gender":
        if (typeof value !== "string") p.add(R.fieldType, key, "must be a string");
        else if (!GENDERS.includes(value))
          p.add(R.enum, key, `must be one of ${GENDERS.join(", ")}`);
        break;
      case "primaryLanguage":
      case "language": {
        const pattern = key === "language" ? MATCH_LANGUAGE : LANGUAGE;
        if (typeof value !== "string") p.add(R.fieldType, key, "must be a string");
        else if (pattern !== undefined && !pattern.test(value))
          p.add(R.language, key, `must match ${pattern.source}`);
        break;
      }
      case "parent":
        checkParent(p, value);
        break;
      case "attributes":
      case "addresses": {
        const checkItem = key === "attributes" ? checkAttribute : checkAddress;
        if (!Array.isArray(value)) p.add(R.fieldType, key, "must be an array");
        else if (sendsOtherThanItself(value)) p.add(R.toJson, key, VALUE_TO_JSON_MESSAGE);
        else for (let i = 0; i < value.length; i++) checkItem(p, value[i], i);
        break;
      }
      default:
        // Every other field of the spec's BulkUser: checked by the constraints the spec states on it.
        checkScalar(p, R.fieldType, key, value, USER[key as keyof typeof USER]);
    }
  }
  for (const name of USER_REQUIRED) {
    if (!Object.hasOwn(record, name) || record[name] === undefined)
      p.add(R.required, name, "required");
  }
  return p.list();
}

function checkParent(p: Problems, value: unknown): void {
  if (!isObjectOfKeys(value)) {
    p.add(
      R.parent,
      "parent",
      `must be an object, { id } or { source, sourceId }, got ${kindOf(value)}`,
    );
    return;
  }
  if (sendsOtherThanItself(value)) {
    p.add(R.toJson, "parent", VALUE_TO_JSON_MESSAGE);
    return;
  }
  let hasId = false;
  let hasSource = false;
  let hasSourceId = false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = value[key];
    if (v === undefined) continue;
    switch (key) {
      case "id":
        hasId = true;
        if (!Number.isInteger(v))
          p.add(R.parent, "parent.id", `must be an integer, got ${kindOf(v)}`);
        else if (!Number.isSafeInteger(v)) p.add(R.parent, "parent.id", UNSAFE_INTEGER_MESSAGE);
        break;
      // The parent's match key: blank, it would name a parent no one can see, as a user's would.
      case "source":
        hasSource = true;
        if (typeof v === "string" && isBlank(v)) p.add(R.parent, "parent.source", BLANK_MESSAGE);
        else checkString(p, R.parent, "parent.source", v);
        break;
      case "sourceId":
        hasSourceId = true;
        if (typeof v === "string" && isBlank(v)) p.add(R.parent, "parent.sourceId", BLANK_MESSAGE);
        else checkId(p, R.parent, "parent.sourceId", v);
        break;
      default:
        notInSchema(p, `parent.${key}`, key);
    }
  }
  if (hasId && (hasSource || hasSourceId)) {
    p.add(R.parent, "parent", "either { id } or { source, sourceId }, not both");
  } else if (!hasId && !(hasSource && hasSourceId)) {
    p.add(
      R.parent,
      "parent",
      hasSource || hasSourceId
        ? `${hasSource ? "sourceId" : "source"} is required with ${hasSource ? "source" : "sourceId"}`
        : "needs id, or source and sourceId",
    );
  }
}

function checkAttribute(p: Problems, value: unknown, i: number): void {
  const at = `attributes[${i}]`;
  const shape = "an object { name, value, type?, class? }";
  checkClosed(p, R.attribute, at, value, shape, rules.UserAttributeValue, (key, v) => {
    switch (key) {
      case "name":
        if (typeof v !== "string") p.add(R.attribute, `${at}.name`, "must be a string");
        else if (v.length < ATTRIBUTE_NAME_MIN)
          p.add(R.attribute, `${at}.name`, "must not be empty");
        else if (ATTRIBUTE_NAME !== undefined && !ATTRIBUTE_NAME.test(v))
          p.add(R.attribute, `${at}.name`, `must match ${ATTRIBUTE_NAME.source}`);
        else if (!isWellFormedText(v)) p.add(R.malformedText, `${at}.name`, MALFORMED_TEXT_MESSAGE);
        break;
      case "value":
        if (typeof v === "object" && v !== null && sendsOtherThanItself(v))
          p.add(R.toJson, `${at}.value`, VALUE_TO_JSON_MESSAGE);
        else if (hasMalformedText(v)) p.add(R.malformedText, `${at}.value`, MALFORMED_TEXT_MESSAGE);
        else if (!isAttributeValue(v))
          p.add(
            R.attribute,
            `${at}.value`,
            `must be a string, a number, a boolean or an array of strings and numbers, got ${kindOf(v)}`,
          );
        break;
      case "class":
        if (typeof v !== "string" || !CLASSES.includes(v))
          p.add(R.attribute, `${at}.class`, `must be one of ${CLASSES.join(", ")}`);
        break;
      default:
        checkScalar(p, R.attribute, `${at}.${key}`, v, ATTRIBUTE[key as keyof typeof ATTRIBUTE]);
    }
  });
}

function checkAddress(p: Problems, value: unknown, i: number): void {
  const at = `addresses[${i}]`;
  const shape = "an object with type, street, city and country";
  checkClosed(p, R.address, at, value, shape, rules.Address, (key, v) => {
    switch (key) {
      case "type":
        if (typeof v !== "string" || !ADDRESS_TYPES.includes(v))
          p.add(R.address, `${at}.type`, `must be one of ${ADDRESS_TYPES.join(", ")}`);
        break;
      case "country":
        if (typeof v !== "string" || (COUNTRY !== undefined && !COUNTRY.test(v)))
          p.add(
            R.address,
            `${at}.country`,
            `must be an ISO 3166-1 alpha-2 code${COUNTRY === undefined ? "" : `, ${COUNTRY.source}`}`,
          );
        break;
      case "icp":
      case "isDefault": {
        const values = key === "icp" ? YES_NO : DEFAULT_YES_NO;
        if (typeof v !== "string" || !values.includes(v))
          p.add(R.address, `${at}.${key}`, `must be one of ${values.join(", ")}`);
        break;
      }
      default:
        checkScalar(p, R.address, `${at}.${key}`, v, ADDRESS[key as keyof typeof ADDRESS]);
    }
  });
}

/**
 * An item of a closed object schema of the spec at `at`: each key it defines (and the item sets) goes to
 * `checkKey`, any other key is not in the schema, and the keys it requires must be set.
 */
function checkClosed(
  p: Problems,
  rule: PropellerRule,
  at: string,
  value: unknown,
  shape: string,
  schema: { readonly properties: object; readonly required: readonly string[] },
  checkKey: (key: string, value: unknown) => void,
): void {
  if (!isObjectOfKeys(value)) {
    p.add(rule, at, `must be ${shape}, got ${kindOf(value)}`);
    return;
  }
  if (sendsOtherThanItself(value)) {
    p.add(R.toJson, at, VALUE_TO_JSON_MESSAGE);
    return;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key) || value[key] === undefined) continue;
    if (Object.hasOwn(schema.properties, key)) checkKey(key, value[key]);
    else notInSchema(p, `${at}.${key}`, key);
  }
  for (const name of schema.required) {
    if (!Object.hasOwn(value, name) || value[name] === undefined)
      p.add(rule, `${at}.${name}`, "required");
  }
}

/** A key the schema does not define: unknown, or forbidden when it could reach a prototype. */
function notInSchema(p: Problems, path: string, key = path): void {
  if (isForbiddenKey(key)) p.add(R.forbiddenKey, path, FORBIDDEN_KEY_MESSAGE);
  else
    p.add(
      R.unknownField,
      path,
      "unknown field (Propeller's schema is closed and refuses keys it does not define)",
    );
}

/** A string field: a string of well-formed text. */
function checkString(p: Problems, rule: PropellerRule, field: string, value: unknown): void {
  if (typeof value !== "string") p.add(rule, field, "must be a string");
  else if (!isWellFormedText(value)) p.add(R.malformedText, field, MALFORMED_TEXT_MESSAGE);
}

/** A field's constraints as the spec states them, read once per field. */
interface ScalarRule {
  /** Its JSON types, or undefined when it is not a plain scalar (an object, an array). */
  readonly types: readonly string[] | undefined;
  readonly values: readonly unknown[] | undefined;
  readonly pattern: RegExp | undefined;
  readonly minLength: number | undefined;
  readonly maxLength: number | undefined;
}

const SCALAR_TYPES: ReadonlySet<string> = new Set(["string", "integer", "number", "boolean"]);
const SCALAR_RULES = new WeakMap<object, ScalarRule>();

function scalarRule(schema: object): ScalarRule {
  let compiled = SCALAR_RULES.get(schema);
  if (compiled !== undefined) return compiled;
  const at = (key: string): unknown =>
    key in schema ? (schema as Record<string, unknown>)[key] : undefined;
  const type = at("type");
  const types = (Array.isArray(type) ? type : [type]).filter(
    (t): t is string => typeof t === "string",
  );
  const values = at("enum");
  const pattern = at("pattern");
  const min = at("minLength");
  const max = at("maxLength");
  compiled = {
    types: types.length > 0 && types.every((t) => SCALAR_TYPES.has(t)) ? types : undefined,
    values: Array.isArray(values) ? values : undefined,
    pattern: typeof pattern === "string" ? new RegExp(pattern, "u") : undefined,
    minLength: typeof min === "number" ? min : undefined,
    maxLength: typeof max === "number" ? max : undefined,
  };
  SCALAR_RULES.set(schema, compiled);
  return compiled;
}

/**
 * A field the spec defines with a plain JSON type (a string, a number, …): its type, and the `enum`,
 * `pattern`, `minLength` and `maxLength` the spec states on it. A field of another shape (an object or an
 * array this version does not know) is refused rather than sent unchecked.
 */
function checkScalar(
  p: Problems,
  rule: PropellerRule,
  field: string,
  value: unknown,
  schema: object,
): void {
  const { types, values, pattern, minLength, maxLength } = scalarRule(schema);
  if (types === undefined) {
    p.add(rule, field, "a field of a shape this version cannot check (update bulk-user-import)");
    return;
  }
  if (!types.some((t) => isOfType(value, t))) {
    p.add(
      rule,
      field,
      `must be ${types.map((t) => (t === "integer" ? "an integer" : `a ${t}`)).join(" or ")}`,
    );
    return;
  }
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    p.add(rule, field, UNSAFE_INTEGER_MESSAGE);
    return;
  }
  if (typeof value !== "string") return;
  if (!isWellFormedText(value)) {
    p.add(R.malformedText, field, MALFORMED_TEXT_MESSAGE);
  } else if (values !== undefined && !values.includes(value)) {
    p.add(rule === R.fieldType ? R.enum : rule, field, `must be one of ${values.join(", ")}`);
  } else if (pattern !== undefined && !pattern.test(value)) {
    p.add(rule, field, `must match ${pattern.source}`);
  } else if (minLength !== undefined || maxLength !== undefined) {
    // Characters (code points), as JSON Schema counts them.
    const length = [...value].length;
    if (minLength !== undefined && length < minLength)
      p.add(rule, field, `must be at least ${minLength} characters`);
    else if (maxLength !== undefined && length > maxLength)
      p.add(rule, field, `must be at most ${maxLength} characters`);
  }
}

function isOfType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === "boolean";
  }
}

/** An id that is a string or an integer: well-formed text, or an integer exact in JavaScript. */
function checkId(p: Problems, rule: PropellerRule, field: string, value: unknown): void {
  if (typeof value === "string") {
    if (!isWellFormedText(value)) p.add(R.malformedText, field, MALFORMED_TEXT_MESSAGE);
  } else if (!Number.isInteger(value)) {
    p.add(rule, field, `must be a string or an integer, got ${kindOf(value)}`);
  } else if (!Number.isSafeInteger(value)) {
    p.add(rule, field, UNSAFE_INTEGER_MESSAGE);
  }
}

/** A string, or a string in an array, with a lone surrogate. */
function hasMalformedText(value: unknown): boolean {
  if (typeof value === "string") return !isWellFormedText(value);
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item === "string" && !isWellFormedText(item)) return true;
  return false;
}

/** The field's `pattern` in the spec, or undefined when the spec states none. */
function patternOf(field: object): RegExp | undefined {
  return "pattern" in field && typeof field.pattern === "string"
    ? new RegExp(field.pattern, "u")
    : undefined;
}

/** string | number | boolean | (string | number)[]; numbers finite (JSON has no NaN or Infinity). */
function isAttributeValue(value: unknown): boolean {
  if (typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (!Array.isArray(value)) return false;
  for (const item of value) {
    if (typeof item === "string") continue;
    if (typeof item !== "number" || !Number.isFinite(item)) return false;
  }
  return true;
}
