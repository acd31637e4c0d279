import type { components } from "../../generated/userpilot.js";
import type { Rejection } from "../core/engine/adapter.js";
import { FORBIDDEN_KEY_MESSAGE, isForbiddenKey } from "../core/unsafe-input.js";
import { kindOf } from "../core/validate/describe.js";
import { RuleProblems } from "../core/validate/rule-problems.js";
import {
  MALFORMED_TEXT_MESSAGE,
  RECORD_TO_JSON_MESSAGE,
  VALUE_TO_JSON_MESSAGE,
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
  /**
   * The user, or its `metadata`, has a `toJSON` method (own or inherited): JSON.stringify would send what it
   * returns instead of what was validated.
   */
  toJson: "userpilot.to_json",
  /**
   * A string (`user_id`, `company_id`, a metadata key or value) holds a lone UTF-16 surrogate: Userpilot
   * would store U+FFFD in its place, or refuse it. (A metadata number is sent as JSON.stringify writes it:
   * an integer beyond 2^53 was rounded when read, and cannot be told from an exact one.)
   */
  malformedText: "userpilot.malformed_text",
  /**
   * The request body with this user alone would exceed the adapter's `maxBodyBytes` (Userpilot's 50 MB by
   * default). Checked by the import engine on the user's JSON, not by {@link validateUserpilotUser}.
   */
  payloadSize: "userpilot.payload_size",
} as const;

/** A rule id {@link validateUserpilotUser} reports. */
export type UserpilotRule = (typeof USERPILOT_RULES)[keyof typeof USERPILOT_RULES];

const R = USERPILOT_RULES;

/**
 * Every documented rule a user record breaks, or an empty array when Userpilot will accept it, under the
 * validation policy of `RuleProblems` (core/validate). Checks `user_id` (required, non-empty string),
 * `company_id` (a string if present), `metadata` (a plain object of string, finite number, boolean or null
 * values; a `Date` is refused with a hint to send an ISO-8601 string) and that no other top-level field is
 * present. Takes `unknown`, so data read from files or other systems is checked as it is, without trusting
 * its type.
 */
export function validateUserpilotUser(record: unknown): readonly Rejection[] {
  const problems = new RuleProblems<UserpilotRule>();
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    problems.add(R.userId, "record", `must be an object with user_id, got ${kindOf(record)}`);
    return problems.list();
  }
  const fields = record as Record<string, unknown>;
  if (sendsOtherThanItself(fields)) problems.add(R.toJson, "record", RECORD_TO_JSON_MESSAGE);

  const userId = own(fields, "user_id");
  if (typeof userId !== "string" || userId.length === 0) {
    problems.add(
      R.userId,
      "user_id",
      userId === undefined
        ? "required (a non-empty string)"
        : `must be a non-empty string, got ${kindOf(userId)}`,
    );
  } else if (!isWellFormedText(userId)) {
    problems.add(R.malformedText, "user_id", MALFORMED_TEXT_MESSAGE);
  }

  const companyId = own(fields, "company_id");
  if (companyId !== undefined && typeof companyId !== "string") {
    problems.add(
      R.companyId,
      "company_id",
      `must be a string when present, got ${kindOf(companyId)} (omit the field instead)`,
    );
  } else if (companyId !== undefined && !isWellFormedText(companyId)) {
    problems.add(R.malformedText, "company_id", MALFORMED_TEXT_MESSAGE);
  }

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
    if (own(fields, key) === undefined) continue;
    if (isForbiddenKey(key)) {
      problems.add(R.forbiddenKey, key, FORBIDDEN_KEY_MESSAGE);
      continue;
    }
    problems.add(
      R.unknownField,
      key,
      "unknown field; a user has only user_id, company_id and metadata (put properties in metadata)",
    );
  }

  return problems.list();
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
    if (
      value === null ||
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value))
    ) {
      continue;
    }
    problems.add(
      R.metadataValue,
      `metadata.${key}`,
      value instanceof Date
        ? "values must be primitives, got a Date; send dates as ISO-8601 strings (date.toISOString())"
        : `values must be a string, finite number, boolean or null, got ${kindOf(value)}`,
    );
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
