import type { components } from "../../generated/userpilot.js";
import { rules } from "../../generated/userpilot.rules.js";
import type { Rejection } from "../core/engine/adapter.js";
import { FORBIDDEN_KEY_MESSAGE, isForbiddenKey } from "../core/unsafe-input.js";
import { BLANK_MESSAGE, isBlank } from "../core/validate/blank.js";
import { kindOf } from "../core/validate/describe.js";
import { RuleProblems } from "../core/validate/rule-problems.js";
import {
  MALFORMED_TEXT_MESSAGE,
  RECORD_TO_JSON_MESSAGE,
  VALUE_TO_JSON_MESSAGE,
  isObjectOfKeys,
  isWellFormedText,
  sendsOtherThanItself,
  wellFormed,
} from "../core/validate/sent-as-validated.js";

/** One user of a bulk identify request: `user_id`, and optionally `company_id` and `metadata`. */
export type UserpilotUser = components["schemas"]["BulkIdentifyUser"];
/** A user's properties: primitive values only (string, number, boolean, null; dates as ISO-8601 strings). */
export type UserpilotMetadata = components["schemas"]["Metadata"];

/** The rule ids a Userpilot import rejects a user by, each prefixed `userpilot.`. */
export const USERPILOT_RULES = {
  /**
   * `user_id` is required: a non-empty string, within the spec's limits, and not blanks only (our bound, as
   * Propeller's `required`: a blank is what `String.prototype.trim` removes; blanks around a value are sent).
   */
  userId: "userpilot.user_id",
  /**
   * `company_id`, when present, is a string within the spec's limits, neither empty nor blanks only (our
   * bound, as for `user_id`: it names the company by its key); present, should the spec come to require it.
   */
  companyId: "userpilot.company_id",
  /** `metadata` is a plain object whose values are strings, finite numbers, booleans or null. */
  metadataValue: "userpilot.metadata_value",
  /** A user has only `user_id`, `company_id` and `metadata` (the request schema is closed). */
  unknownField: "userpilot.unknown_field",
  /**
   * A field the spec documents beyond `user_id`, `company_id` and `metadata` breaks the type or length the
   * spec states on it, has a shape this version cannot check, or is missing where the spec requires it:
   * none does today; one the spec adds is sent, not refused as unknown.
   */
  fieldType: "userpilot.field_type",
  /**
   * No key named `__proto__`, `constructor` or `prototype`, as a field or in `metadata` (it could reach a
   * prototype). Nesting needs no bound: metadata values must be primitives, so nothing is walked deeper.
   */
  forbiddenKey: "userpilot.forbidden_key",
  /**
   * The user, or its `metadata`, has a `toJSON` method (own or inherited): JSON.stringify would send what it
   * returns instead of what was validated.
   */
  toJson: "userpilot.to_json",
  /**
   * A string (`user_id`, `company_id`, a metadata key or value) holds a lone UTF-16 surrogate: Userpilot
   * might store U+FFFD in its place, or refuse it (no source says). (A metadata number is sent as
   * JSON.stringify writes it: an integer beyond 2^53 was rounded when read, and cannot be told from an exact
   * one.)
   */
  malformedText: "userpilot.malformed_text",
  /**
   * The request body with this user alone would exceed the adapter's `maxBodyBytes` (Userpilot's 50 MB by
   * default). Checked by the import engine on the user's JSON, not by {@link validateUserpilotUser}.
   */
  payloadSize: "userpilot.payload_size",
} as const;

/** A Userpilot rule id: those {@link validateUserpilotUser} reports, and the engine's `payload_size`. */
export type UserpilotRule = (typeof USERPILOT_RULES)[keyof typeof USERPILOT_RULES];

const R = USERPILOT_RULES;

/** A string field's constraints, as specs/userpilot.yaml states them (absent where it states none). */
interface TextRule {
  readonly minLength: number;
  readonly maxLength: number | undefined;
  readonly pattern: RegExp | undefined;
}

function textRule(schema: object): TextRule {
  const at = (key: string): unknown =>
    key in schema ? (schema as Record<string, unknown>)[key] : undefined;
  const min = at("minLength");
  const max = at("maxLength");
  const pattern = at("pattern");
  return {
    minLength: typeof min === "number" ? min : 0,
    maxLength: typeof max === "number" ? max : undefined,
    pattern: typeof pattern === "string" ? new RegExp(pattern, "u") : undefined,
  };
}

const USER = rules.BulkIdentifyUser;
const USER_ID = textRule(USER.properties.user_id);
const COMPANY_ID = textRule(USER.properties.company_id);
/** The fields a user may have (the request schema is closed). */
const FIELDS: readonly string[] = Object.keys(USER.properties);
/** The fields the spec requires: without one, Userpilot may refuse the user's whole request (UNCONFIRMED). */
const REQUIRED: readonly string[] = USER.required;
/** Each field's schema, for a field the spec adds that this validator has no check of its own for. */
const FIELD_SCHEMAS: Readonly<Record<string, object>> = USER.properties;
const FIELD_LIST = `${FIELDS.slice(0, -1).join(", ")} and ${FIELDS.at(-1) ?? ""}`;
/** The JSON types a metadata value may have. */
const METADATA_TYPES: ReadonlySet<string> = new Set<string>(
  [rules.Metadata.additionalProperties.type].flat(),
);
/** The metadata value types in words: "a string, finite number, boolean or null". */
const METADATA_TYPE_LIST = ((words: string[]) =>
  `a ${words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`}`)(
  [...METADATA_TYPES].map((type) => (type === "number" ? "finite number" : type)),
);

/**
 * Every documented rule a user record breaks, or an empty array when Userpilot will accept it, under the
 * validation policy of `RuleProblems` (core/validate). Checks `user_id` (required, a string within the
 * spec's length and pattern, not blanks only), `company_id` (a string within the spec's limits, neither empty
 * nor blanks only, if present), `metadata` (a plain object of the value types the spec allows: string, finite
 * number, boolean or null; a `Date` is refused with a hint to send an ISO-8601 string) and that no other
 * top-level field is present. Every limit and list comes from specs/userpilot.yaml through
 * generated/userpilot.rules.ts. Takes `unknown`, so data read from files or other systems is checked as it
 * is, without trusting its type.
 */
export function validateUserpilotUser(record: unknown): readonly Rejection[] {
  const problems = new RuleProblems<UserpilotRule>();
  // A Date or a boxed value holding a user_id would be sent as its text or bare, not as the fields checked.
  if (!isObjectOfKeys(record)) {
    problems.add(R.userId, "record", `must be an object with user_id, got ${kindOf(record)}`);
    return problems.list();
  }
  const fields = record;
  if (sendsOtherThanItself(fields)) problems.add(R.toJson, "record", RECORD_TO_JSON_MESSAGE);

  const userId = own(fields, "user_id");
  if (userId === undefined) {
    problems.add(R.userId, "user_id", `required (${describeText(USER_ID)})`);
  } else {
    checkText(problems, R.userId, "user_id", userId, USER_ID, true);
  }

  const companyId = own(fields, "company_id");
  if (companyId !== undefined)
    checkText(problems, R.companyId, "company_id", companyId, COMPANY_ID, true);

  const metadata = own(fields, "metadata");
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) {
      problems.add(
        R.metadataValue,
        "metadata",
        `must be an object of property values, got ${kindOf(metadata)}`,
      );
    } else if (sendsOtherThanItself(metadata)) {
      problems.add(R.toJson, "metadata", VALUE_TO_JSON_MESSAGE);
    } else {
      checkMetadata(problems, metadata);
    }
  }

  for (const key in fields) {
    if (key === "user_id" || key === "company_id" || key === "metadata") continue;
    const value = own(fields, key);
    if (value === undefined) continue;
    if (isForbiddenKey(key)) {
      problems.add(R.forbiddenKey, key, FORBIDDEN_KEY_MESSAGE);
      continue;
    }
    const schema = Object.hasOwn(FIELD_SCHEMAS, key) ? FIELD_SCHEMAS[key] : undefined;
    if (schema !== undefined) {
      documentedField(problems, key, value, schema);
      continue;
    }
    problems.add(
      R.unknownField,
      key,
      `unknown field; a user has only ${FIELD_LIST} (put properties in metadata)`,
    );
  }
  // user_id's own check above says when it is missing.
  for (const name of REQUIRED) {
    if (name === "user_id" || own(fields, name) !== undefined) continue;
    if (name === "company_id")
      problems.add(R.companyId, name, `required (${describeText(COMPANY_ID)})`);
    else problems.add(R.fieldType, name, "required");
  }

  return problems.list();
}

/**
 * A field the spec documents that has no check of its own here: a string held to the spec's length and
 * pattern; a field of another shape is refused rather than sent unchecked.
 */
function documentedField(
  problems: RuleProblems<UserpilotRule>,
  field: string,
  value: unknown,
  schema: object,
): void {
  if ("type" in schema && schema.type === "string") {
    checkText(problems, R.fieldType, field, value, textRule(schema));
    return;
  }
  problems.add(
    R.fieldType,
    field,
    "a field of a shape this version cannot check (update bulk-user-import)",
  );
}

/** What a text field asks, in words: "a non-empty string of at most 64 characters". */
function describeText(rule: TextRule): string {
  const base = rule.minLength > 0 ? "a non-empty string" : "a string";
  const limits = [
    rule.minLength > 1 ? `at least ${rule.minLength}` : undefined,
    rule.maxLength === undefined ? undefined : `at most ${rule.maxLength}`,
  ].filter((part) => part !== undefined);
  const length = limits.length === 0 ? "" : ` of ${limits.join(" and ")} characters`;
  return `${base}${length}${rule.pattern === undefined ? "" : ` matching ${rule.pattern.source}`}`;
}

/**
 * A text field held to its rule; `isKey` for `user_id` and `company_id`, which name a user or company by
 * their value: one of blanks only (an exporter's blank cell) would be a key no one can see.
 */
function checkText(
  problems: RuleProblems<UserpilotRule>,
  rule: UserpilotRule,
  field: string,
  value: unknown,
  text: TextRule,
  isKey = false,
): void {
  if (typeof value !== "string") {
    const required = field === "user_id";
    problems.add(
      rule,
      field,
      `must be ${describeText(text)}${required ? "" : " when present"}, got ${kindOf(value)}${required ? "" : " (omit the field instead)"}`,
    );
    return;
  }
  if (!isWellFormedText(value)) {
    problems.add(R.malformedText, field, MALFORMED_TEXT_MESSAGE);
    return;
  }
  // Characters (code points), as JSON Schema's minLength and maxLength count them.
  const length = value.length === 0 ? 0 : [...value].length;
  if (
    length < text.minLength ||
    (text.maxLength !== undefined && length > text.maxLength) ||
    (text.pattern !== undefined && !text.pattern.test(value))
  ) {
    problems.add(
      rule,
      field,
      `must be ${describeText(text)}, got ${length === 0 ? "an empty string" : `${length} characters`}`,
    );
  } else if (isKey && isBlank(value)) {
    problems.add(rule, field, BLANK_MESSAGE);
  }
}

function checkMetadata(
  problems: RuleProblems<UserpilotRule>,
  metadata: Record<string, unknown>,
): void {
  for (const key in metadata) {
    const value = own(metadata, key);
    if (value === undefined) continue;
    if (isForbiddenKey(key)) {
      problems.add(R.forbiddenKey, `metadata.${key}`, FORBIDDEN_KEY_MESSAGE);
      continue;
    }
    if (!isWellFormedText(key) || (typeof value === "string" && !isWellFormedText(value))) {
      problems.add(R.malformedText, `metadata.${wellFormed(key)}`, MALFORMED_TEXT_MESSAGE);
      continue;
    }
    if (METADATA_TYPES.has(jsonType(value))) continue;
    problems.add(
      R.metadataValue,
      `metadata.${key}`,
      value instanceof Date
        ? "values must be primitives, got a Date; send dates as ISO-8601 strings (date.toISOString())"
        : `values must be ${METADATA_TYPE_LIST}, got ${kindOf(value)}`,
    );
  }
}

/**
 * The JSON Schema type of a value as JSON.stringify would send it ("integer" counts as "number" below), or
 * "" for one that is not a JSON value as it is (a non-finite number is sent as null).
 */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      if (!Number.isFinite(value)) return "";
      return Number.isInteger(value) && !METADATA_TYPES.has("number") ? "integer" : "number";
    default:
      return Array.isArray(value) ? "array" : typeof value === "object" ? "object" : "";
  }
}

/** An own field's value: what an (even polluted) Object.prototype holds is no part of the record. */
function own(fields: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
