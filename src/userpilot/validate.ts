import type { components } from "../../generated/userpilot.js";
import type { Rejection } from "../core/engine/adapter.js";
import { FORBIDDEN_KEY_MESSAGE, isForbiddenKey } from "../core/unsafe-input.js";

/** One user of a bulk identify request: `user_id`, and optionally `company_id` and `metadata`. */
export type UserpilotUser = components["schemas"]["BulkIdentifyUser"];
/** A user's properties: primitive values only (string, number, boolean, null; dates as ISO-8601 strings). */
export type UserpilotMetadata = components["schemas"]["Metadata"];

/** The rule ids {@link validateUserpilotUser} reports, each prefixed `userpilot.`. */
export const USERPILOT_RULES = {
  /** `user_id` is required: a non-empty string. */
  userId: "userpilot.user_id",
  /** `company_id`, when present, is a string. */
  companyId: "userpilot.company_id",
  /** `metadata` is a plain object whose values are strings, finite numbers, booleans or null. */
  metadataValue: "userpilot.metadata_value",
  /** A user has only `user_id`, `company_id` and `metadata` (the request schema is closed). */
  unknownField: "userpilot.unknown_field",
  /**
   * No key named `__proto__`, `constructor` or `prototype`, as a field or in `metadata` (it could reach a
   * prototype). Nesting needs no bound: metadata values must be primitives, so nothing is walked deeper.
   */
  forbiddenKey: "userpilot.forbidden_key",
} as const;

const hasOwn = Object.prototype.hasOwnProperty;

const NONE: readonly Rejection[] = Object.freeze([]);

/**
 * Every documented rule a user record breaks, or an empty array when Userpilot will accept it. Checks
 * `user_id` (required, non-empty string), `company_id` (a string if present), `metadata` (a plain object of
 * string, finite number, boolean or null values; a `Date` is refused with a hint to send an ISO-8601
 * string) and that no other top-level field is present. Takes `unknown`, so data read from files or other
 * systems is checked as it is, without trusting its type.
 */
export function validateUserpilotUser(record: unknown): readonly Rejection[] {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    return [
      {
        rule: USERPILOT_RULES.userId,
        message: `user_id: required, but the record is ${describe(record)}, not an object`,
      },
    ];
  }
  let problems: Rejection[] | undefined;
  const add = (rule: string, message: string) => {
    (problems ??= []).push({ rule, message });
  };
  const fields = record as Record<string, unknown>;

  const userId = fields["user_id"];
  if (typeof userId !== "string" || userId.length === 0) {
    add(
      USERPILOT_RULES.userId,
      userId === undefined
        ? "user_id: required (a non-empty string)"
        : `user_id: must be a non-empty string, got ${describe(userId)}`,
    );
  }

  if (hasOwn.call(fields, "company_id")) {
    const companyId = fields["company_id"];
    if (typeof companyId !== "string") {
      add(
        USERPILOT_RULES.companyId,
        `company_id: must be a string when present, got ${describe(companyId)} (omit the field instead)`,
      );
    }
  }

  if (hasOwn.call(fields, "metadata")) {
    const metadata = fields["metadata"];
    if (!isPlainObject(metadata)) {
      add(
        USERPILOT_RULES.metadataValue,
        `metadata: must be an object of property values, got ${describe(metadata)}`,
      );
    } else {
      for (const key in metadata) {
        // Own keys only: what a polluted Object.prototype holds is no part of the record.
        if (!hasOwn.call(metadata, key)) continue;
        if (isForbiddenKey(key)) {
          add(USERPILOT_RULES.forbiddenKey, `metadata.${key}: ${FORBIDDEN_KEY_MESSAGE}`);
          continue;
        }
        const value = metadata[key];
        if (
          value === null ||
          typeof value === "string" ||
          typeof value === "boolean" ||
          (typeof value === "number" && Number.isFinite(value))
        ) {
          continue;
        }
        add(
          USERPILOT_RULES.metadataValue,
          value instanceof Date
            ? `metadata.${key}: values must be primitives, got a Date; send dates as ISO-8601 strings (date.toISOString())`
            : `metadata.${key}: values must be a string, finite number, boolean or null, got ${describe(value)}`,
        );
      }
    }
  }

  for (const key in fields) {
    if (key === "user_id" || key === "company_id" || key === "metadata") continue;
    if (!hasOwn.call(fields, key)) continue;
    if (isForbiddenKey(key)) {
      add(USERPILOT_RULES.forbiddenKey, `${key}: ${FORBIDDEN_KEY_MESSAGE}`);
      continue;
    }
    add(
      USERPILOT_RULES.unknownField,
      `${key}: unknown field; a user has only user_id, company_id and metadata (put properties in metadata)`,
    );
  }

  return problems ?? NONE;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A short name of a value's kind for messages: never the value itself, which may be personal data. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a Date";
  switch (typeof value) {
    case "string":
      return value.length === 0 ? "an empty string" : "a string";
    case "number":
      return Number.isFinite(value) ? "a number" : `the non-finite number ${String(value)}`;
    case "bigint":
      return "a bigint";
    case "boolean":
      return "a boolean";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default: {
      // The prototype's constructor, never an own `constructor` key: that one comes from the input.
      const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
      const name = proto?.constructor?.name;
      return typeof name === "string" && name !== "Object" && name !== ""
        ? `a ${name}`
        : "an object";
    }
  }
}
