// Client-side checks of FullStory's documented user rules, so a record that FullStory would refuse is
// rejected before it is sent, with the rule it breaks. Every limit, pattern and list comes from
// specs/fullstory.yaml through generated/fullstory.rules.ts, so a spec edit changes what is checked.
// Hand-written for the hot path of a large import: one pass over each record, no JSON Schema validator, and
// strings for messages are only built for records that break a rule.
import { textStart } from "../core/cut-text.js";
import type { components } from "../../generated/fullstory.js";
import { rules } from "../../generated/fullstory.rules.js";
import type { Rejection, Validation } from "../core/engine/adapter.js";
import {
  FORBIDDEN_KEY_MESSAGE,
  MAX_NESTING_DEPTH,
  NESTING_DEPTH_MESSAGE,
  findUnsafeShape,
  isForbiddenKey,
} from "../core/unsafe-input.js";
import { BLANK_MESSAGE, isBlank } from "../core/validate/blank.js";
import { kindOf } from "../core/validate/describe.js";
import {
  MALFORMED_TEXT_MESSAGE,
  RECORD_TO_JSON_MESSAGE,
  VALUE_TO_JSON_MESSAGE,
  DROPPED_MESSAGE,
  dropsContent,
  findSendHazard,
  NOT_PLAIN_MESSAGE,
  NOT_JSON_MESSAGE,
  NOT_FINITE_MESSAGE,
  isObjectOfKeys,
  isWellFormedText,
  sendsOtherThanItself,
  isBoxed,
  wellFormed,
  type SendHazard,
} from "../core/validate/sent-as-validated.js";
import { RuleProblems } from "../core/validate/rule-problems.js";

/** One user of a batch import (`createBatchImport`'s `requests` item): the input record of `importUsers`. */
export type FullStoryUser = components["schemas"]["BatchUserImportRequest"];
/** The body of `updateUser`. */
export type FullStoryUserUpdate = components["schemas"]["UpdateUserRequest"];
/** A type FullStory accepts in `schema.properties`. */
export type FullStorySchemaType = components["schemas"]["SchemaType"];

/**
 * The rule ids this module reports, each `fullstory.<rule>` (listed by rule; the limits are
 * {@link FULLSTORY_LIMITS}):
 * - `unknown_field`: a top-level key the body's schema does not define, where that schema is closed
 *   (`updateUser`'s body; a batch item is open in the spec, so its unknown keys are sent).
 * - `field_type`: id, uid, display_name or email not a string; properties not an object; a property value
 *   that is not JSON (bigint, function, symbol, or `undefined` or a hole in an array: sent as null); a
 *   bigint anywhere in a key a batch item sends unchecked; the record itself not an object; a field the spec
 *   requires missing (none is, today); a `uid` or `id` (the keys a user is matched on) empty or blanks only,
 *   our bound, as Propeller's `required` (a blank is what `String.prototype.trim` removes; a uid with blanks
 *   around a value is sent as it is).
 * - `field_length`: uid, display_name or email longer than the spec's `maxLength` (so is a string field a
 *   spec change adds to a body, and `field_type` refuses it when it is not a string).
 * - `property_name`: a property name (at any nesting level) not matching the spec's name pattern.
 * - `property_path_length`: a property name, or its dotted full path (`a.b.c`), too long.
 * - `property_count`: too many unique properties, counting each dotted leaf path.
 * - `property_value_size`: a leaf value (a string, or an array of scalars as JSON text) over the byte limit.
 * - `property_array_of_objects`: an array holding an object or an array.
 * - `schema_type`: `schema` not an object (or null), `schema.properties` not an object, a key of it not a
 *   valid dotted property path, or a type outside the spec's `SchemaType` list.
 * - `forbidden_key`: a key named `__proto__`, `constructor` or `prototype` anywhere in the record (a field,
 *   a property name at any level, a segment of a `schema.properties` path): it could reach a prototype.
 * - `nesting_depth`: properties nested more than 32 levels deep (our bound, not FullStory's: it keeps every
 *   walk of the record, and its JSON.stringify, from overflowing the stack).
 * - `to_json`: the record, or an object in it other than a Date left as built, has a `toJSON` method (own or
 *   inherited): JSON.stringify would send what it returns instead of what was validated.
 * - `malformed_text`: a string (a field, a property value, a value of a key sent unchecked) or a key holding
 *   a lone UTF-16 surrogate: FullStory might store U+FFFD in its place, or refuse the batch (no source says).
 *
 * A number is sent as JSON.stringify writes it: an integer beyond 2^53 was rounded when it became a
 * JavaScript number (JSON.parse of a file does it), and nothing here can tell it from an exact one.
 */
export const FULLSTORY_RULES = {
  /** A top-level key a closed body schema does not define. */
  unknownField: "fullstory.unknown_field",
  /**
   * A field or property value of a type the spec (or JSON) does not allow, a required field missing, or a
   * `uid` or `id` empty or blanks only (our bound: a user keyed by nothing anyone can see).
   */
  fieldType: "fullstory.field_type",
  /** uid, display_name or email longer than the spec's `maxLength`. */
  fieldLength: "fullstory.field_length",
  /** A property name, at any level, not matching the spec's name pattern. */
  propertyName: "fullstory.property_name",
  /** A property name, or its dotted full path, too long. */
  propertyPathLength: "fullstory.property_path_length",
  /** Too many unique properties, counting each dotted leaf path. */
  propertyCount: "fullstory.property_count",
  /** A leaf value over the byte limit. */
  propertyValueSize: "fullstory.property_value_size",
  /** A property array holding an object or an array. */
  propertyArrayOfObjects: "fullstory.property_array_of_objects",
  /** A `schema` that is not an object of valid property paths and the spec's `SchemaType` values. */
  schemaType: "fullstory.schema_type",
  /** A key named `__proto__`, `constructor` or `prototype` anywhere in the record. */
  forbiddenKey: "fullstory.forbidden_key",
  /** Properties nested more than 32 levels deep (our bound, not FullStory's). */
  nestingDepth: "fullstory.nesting_depth",
  /** A `toJSON` method that would make JSON.stringify send something other than what was validated. */
  toJson: "fullstory.to_json",
  /** A string or key holding a lone UTF-16 surrogate. */
  malformedText: "fullstory.malformed_text",
} as const;

/** A rule id {@link validateFullStoryUser} reports. */
export type FullStoryRule = (typeof FULLSTORY_RULES)[keyof typeof FULLSTORY_RULES];

const R = FULLSTORY_RULES;

const USER = rules.BatchUserImportRequest.properties;
const PROPERTIES = rules.UserProperties;

/** FullStory's limits, as specs/fullstory.yaml states them. */
export const FULLSTORY_LIMITS = {
  /** Characters of a batch item's `uid`. */
  uid: USER.uid.maxLength,
  /** Characters of a batch item's `display_name`. */
  display_name: USER.display_name.maxLength,
  /** Characters of a batch item's `email`. */
  email: USER.email.maxLength,
  /** Characters of one property name. */
  propertyName: PROPERTIES.propertyNames.maxLength,
  /** Characters of a nested property's dotted full path. */
  propertyPath: PROPERTIES["x-max-path-length"],
  /** Unique properties of one user, counting each dotted leaf path. */
  propertyCount: PROPERTIES["x-max-leaf-properties"],
  /** UTF-8 bytes of one leaf value: a string, or an array of scalars as JSON text. */
  propertyValueBytes: PROPERTIES["x-max-value-bytes"],
  /** Levels of nested property objects (ours: see `nesting_depth`). */
  propertyDepth: MAX_NESTING_DEPTH,
} as const;

const NAME_PATTERN = PROPERTIES.propertyNames.pattern;
const NAME = new RegExp(NAME_PATTERN);
const PATH = new RegExp(rules.UserSchema.properties.properties.propertyNames.pattern);
const SCHEMA_TYPE_LIST: readonly FullStorySchemaType[] = rules.SchemaType.enum;
const SCHEMA_TYPES: ReadonlySet<string> = new Set<string>(SCHEMA_TYPE_LIST);
/** The text limits of each body, as its own schema in the spec states them. */
const UPDATE = rules.UpdateUserRequest.properties;
const TEXT_LIMITS: Record<
  UserBodyKind,
  Readonly<Record<"uid" | "display_name" | "email", number>>
> = {
  batch: FULLSTORY_LIMITS,
  update: {
    uid: UPDATE.uid.maxLength,
    display_name: UPDATE.display_name.maxLength,
    email: UPDATE.email.maxLength,
  },
};
/** The fields of each body, and whether its schema refuses other keys. */
const BODIES = {
  batch: bodyOf(rules.BatchUserImportRequest),
  update: bodyOf(rules.UpdateUserRequest),
};

/** The rule and message of each way a value sent unchecked would not reach FullStory as it is. */
const HAZARDS: Record<SendHazard["kind"], readonly [FullStoryRule, string]> = {
  to_json: [R.toJson, VALUE_TO_JSON_MESSAGE],
  malformed_text: [R.malformedText, MALFORMED_TEXT_MESSAGE],
  not_json: [R.fieldType, NOT_JSON_MESSAGE],
  not_finite: [R.fieldType, NOT_FINITE_MESSAGE],
  not_plain: [R.fieldType, NOT_PLAIN_MESSAGE],
  dropped: [R.fieldType, DROPPED_MESSAGE],
};

/** Which body the record is for: a batch item (may carry the FullStory `id`) or an updateUser body. */
export type UserBodyKind = "batch" | "update";

interface State {
  readonly problems: RuleProblems<FullStoryRule>;
  leaves: number;
  /** The walk of `properties` stopped once past the count, so `leaves` is a lower bound. */
  countCut: boolean;
  /**
   * No fewer than the UTF-8 bytes of the JSON text of the nested property entries walked so far (top-level
   * entries are measured by their own rules, not summed).
   */
  bound: number;
  /** What FullStory may do with a record it accepts (see {@link validateFullStoryRecord}). */
  warnings: string[] | undefined;
}

/**
 * Every documented FullStory rule `user` breaks, as `fullstory.<rule>` rejections naming the field; empty
 * when FullStory should accept it, under the validation policy of `RuleProblems` (core/validate).
 * Unknown top-level keys follow the body's schema: a batch item (`BatchUserImportRequest`, open in the spec,
 * since no source says FullStory refuses them) sends them once they are safe to send; an `updateUser` body
 * (`UpdateUserRequest`, closed by the spec's own choice, UNCONFIRMED for FullStory) rejects them
 * (`unknown_field`), so a misspelt key (`displayName`) is not dropped silently.
 */
export function validateFullStoryUser(user: FullStoryUser): readonly Rejection[] {
  return checkFullStoryUser(user, "batch");
}

/**
 * {@link validateFullStoryUser} as the import adapter's check: a record that passes is sent as it is, with a
 * warning for each top-level nested property whose JSON text is over the value limit while every value in
 * it is within (FullStory may count a nested object whole: UNCONFIRMED, see `x-max-value-bytes`).
 */
export function validateFullStoryRecord(user: FullStoryUser): Validation<FullStoryUser> {
  const state = inspect(user, "batch");
  const problems = state.problems.list();
  if (problems.length > 0) return { ok: false, problems };
  return state.warnings === undefined
    ? { ok: true, item: user }
    : { ok: true, item: user, warnings: state.warnings };
}

/**
 * {@link validateFullStoryUser} for either body: `kind: "batch"` a batch item, `kind: "update"` an
 * `updateUser` body (no `id`, `schema` not null).
 */
export function checkFullStoryUser(user: unknown, kind: UserBodyKind): readonly Rejection[] {
  return inspect(user, kind).problems.list();
}

function inspect(user: unknown, kind: UserBodyKind): State {
  const state: State = {
    problems: new RuleProblems(),
    leaves: 0,
    countCut: false,
    bound: 0,
    warnings: undefined,
  };
  // A Date or a boxed value is sent as a bare value (its text, what its valueOf answers), which FullStory
  // would presumably refuse as invalid input, with the whole batch (UNCONFIRMED).
  if (!isObjectOfKeys(user)) {
    add(state, R.fieldType, "record", `must be an object of fields, got ${kindOf(user)}`);
    return state;
  }
  const record = user;
  if (sendsOtherThanItself(record)) add(state, R.toJson, "record", RECORD_TO_JSON_MESSAGE);
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const value = record[key];
    if (value === undefined) continue; // JSON drops it
    switch (key) {
      case "id":
        if (!BODIES[kind].fields.has(key)) otherField(state, key, kind, value);
        else if (typeof value !== "string") add(state, R.fieldType, "id", "must be a string");
        else if (!isWellFormedText(value))
          add(state, R.malformedText, "id", MALFORMED_TEXT_MESSAGE);
        else if (isBlank(value)) add(state, R.fieldType, "id", BLANK_MESSAGE);
        break;
      case "uid":
        // A blank uid would identify a user by nothing anyone can see, and a uid once set never changes.
        if (typeof value === "string" && isBlank(value))
          add(state, R.fieldType, "uid", BLANK_MESSAGE);
        else checkText(state, key, value, TEXT_LIMITS[kind][key]);
        break;
      case "display_name":
      case "email":
        checkText(state, key, value, TEXT_LIMITS[kind][key]);
        break;
      case "properties":
        if (!isObjectOfKeys(value)) {
          add(state, R.fieldType, "properties", "must be an object of custom properties");
        } else if (sendsOtherThanItself(value)) {
          add(state, R.toJson, "properties", VALUE_TO_JSON_MESSAGE);
        } else {
          walk(state, value, "", 0, 1);
          if (state.leaves > FULLSTORY_LIMITS.propertyCount) {
            add(
              state,
              R.propertyCount,
              "properties",
              `${state.leaves}${state.countCut ? " or more" : ""} properties (counting each nested leaf path), more than ${FULLSTORY_LIMITS.propertyCount}`,
            );
          }
        }
        break;
      case "schema":
        checkSchema(state, value, kind);
        break;
      default:
        if (BODIES[kind].fields.has(key)) documentedField(state, key, kind, value);
        else otherField(state, key, kind, value);
    }
  }
  for (const name of BODIES[kind].required) {
    if (!Object.prototype.hasOwnProperty.call(record, name) || record[name] === undefined)
      add(state, R.fieldType, name, "required");
  }
  return state;
}

function bodyOf(schema: object): {
  fields: ReadonlySet<string>;
  closed: boolean;
  schemas: Readonly<Record<string, object>>;
  required: readonly string[];
} {
  const properties = "properties" in schema ? (schema.properties as Record<string, object>) : {};
  return {
    fields: new Set(Object.keys(properties)),
    closed: "additionalProperties" in schema && schema.additionalProperties === false,
    schemas: properties,
    // None today: a field the spec comes to require would otherwise have FullStory refuse the whole batch.
    required: "required" in schema && Array.isArray(schema.required) ? names(schema.required) : [],
  };
}

/** The strings of a schema's `required`, typed: `Array.isArray` makes its items `any`. */
function names(list: readonly unknown[]): string[] {
  return list.filter((name): name is string => typeof name === "string");
}

/**
 * A field the body's schema defines that has no check of its own here (one a spec change added): a string
 * held to the spec's `maxLength`. Another shape is refused from a closed body rather than sent unchecked,
 * and sent from an open one as a key the schema does not define is.
 */
function documentedField(state: State, key: string, kind: UserBodyKind, value: unknown): void {
  const body = BODIES[kind];
  const schema = body.schemas[key];
  if (schema !== undefined && "type" in schema && schema.type === "string") {
    const max =
      "maxLength" in schema && typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
    checkText(state, key, value, max);
  } else if (body.closed) {
    add(
      state,
      R.fieldType,
      key,
      "a field of a shape this version cannot check (update bulk-user-import)",
    );
  } else otherField(state, key, kind, value);
}

/** A key the body's schema does not define: refused when it could reach a prototype or the body is closed. */
function otherField(state: State, key: string, kind: UserBodyKind, value: unknown): void {
  if (isForbiddenKey(key)) {
    add(state, R.forbiddenKey, key, FORBIDDEN_KEY_MESSAGE);
    return;
  }
  const body = BODIES[kind];
  if (!body.closed) {
    uncheckedValue(state, "", key, value);
    return;
  }
  add(
    state,
    R.unknownField,
    `${label(key)}`,
    `unknown field; a ${kind === "batch" ? "batch user" : "user update"} has only ${[
      ...body.fields,
    ].join(", ")}`,
  );
}

/**
 * A value sent as it is under `key` of the object at `prefix` ("" for the record, `schema.`), unchecked
 * otherwise: it must at least reach FullStory as given, with no key that could reach a prototype and no
 * nesting (or cycle) deeper than any record may hold.
 */
function uncheckedValue(state: State, prefix: string, key: string, value: unknown): void {
  const unsafe = findUnsafeShape(value);
  if (unsafe !== undefined) {
    const forbidden = unsafe.kind === "forbidden_key";
    add(
      state,
      forbidden ? R.forbiddenKey : R.nestingDepth,
      label(`${prefix}${wellFormed(key)}${unsafe.path}`),
      forbidden ? FORBIDDEN_KEY_MESSAGE : NESTING_DEPTH_MESSAGE,
    );
    return;
  }
  const hazard: SendHazard | undefined = isWellFormedText(key)
    ? findSendHazard(value)
    : { kind: "malformed_text", path: "" };
  if (hazard !== undefined) {
    const [rule, message] = HAZARDS[hazard.kind];
    add(state, rule, label(`${prefix}${wellFormed(key)}${hazard.path}`), message);
  }
}

function checkText(state: State, field: string, value: unknown, max: number): void {
  if (typeof value !== "string") {
    add(state, R.fieldType, field, "must be a string");
    return;
  }
  if (!isWellFormedText(value)) {
    add(state, R.malformedText, field, MALFORMED_TEXT_MESSAGE);
    return;
  }
  if (value.length > max) {
    const length = characters(value);
    if (length > max) {
      add(state, R.fieldLength, field, `${length} characters, more than ${max}`);
    }
  }
}

/**
 * Walks one properties object; `prefix` is its dotted path ("" at the top), `prefixLength` its length, and
 * `depth` its level (1 at the top). Recursion stops at {@link FULLSTORY_LIMITS.propertyDepth} levels.
 */
function walk(
  state: State,
  object: Record<string, unknown>,
  prefix: string,
  prefixLength: number,
  depth: number,
): void {
  for (const name in object) {
    // Past the count the record is refused anyway; walking on would only cost (a shared or cyclic object
    // multiplies its paths).
    if (state.leaves > FULLSTORY_LIMITS.propertyCount) {
      state.countCut = true;
      return;
    }
    if (!Object.prototype.hasOwnProperty.call(object, name)) continue;
    const value = object[name];
    if (value === undefined) continue;
    if (isForbiddenKey(name)) {
      state.leaves += 1;
      add(state, R.forbiddenKey, `properties.${label(join(prefix, name))}`, FORBIDDEN_KEY_MESSAGE);
      continue;
    }
    const pathLength = prefixLength === 0 ? name.length : prefixLength + 1 + name.length;
    const validName = NAME.test(name);
    // Sizes count inside nested objects only (a top-level value is measured by its own rule): `"name":` and
    // a comma; a valid name is ASCII, and a walk with problems measures nothing.
    const inside = prefixLength > 0;
    if (inside) state.bound += name.length + 4;
    if (!validName) {
      add(
        state,
        R.propertyName,
        `properties.${label(join(prefix, name))}`,
        `property names must match ${NAME_PATTERN}`,
      );
    }
    // A valid name is ASCII, so its length is its character count; an invalid one is measured exactly.
    const max = prefixLength === 0 ? FULLSTORY_LIMITS.propertyName : FULLSTORY_LIMITS.propertyPath;
    if (pathLength > max && (validName || characters(join(prefix, name)) > max)) {
      const what =
        prefixLength === 0 ? "property name" : "dotted property path (parent.child names)";
      add(
        state,
        R.propertyPathLength,
        `properties.${label(join(prefix, name))}`,
        `${what} of ${pathLength} characters, more than ${max}`,
      );
      // Nothing below can be valid; stopping here also ends the walk of a cyclic object.
      state.leaves += 1;
      continue;
    }
    // A nested name is a property name too, which a spec could bound below the path (equal today).
    if (inside && name.length > FULLSTORY_LIMITS.propertyName) {
      const length = validName ? name.length : characters(name);
      if (length > FULLSTORY_LIMITS.propertyName)
        add(
          state,
          R.propertyPathLength,
          `properties.${label(join(prefix, name))}`,
          `property name of ${length} characters, more than ${FULLSTORY_LIMITS.propertyName}`,
        );
    }
    if (typeof value === "string") {
      state.leaves += 1;
      // The most its JSON text can take (a control character escaped as \u0000): no pass over the text.
      if (inside) state.bound += 2 + 6 * value.length;
      if (isWellFormedText(value)) checkSize(state, prefix, name, value.length * 3, value);
      else
        add(
          state,
          R.malformedText,
          `properties.${label(join(prefix, name))}`,
          MALFORMED_TEXT_MESSAGE,
        );
    } else if (value !== null && typeof value === "object" && sendsOtherThanItself(value)) {
      state.leaves += 1;
      add(state, R.toJson, `properties.${label(join(prefix, name))}`, VALUE_TO_JSON_MESSAGE);
    } else if (Array.isArray(value)) {
      state.leaves += 1;
      const bound = checkArray(state, prefix, name, value);
      if (inside) state.bound += bound;
    } else if (value !== null && typeof value === "object" && dropsContent(value)) {
      state.leaves += 1;
      add(state, R.fieldType, `properties.${label(join(prefix, name))}`, NOT_PLAIN_MESSAGE);
    } else if (value instanceof Date) {
      state.leaves += 1; // sent as its ISO-8601 text, far below the size limit
      if (inside) state.bound += DATE_BOUND;
      if (Number.isNaN(value.getTime()))
        add(state, R.fieldType, `properties.${label(join(prefix, name))}`, NOT_FINITE_MESSAGE);
    } else if (
      value !== null &&
      typeof value === "object" &&
      depth >= FULLSTORY_LIMITS.propertyDepth
    ) {
      // Empty names keep the dotted path short, so only the depth bounds this recursion.
      state.leaves += 1;
      add(state, R.nestingDepth, `properties.${label(join(prefix, name))}`, NESTING_DEPTH_MESSAGE);
    } else if (value !== null && typeof value === "object") {
      const before = { leaves: state.leaves, problems: state.problems.count, bound: state.bound };
      walk(state, value as Record<string, unknown>, join(prefix, name), pathLength, depth + 1);
      if (state.leaves === before.leaves) state.leaves += 1; // an empty object is still a property
      state.bound += 2;
      const bound = state.bound - before.bound;
      // Serialised only when its bound passes the limit and its walk found nothing that would not send.
      if (
        prefixLength === 0 &&
        bound > FULLSTORY_LIMITS.propertyValueBytes &&
        !state.countCut &&
        state.problems.count === before.problems
      )
        warnIfWholeTooBig(state, name, value);
    } else if (
      typeof value === "bigint" ||
      typeof value === "function" ||
      typeof value === "symbol"
    ) {
      state.leaves += 1;
      add(
        state,
        R.fieldType,
        `properties.${label(join(prefix, name))}`,
        `a ${typeof value} is not a JSON value`,
      );
    } else {
      state.leaves += 1; // number, boolean, null: a few bytes
      if (inside) state.bound += typeof value === "number" ? numberBound(value) : 5;
      if (typeof value === "number" && !Number.isFinite(value))
        add(state, R.fieldType, `properties.${label(join(prefix, name))}`, NOT_FINITE_MESSAGE);
    }
  }
}

function checkSize(
  state: State,
  prefix: string,
  name: string,
  upperBound: number,
  value: string,
): void {
  if (upperBound <= FULLSTORY_LIMITS.propertyValueBytes) return; // ≤ 3 UTF-8 bytes per UTF-16 unit
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > FULLSTORY_LIMITS.propertyValueBytes) tooBig(state, prefix, name, bytes);
}

function tooBig(
  state: State,
  prefix: string,
  name: string,
  bytes: number,
  measured = "UTF-8",
): void {
  add(
    state,
    R.propertyValueSize,
    `properties.${label(join(prefix, name))}`,
    `value of ${bytes} bytes (${measured}), more than ${FULLSTORY_LIMITS.propertyValueBytes}`,
  );
}

/**
 * A top-level nested object within the limits at its leaves whose JSON text is over the value limit: sent,
 * since the spec measures values at the leaves (FullStory's page is read leniently, as every unconfirmed
 * fact is), with a warning, since FullStory may count the object whole and not store it.
 */
function warnIfWholeTooBig(state: State, name: string, value: object): void {
  const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
  if (bytes <= FULLSTORY_LIMITS.propertyValueBytes) return;
  (state.warnings ??= []).push(
    `properties.${label(name)}: a nested object of ${bytes} bytes as JSON text; FullStory limits a property value to ${FULLSTORY_LIMITS.propertyValueBytes} bytes, and if it counts a nested object whole (unconfirmed), it did not store this property`,
  );
}

/**
 * An array must hold scalars only; its size is the UTF-8 bytes of its JSON text, as sent. One pass sums a
 * bound that is exact for the usual items (short strings, integers, booleans, null); only when that bound
 * passes the limit is the array serialised and measured, so no array is refused over a bound. Returns the
 * bound.
 */
function checkArray(state: State, prefix: string, name: string, array: readonly unknown[]): number {
  let bound = 2 + Math.max(0, array.length - 1);
  let nested = false;
  // The first item that would reach FullStory as something else is named; one is enough.
  let altered = false;
  const alter = (i: number, rule: FullStoryRule, message: string) => {
    if (altered) return;
    altered = true;
    add(state, rule, `properties.${label(join(prefix, name))}[${i}]`, message);
  };
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (typeof item === "string") {
      if (!isWellFormedText(item)) alter(i, R.malformedText, MALFORMED_TEXT_MESSAGE);
      bound += item.length > 64 ? 2 + 6 * item.length : jsonStringBytes(item);
    } else if (typeof item === "number") {
      if (!Number.isFinite(item)) alter(i, R.fieldType, NOT_FINITE_MESSAGE);
      bound += numberBound(item);
    } else if (typeof item === "boolean") {
      bound += item ? 4 : 5;
    } else if (item === null) {
      bound += 4;
    } else if (item === undefined) {
      alter(i, R.fieldType, DROPPED_MESSAGE); // sent as null, which was not validated
      bound += 4;
    } else if (isBoxed(item)) {
      alter(i, R.fieldType, NOT_PLAIN_MESSAGE);
    } else if (item instanceof Date && !sendsOtherThanItself(item)) {
      if (Number.isNaN(item.getTime())) alter(i, R.fieldType, NOT_FINITE_MESSAGE);
      bound += DATE_BOUND;
    } else {
      nested = true;
    }
  }
  if (nested) {
    add(
      state,
      R.propertyArrayOfObjects,
      `properties.${label(join(prefix, name))}`,
      "arrays may hold only strings, numbers and booleans, not objects or arrays",
    );
    // Refused for its shape anyway, and JSON.stringify of what it holds could throw (a cycle, a bigint).
    return bound;
  }
  if (bound <= FULLSTORY_LIMITS.propertyValueBytes) return bound;
  const bytes = Buffer.byteLength(JSON.stringify(array), "utf8");
  if (bytes > FULLSTORY_LIMITS.propertyValueBytes)
    tooBig(state, prefix, name, bytes, "UTF-8 of its JSON text");
  return bytes;
}

/**
 * The most bytes a Date takes as JSON: its quoted ISO text, with a six-digit signed year at the ends of the
 * Date range (`"+275760-09-13T00:00:00.000Z"`); an invalid Date is `null`.
 */
const DATE_BOUND = 29;

/**
 * UTF-8 bytes of a string as JSON.stringify writes it, quotes included: a quote, a backslash and the
 * controls with a short escape (`\n`) take 2 bytes, other controls and a lone surrogate 6 (`\u0001`).
 */
function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20)
      bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/**
 * A number's bytes as JSON: exact for an integer below 1e21 (written in full, no exponent; `-0` as `0`);
 * otherwise the longest a double can be written, `-0.00000` and 17 digits (25), or `null` when not finite.
 */
function numberBound(n: number): number {
  if (!Number.isFinite(n)) return 4;
  if (!Number.isInteger(n) || Math.abs(n) >= 1e21) return 25;
  let count = n < 0 ? 2 : 1;
  // Every power of ten up to 1e21 is an exact double; dividing by ten instead can round a 21-digit value up.
  for (let p = 10, v = Math.abs(n); v >= p; p *= 10) count += 1;
  return count;
}

function checkSchema(state: State, schema: unknown, kind: UserBodyKind): void {
  if (schema === null && kind === "batch") return; // as FullStory echoes it: no declarations
  if (!isObjectOfKeys(schema)) {
    add(state, R.schemaType, "schema", 'must be an object { properties: { "<path>": "<type>" } }');
    return;
  }
  if (sendsOtherThanItself(schema)) {
    add(state, R.toJson, "schema", VALUE_TO_JSON_MESSAGE);
    return;
  }
  for (const key in schema) {
    if (key === "properties" || !Object.prototype.hasOwnProperty.call(schema, key)) continue;
    const value = schema[key];
    if (value === undefined) continue;
    if (isForbiddenKey(key)) add(state, R.forbiddenKey, `schema.${key}`, FORBIDDEN_KEY_MESSAGE);
    // The schema is open: another field is sent as it is, so it must reach FullStory as validated.
    else uncheckedValue(state, "schema.", key, value);
  }
  const declared = schema["properties"];
  if (declared === undefined) return;
  if (!isObjectOfKeys(declared)) {
    add(state, R.schemaType, "schema.properties", "must be an object of property path → type");
    return;
  }
  if (sendsOtherThanItself(declared)) {
    add(state, R.toJson, "schema.properties", VALUE_TO_JSON_MESSAGE);
    return;
  }
  for (const path in declared) {
    if (!Object.prototype.hasOwnProperty.call(declared, path)) continue;
    const type = declared[path];
    if (type === undefined) continue;
    // A path past the limit is checked name by name, not against the path pattern: V8 keeps backtracking
    // steps per name of the pattern's repeated group, and a path of 8 million names (which an .ndjson line
    // may hold) threw a RangeError (Maximum call stack size exceeded) out of validation. Checked still, so a
    // long path's bad name is named as a short one's is, not its length alone.
    const tooLong = path.length > FULLSTORY_LIMITS.propertyPath;
    const names = path.split(".");
    if (names.some(isForbiddenKey)) {
      add(state, R.forbiddenKey, `schema.properties.${label(path)}`, FORBIDDEN_KEY_MESSAGE);
    } else if (tooLong ? !names.every((name) => NAME.test(name)) : !PATH.test(path)) {
      add(
        state,
        R.schemaType,
        `schema.properties.${label(path)}`,
        `property paths must be dot-separated names matching ${NAME_PATTERN}`,
      );
    } else if (tooLong) {
      add(
        state,
        R.schemaType,
        `schema.properties.${label(path)}`,
        `property path of ${path.length} characters, more than ${FULLSTORY_LIMITS.propertyPath}`,
      );
    }
    if (typeof type !== "string" || !SCHEMA_TYPES.has(type)) {
      add(
        state,
        R.schemaType,
        `schema.properties.${label(path)}`,
        `type must be one of ${SCHEMA_TYPE_LIST.join(" ")}, got ${kindOf(type)}`,
      );
    }
  }
}

function add(state: State, rule: FullStoryRule, field: string, requirement: string): void {
  state.problems.add(rule, field, requirement);
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

/** A field or path for a message: at most 80 characters. */
function label(text: string): string {
  return text.length <= 80 ? text : `${textStart(text, 77)}…`;
}

/** Unicode characters (code points), as JSON Schema's maxLength counts them. */
function characters(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
