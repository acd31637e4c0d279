import type { Rejection } from "../core/engine/adapter.js";
import {
  FORBIDDEN_KEY_MESSAGE,
  NESTING_DEPTH_MESSAGE,
  findUnsafeShape,
  isForbiddenKey,
} from "../core/unsafe-input.js";
import { rules } from "../../generated/slashid.rules.js";
import {
  SLASHID_ATTRIBUTE_BUCKETS,
  SLASHID_REGIONS,
  type SlashIdCsvRow,
  type SlashIdPerson,
} from "./records.js";

const BUCKET = rules.AttributeBuckets.additionalProperties;
/** Most bytes (UTF-8) in an attribute key (specs/slashid.yaml `x-max-key-bytes`). */
export const SLASHID_MAX_ATTRIBUTE_KEY_BYTES = BUCKET["x-max-key-bytes"];
/** Most bytes (UTF-8) in one attribute value, serialised as JSON (`x-max-value-bytes`). */
export const SLASHID_MAX_ATTRIBUTE_VALUE_BYTES = BUCKET["x-max-value-bytes"];
/**
 * Lenient on purpose: SlashID's examples are all E.164 (`+13475043201`) but E.164 is not stated as a
 * requirement (UNCONFIRMED), so spaces, parentheses and dashes are let through for SlashID to judge.
 */
const PHONE = /^\+?[0-9 ()-]{3,}$/;
const NO_PROBLEMS: readonly Rejection[] = Object.freeze([]);

const KNOWN_REGIONS: ReadonlySet<string> = new Set(SLASHID_REGIONS);
const KNOWN_BUCKETS: ReadonlySet<string> = new Set(SLASHID_ATTRIBUTE_BUCKETS);

/**
 * A person as the row to upload (with warnings about values outside the lists SlashID's documentation
 * gives, which are sent anyway), or every rule it breaks.
 */
export type SlashIdCheck =
  | { readonly ok: true; readonly item: SlashIdCsvRow; readonly warnings?: readonly string[] }
  | { readonly ok: false; readonly problems: readonly Rejection[] };

/**
 * Every SlashID rule the person breaks (empty when it can be imported). Rule ids:
 *
 * - `slashid.handle_required`: at least one email, phone number or username.
 * - `slashid.region`: `region` is a non-empty string without a comma. A region outside
 *   {@link SLASHID_REGIONS} is sent: the spec does not know the list to be closed.
 * - `slashid.attribute_bucket`: attribute bucket names are not empty. A bucket outside
 *   {@link SLASHID_ATTRIBUTE_BUCKETS} is sent: the spec does not know the list to be closed.
 * - `slashid.attribute_key_length`: attribute keys are 1 to {@link SLASHID_MAX_ATTRIBUTE_KEY_BYTES} bytes.
 * - `slashid.attribute_value_size`: attribute values are JSON-serialisable, at most
 *   {@link SLASHID_MAX_ATTRIBUTE_VALUE_BYTES} bytes serialised.
 * - `slashid.list_item_comma`: no email, phone number, username, group or role contains a comma (each list
 *   is written comma-separated in one cell, so SlashID would split the value in two).
 * - `slashid.email_format`: an email has exactly one `@` with text on both sides (lenient on purpose).
 * - `slashid.phone_format`: a phone number is digits, spaces, `()`, `-`, optionally after a `+` (at least
 *   3 characters); E.164 is UNCONFIRMED as SlashID's requirement, so it is not enforced.
 * - `slashid.empty_value`: no empty (or blank) value in a list, and no empty `password`.
 * - `slashid.field_type`: each field has the declared type (for records built without TypeScript).
 * - `slashid.forbidden_key`: no key named `__proto__`, `constructor` or `prototype` anywhere in the person
 *   (a field, a bucket, an attribute key, inside an attribute value): it could reach a prototype.
 * - `slashid.nesting_depth`: an attribute value nests objects and arrays at most 32 levels deep (our bound,
 *   not SlashID's: deeper values would overflow the stack when serialised).
 */
export function validateSlashIdPerson(person: SlashIdPerson): readonly Rejection[] {
  const checked = checkSlashIdPerson(person);
  return checked.ok ? NO_PROBLEMS : checked.problems;
}

interface State {
  problems: Rejection[] | undefined;
  /** Values outside a documented list that is not known to be closed: sent, with a warning. */
  warnings: string[] | undefined;
  /** Non-blank values in the handle lists, well-formed or not. */
  handles: number;
}

/** Validates a person and, when it passes, builds its CSV row (cells computed once, here). */
export function checkSlashIdPerson(person: SlashIdPerson): SlashIdCheck {
  if (typeof person !== "object" || person === null || Array.isArray(person)) {
    return {
      ok: false,
      problems: [{ rule: "slashid.field_type", message: "the person must be an object" }],
    };
  }
  const state: State = { problems: undefined, warnings: undefined, handles: 0 };
  for (const key in person) {
    if (Object.prototype.hasOwnProperty.call(person, key) && isForbiddenKey(key))
      report(state, "forbidden_key", `${key}: ${FORBIDDEN_KEY_MESSAGE}`);
  }
  const emails = listCell(state, person.emails, "emails", "email");
  const phones = listCell(state, person.phone_numbers, "phone_numbers", "phone");
  const usernames = listCell(state, person.usernames, "usernames", "username");
  if (state.handles === 0) {
    report(
      state,
      "handle_required",
      "emails, phone_numbers, usernames: a person needs at least one handle (an email, a phone number or a username)",
    );
  }
  const region: unknown = person.region;
  if (region !== undefined && !(typeof region === "string" && isCell(region))) {
    report(
      state,
      "region",
      `region: ${show(region)} is not a region name (a non-empty text without commas)`,
    );
  } else if (typeof region === "string" && !KNOWN_REGIONS.has(region)) {
    (state.warnings ??= []).push(
      `region: ${show(region)} is not among the regions SlashID documents (${SLASHID_REGIONS.join(", ")}); sent as it is`,
    );
  }
  const groups = listCell(state, person.groups, "groups", "name");
  const roles = listCell(state, person.roles, "roles", "name");
  const attributes = attributesCell(state, person.attributes);
  const password: unknown = person.password;
  if (password !== undefined) {
    if (typeof password !== "string") {
      report(state, "field_type", `password: must be a string, got ${typeOf(password)}`);
    } else if (password === "") {
      report(state, "empty_value", "password: must not be empty (leave it out instead)");
    }
  }
  if (state.problems !== undefined) return { ok: false, problems: state.problems };

  const row: SlashIdCsvRow = {};
  if (emails !== undefined) row["slashid:emails"] = emails;
  if (phones !== undefined) row["slashid:phone_numbers"] = phones;
  if (usernames !== undefined) row["slashid:usernames"] = usernames;
  if (person.region !== undefined) row["slashid:region"] = person.region;
  if (groups !== undefined) row["slashid:groups"] = groups;
  if (roles !== undefined) row["slashid:roles"] = roles;
  if (attributes !== undefined) row["slashid:attributes"] = attributes;
  if (typeof password === "string") row["slashid:password"] = password;
  return state.warnings === undefined
    ? { ok: true, item: row }
    : { ok: true, item: row, warnings: state.warnings };
}

type ListKind = "email" | "phone" | "username" | "name";

/** The comma-separated cell of a list, or undefined when it is absent, empty or broken (reported). */
function listCell(state: State, value: unknown, field: string, kind: ListKind): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    report(state, "field_type", `${field}: must be a list of strings, got ${typeOf(value)}`);
    return undefined;
  }
  const list: readonly unknown[] = value;
  const before = state.problems?.length ?? 0;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (typeof item !== "string") {
      report(state, "field_type", `${field}.${i}: must be a string, got ${typeOf(item)}`);
      continue;
    }
    if (item.trim() === "") {
      report(state, "empty_value", `${field}.${i}: must not be empty`);
      continue;
    }
    if (kind !== "name") state.handles += 1;
    if (item.includes(",")) {
      report(
        state,
        "list_item_comma",
        `${field}.${i}: ${show(item)} contains a comma, but ${field} are written comma-separated in one cell`,
      );
    } else if (kind === "email" && !looksLikeEmail(item)) {
      report(
        state,
        "email_format",
        `${field}.${i}: ${show(item)} is not an email address (one @ with text on both sides)`,
      );
    } else if (kind === "phone" && !PHONE.test(item)) {
      report(
        state,
        "phone_format",
        `${field}.${i}: ${show(item)} is not a phone number (digits, spaces, ( ) and -, optionally after a +)`,
      );
    }
  }
  if ((state.problems?.length ?? 0) !== before || list.length === 0) return undefined;
  return list.join(",");
}

function isCell(value: string): boolean {
  return value.trim() !== "" && !value.includes(",");
}

function looksLikeEmail(value: string): boolean {
  const at = value.indexOf("@");
  return at > 0 && at < value.length - 1 && value.indexOf("@", at + 1) === -1;
}

/**
 * The `slashid:attributes` cell: the JSON text of the buckets, built from each value's serialisation (made
 * once, for the size check too). Undefined when there are no attributes or they break a rule (reported).
 */
function attributesCell(state: State, attributes: unknown): string | undefined {
  if (attributes === undefined) return undefined;
  if (!isObject(attributes)) {
    report(
      state,
      "field_type",
      `attributes: must be an object of bucket → { key → value }, got ${typeOf(attributes)}`,
    );
    return undefined;
  }
  const before = state.problems?.length ?? 0;
  let json = "";
  for (const bucket of Object.keys(attributes)) {
    const values = attributes[bucket];
    if (isForbiddenKey(bucket)) {
      report(state, "forbidden_key", `attributes.${bucket}: ${FORBIDDEN_KEY_MESSAGE}`);
      continue;
    }
    if (bucket === "") {
      report(state, "attribute_bucket", `attributes: a bucket name must not be empty`);
      continue;
    }
    if (!KNOWN_BUCKETS.has(bucket)) {
      (state.warnings ??= []).push(
        `attributes.${bucket}: not among the attribute buckets SlashID documents (${SLASHID_ATTRIBUTE_BUCKETS.join(", ")}); sent as it is`,
      );
    }
    if (values === undefined) continue;
    if (!isObject(values)) {
      report(
        state,
        "field_type",
        `attributes.${bucket}: must be an object of key → value, got ${typeOf(values)}`,
      );
      continue;
    }
    let inner = "";
    for (const key of Object.keys(values)) {
      const field = `attributes.${bucket}.${key}`;
      if (isForbiddenKey(key)) {
        report(state, "forbidden_key", `${field}: ${FORBIDDEN_KEY_MESSAGE}`);
        continue;
      }
      const keyBytes = Buffer.byteLength(key, "utf8");
      if (keyBytes === 0 || keyBytes > SLASHID_MAX_ATTRIBUTE_KEY_BYTES) {
        report(
          state,
          "attribute_key_length",
          `${field}: attribute keys must be 1–${SLASHID_MAX_ATTRIBUTE_KEY_BYTES} bytes (UTF-8), this one is ${keyBytes}`,
        );
        continue;
      }
      const value = values[key];
      if (value === undefined) continue; // left out, as JSON.stringify does
      // Checked before serialising: a deep enough value overflows JSON.stringify's stack.
      const unsafe = findUnsafeShape(value);
      if (unsafe !== undefined) {
        report(
          state,
          unsafe.kind,
          `${field}${clip(unsafe.path)}: ${unsafe.kind === "forbidden_key" ? FORBIDDEN_KEY_MESSAGE : NESTING_DEPTH_MESSAGE}`,
        );
        continue;
      }
      const text = serialise(value);
      if (text === undefined) {
        report(
          state,
          "attribute_value_size",
          `${field}: the value is not JSON-serialisable (${typeOf(value)})`,
        );
        continue;
      }
      // Each UTF-16 unit is 1–3 bytes of UTF-8: short texts need no counting.
      const bytes =
        text.length * 3 <= SLASHID_MAX_ATTRIBUTE_VALUE_BYTES ? 0 : Buffer.byteLength(text, "utf8");
      if (bytes > SLASHID_MAX_ATTRIBUTE_VALUE_BYTES) {
        report(
          state,
          "attribute_value_size",
          `${field}: the value is ${bytes} bytes as JSON, more than ${SLASHID_MAX_ATTRIBUTE_VALUE_BYTES}`,
        );
        continue;
      }
      inner += `${inner === "" ? "" : ","}${JSON.stringify(key)}:${text}`;
    }
    json += `${json === "" ? "" : ","}${JSON.stringify(bucket)}:{${inner}}`;
  }
  if ((state.problems?.length ?? 0) !== before || json === "") return undefined;
  return `{${json}}`;
}

/** JSON text of a value, or undefined when it has none (functions, symbols, BigInt, cycles). */
function serialise(value: unknown): string | undefined {
  try {
    return JSON.stringify(value) as string | undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function report(state: State, rule: string, message: string): void {
  (state.problems ??= []).push({ rule: `slashid.${rule}`, message });
}

function show(value: unknown): string {
  if (typeof value !== "string") return typeOf(value);
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
}

/** A path inside a value for a message: at most 80 characters. */
function clip(path: string): string {
  return path.length <= 80 ? path : `${path.slice(0, 77)}…`;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
