import { textStart } from "../core/cut-text.js";
import type { Rejection, Validation } from "../core/engine/adapter.js";
import {
  FORBIDDEN_KEY_MESSAGE,
  NESTING_DEPTH_MESSAGE,
  findUnsafeShape,
  isForbiddenKey,
} from "../core/unsafe-input.js";
import { hasBlanksAround, isBlank } from "../core/validate/blank.js";
import { kindOf } from "../core/validate/describe.js";
import { RuleProblems } from "../core/validate/rule-problems.js";
import {
  MALFORMED_TEXT_MESSAGE,
  NOT_FINITE_MESSAGE,
  VALUE_TO_JSON_MESSAGE,
  DROPPED_MESSAGE,
  findSendHazard,
  NOT_PLAIN_MESSAGE,
  isObjectOfKeys,
  isWellFormedText,
  wellFormed,
  type SendHazard,
} from "../core/validate/sent-as-validated.js";
import { rules } from "../../generated/slashid.rules.js";
import {
  SLASHID_ATTRIBUTE_BUCKETS,
  SLASHID_PERSON_FIELDS,
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
const PHONE = /^\+?(?=[^0-9]*[0-9])[0-9 ()-]{3,}$/;
const NO_PROBLEMS: readonly Rejection[] = Object.freeze([]);
const BLANKS_AROUND_MESSAGE = "must not have blanks around it (a CSV cell's are trimmed when read)";
const BLANK_BUCKET_MESSAGE =
  "must not have blanks around it, nor be only blanks (none of SlashID's bucket names has any)";
const BLANK_KEY_MESSAGE =
  "must not have blanks around it, nor be only blanks (whether SlashID keeps them is UNCONFIRMED)";

/** The rule ids {@link validateSlashIdPerson} reports (see there for what each one asks). */
export const SLASHID_RULES = {
  /** No email, phone number or username: SlashID needs at least one. */
  handleRequired: "slashid.handle_required",
  /** A `region` that is not a string, is blank, or holds a comma. */
  region: "slashid.region",
  /** An empty attribute bucket name. */
  attributeBucket: "slashid.attribute_bucket",
  /** An attribute key empty or over its byte limit. */
  attributeKeyLength: "slashid.attribute_key_length",
  /** An attribute value not JSON-serialisable, or over its byte limit serialised. */
  attributeValueSize: "slashid.attribute_value_size",
  /** A list item with a comma, which SlashID would split in two. */
  listItemComma: "slashid.list_item_comma",
  /**
   * A region, email, phone number, username, group, role, attribute bucket name or attribute key with blanks
   * around it (anything `String.prototype.trim` removes: spaces, tabs, CR, LF, no-break spaces), or a bucket
   * name or attribute key of blanks only.
   */
  blanksAround: "slashid.blanks_around",
  /** An email without exactly one `@` with text on both sides. */
  emailFormat: "slashid.email_format",
  /** A phone number not of 3 or more characters (digits, spaces, `()`, `-`; one a digit) after an optional `+`. */
  phoneFormat: "slashid.phone_format",
  /** An empty or blank list item, or an empty `password`. */
  emptyValue: "slashid.empty_value",
  /** A field not of its declared type. */
  fieldType: "slashid.field_type",
  /** A key named `__proto__`, `constructor` or `prototype` anywhere in the person. */
  forbiddenKey: "slashid.forbidden_key",
  /** An attribute value nested more than 32 levels deep (our bound, not SlashID's). */
  nestingDepth: "slashid.nesting_depth",
  /** A string or key holding a lone UTF-16 surrogate. */
  malformedText: "slashid.malformed_text",
  /** An object inside an attribute value whose `toJSON` would change what is sent. */
  toJson: "slashid.to_json",
  /** A NaN or ±Infinity inside an attribute value, which would be sent as `null`. */
  notFinite: "slashid.not_finite",
  /** A field that is not one of {@link SlashIdPerson}'s, whose data SlashID would never see. */
  unknownField: "slashid.unknown_field",
} as const;

/** A rule id {@link validateSlashIdPerson} reports. */
export type SlashIdRule = (typeof SLASHID_RULES)[keyof typeof SLASHID_RULES];

const R = SLASHID_RULES;

const KNOWN_REGIONS: ReadonlySet<string> = new Set(SLASHID_REGIONS);
const KNOWN_BUCKETS: ReadonlySet<string> = new Set(SLASHID_ATTRIBUTE_BUCKETS);
const BUCKET_HINT = `; attributes map a bucket (such as end_user_read_write) to an object of key → value`;
const KNOWN_FIELDS: ReadonlySet<string> = new Set(SLASHID_PERSON_FIELDS);
const UNKNOWN_FIELD_MESSAGE = `unknown field; a person has only ${SLASHID_PERSON_FIELDS.join(", ")} (in a CSV file, the columns slashid:<field>)`;

/** The rule and message of each way an attribute value would not reach SlashID as it is (a bigint aside). */
const HAZARDS: Record<Exclude<SendHazard["kind"], "not_json">, readonly [SlashIdRule, string]> = {
  to_json: [R.toJson, VALUE_TO_JSON_MESSAGE],
  malformed_text: [R.malformedText, MALFORMED_TEXT_MESSAGE],
  not_finite: [R.notFinite, NOT_FINITE_MESSAGE],
  not_plain: [R.fieldType, NOT_PLAIN_MESSAGE],
  dropped: [R.fieldType, DROPPED_MESSAGE],
};

/**
 * A person as the row to upload (with warnings about values outside the lists SlashID's documentation
 * gives, which are sent anyway), or every rule it breaks.
 */
export type SlashIdCheck = Validation<SlashIdCsvRow>;

/**
 * Every SlashID rule the person breaks (empty when it can be imported), under the validation policy of
 * `RuleProblems` (core/validate). Rule ids ({@link SLASHID_RULES}):
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
 * - `slashid.blanks_around`: no region, email, phone number, username, group, role, attribute bucket name
 *   or attribute key has blanks around it (what `String.prototype.trim` removes, a tab, CR, no-break
 *   space, ideographic space, line separator or byte order mark too, as Propeller's `required` counts them;
 *   not a zero-width space; none of SlashID's region or bucket names has them), and no bucket name or
 *   attribute key is blanks only. Not trimmed here, as no value given is changed, while `personFromCsvRow`
 *   trims the region cell and each value of a CSV list cell (the `slashid:attributes` cell is JSON, read as
 *   written). A bucket name or key is named JSON-quoted, its blanks shown
 *   (`attributes.end_user_read_write." plan"`).
 *   The password and attribute values are sent as written, blanks and all.
 * - `slashid.email_format`: an email has exactly one `@` with text on both sides (lenient on purpose).
 * - `slashid.phone_format`: a phone number is digits, spaces, `()`, `-`, optionally after a `+` (at least
 *   3 characters, one a digit: `---` is a placeholder, not a number); E.164 is UNCONFIRMED as SlashID's
 *   requirement, so it is not enforced.
 * - `slashid.empty_value`: no empty (or blank) value in a list, and no empty `password`.
 * - `slashid.field_type`: each field has the declared type (for records built without TypeScript).
 * - `slashid.forbidden_key`: no key named `__proto__`, `constructor` or `prototype` anywhere in the person
 *   (a field, a bucket, an attribute key, inside an attribute value): it could reach a prototype.
 * - `slashid.nesting_depth`: an attribute value nests objects and arrays at most 32 levels deep (our bound,
 *   not SlashID's: deeper values would overflow the stack when serialised).
 * - `slashid.malformed_text`: no string (a handle, a group or role, the region, the password, a bucket name,
 *   an attribute key, a string or key inside an attribute value) holds a lone UTF-16 surrogate: the file
 *   is UTF-8, where it becomes U+FFFD, so two different values would reach SlashID as one.
 * - `slashid.to_json`: no object inside an attribute value, other than a Date, has a `toJSON` method (own or
 *   inherited): the cell would hold what it returns, not what was validated. The person itself may inherit
 *   one (an own one is an unknown field): its cells are built field by field, never with JSON.stringify of
 *   the person.
 * - `slashid.not_finite`: no number inside an attribute value is NaN or ±Infinity (`1e400` in a JSON file
 *   reads as Infinity): JSON.stringify writes `null` for it, which SlashID may store over the value it holds.
 * - `slashid.unknown_field`: the person has only the fields of {@link SlashIdPerson} (one per column of
 *   specs/slashid.yaml `PersonCsvRow`); SlashID would never see another, so its data would be lost unsaid.
 *   `personFromCsvRow` carries a filled cell of an unknown column as a field of that name.
 */
export function validateSlashIdPerson(person: SlashIdPerson): readonly Rejection[] {
  const checked = checkSlashIdPerson(person);
  return checked.ok ? NO_PROBLEMS : checked.problems;
}

interface State {
  readonly problems: RuleProblems<SlashIdRule>;
  /** Values outside a documented list that is not known to be closed: sent, with a warning. */
  warnings: string[] | undefined;
  /** Non-blank values in the handle lists, well-formed or not. */
  handles: number;
}

/** Validates a person and, when it passes, builds its CSV row (cells computed once, here). */
export function checkSlashIdPerson(person: SlashIdPerson): SlashIdCheck {
  const state: State = { problems: new RuleProblems(), warnings: undefined, handles: 0 };
  // A Date or a boxed value is no person, even with a person's fields (as JSON it is its text, or bare).
  if (!isObjectOfKeys(person)) {
    state.problems.add(
      R.fieldType,
      "record",
      `must be an object (a person), got ${kindOf(person)}`,
    );
    return { ok: false, problems: state.problems.list() };
  }
  const fields = person as Readonly<Record<string, unknown>>;
  for (const key in fields) {
    if (KNOWN_FIELDS.has(key) || !Object.prototype.hasOwnProperty.call(fields, key)) continue;
    if (fields[key] === undefined) continue;
    if (isForbiddenKey(key)) state.problems.add(R.forbiddenKey, key, FORBIDDEN_KEY_MESSAGE);
    else state.problems.add(R.unknownField, clip(fieldName(key)), UNKNOWN_FIELD_MESSAGE);
  }
  const emails = listCell(state, person.emails, "emails", "email");
  const phones = listCell(state, person.phone_numbers, "phone_numbers", "phone");
  const usernames = listCell(state, person.usernames, "usernames", "username");
  if (state.handles === 0) {
    state.problems.add(
      R.handleRequired,
      "emails, phone_numbers, usernames",
      "a person needs at least one handle (an email, a phone number or a username)",
    );
  }
  const region: unknown = person.region;
  if (region !== undefined && !(typeof region === "string" && isCell(region))) {
    state.problems.add(
      R.region,
      "region",
      `must be a region name (a non-empty text without commas), got ${kindOf(region)}`,
    );
  } else if (typeof region === "string" && !isWellFormedText(region)) {
    state.problems.add(R.malformedText, "region", MALFORMED_TEXT_MESSAGE);
  } else if (typeof region === "string" && hasBlanksAround(region)) {
    // Whether SlashID trims a region cell is UNCONFIRMED (the simulator does not: an unknown region), so
    // sent as written it may fail, or land elsewhere than the record says. Not trimmed here: the library
    // sends what it was given or refuses it (personFromCsvRow trims a CSV cell's as it reads the file).
    state.problems.add(R.blanksAround, "region", BLANKS_AROUND_MESSAGE);
  } else if (typeof region === "string" && !KNOWN_REGIONS.has(region)) {
    (state.warnings ??= []).push(
      `region: not among the regions SlashID documents (${SLASHID_REGIONS.join(", ")}); sent as it is`,
    );
  }
  const groups = listCell(state, person.groups, "groups", "name");
  const roles = listCell(state, person.roles, "roles", "name");
  const attributes = attributesCell(state, person.attributes);
  const password: unknown = person.password;
  // Blanks around a password are not refused, as they are around a list value: they may be part of it (a
  // passphrase, a legacy hash format), and personFromCsvRow keeps a password cell as written. Attribute
  // values are JSON data, sent as their JSON gives them (a CSV cell's JSON is parsed, not trimmed, either).
  if (password !== undefined) {
    if (typeof password !== "string") {
      state.problems.add(R.fieldType, "password", `must be a string, got ${kindOf(password)}`);
    } else if (password === "") {
      state.problems.add(R.emptyValue, "password", "must not be empty (leave it out instead)");
    } else if (!isWellFormedText(password)) {
      state.problems.add(R.malformedText, "password", MALFORMED_TEXT_MESSAGE);
    }
  }
  if (state.problems.count > 0) return { ok: false, problems: state.problems.list() };

  const row: SlashIdCsvRow = {};
  if (emails !== undefined) row["slashid:emails"] = emails;
  if (phones !== undefined) row["slashid:phone_numbers"] = phones;
  if (usernames !== undefined) row["slashid:usernames"] = usernames;
  if (typeof region === "string") row["slashid:region"] = region;
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
    state.problems.add(R.fieldType, field, `must be a list of strings, got ${kindOf(value)}`);
    return undefined;
  }
  const list: readonly unknown[] = value;
  const before = state.problems.count;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const at = `${field}.${i}`;
    if (typeof item !== "string") {
      state.problems.add(R.fieldType, at, `must be a string, got ${kindOf(item)}`);
      continue;
    }
    if (isBlank(item)) {
      state.problems.add(R.emptyValue, at, "must not be empty");
      continue;
    }
    if (kind !== "name") state.handles += 1;
    if (!isWellFormedText(item)) {
      state.problems.add(R.malformedText, at, MALFORMED_TEXT_MESSAGE);
    } else if (item.includes(",")) {
      state.problems.add(
        R.listItemComma,
        at,
        `must not contain a comma: ${field} are written comma-separated in one cell`,
      );
    } else if (hasBlanksAround(item)) {
      // Sent as written, SlashID may keep the blanks (UNCONFIRMED) while our duplicate checks and failed_csv
      // matching compare the value trimmed. Not trimmed here: a value given is sent as it is or refused.
      // Before the format checks: a phone number's pattern lets spaces on either side pass, and fails a tab,
      // a no-break space or a space before its `+` without saying why.
      state.problems.add(R.blanksAround, at, BLANKS_AROUND_MESSAGE);
    } else if (kind === "email" && !looksLikeEmail(item)) {
      state.problems.add(R.emailFormat, at, "not an email address (one @ with text on both sides)");
    } else if (kind === "phone" && !PHONE.test(item)) {
      state.problems.add(
        R.phoneFormat,
        at,
        "not a phone number (3 or more characters: digits, spaces, ( ) and -, optionally after a +, at least one a digit)",
      );
    }
  }
  if (state.problems.count !== before || list.length === 0) return undefined;
  return list.join(",");
}

function isCell(value: string): boolean {
  return !isBlank(value) && !value.includes(",");
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
  if (!isObjectOfKeys(attributes)) {
    state.problems.add(
      R.fieldType,
      "attributes",
      `must be an object of bucket → { key → value }, got ${kindOf(attributes)}`,
    );
    return undefined;
  }
  const before = state.problems.count;
  let json = "";
  // A bucket or key is named clipped: input names them, and a name a megabyte long, repeated whole in a
  // message, made a record's reason (kept in the report, the journal and the log) a megabyte.
  for (const bucket of Object.keys(attributes)) {
    const values = attributes[bucket];
    if (values === undefined) continue; // left out, as JSON.stringify does
    if (isForbiddenKey(bucket)) {
      state.problems.add(R.forbiddenKey, `attributes.${bucket}`, FORBIDDEN_KEY_MESSAGE);
      continue;
    }
    if (bucket === "") {
      state.problems.add(R.attributeBucket, "attributes", "a bucket name must not be empty");
      continue;
    }
    if (!isWellFormedText(bucket)) {
      state.problems.add(
        R.malformedText,
        `attributes.${clip(wellFormed(bucket))}`,
        MALFORMED_TEXT_MESSAGE,
      );
      continue;
    }
    if (hasBlanksAround(bucket)) {
      // Sent as written, an unknown bucket (SlashID's names have no blanks) that SlashID may refuse, or trim
      // into a known one, merging the keys of two buckets the record holds apart.
      state.problems.add(R.blanksAround, `attributes.${quoted(bucket)}`, BLANK_BUCKET_MESSAGE);
      continue;
    }
    const shownBucket = clip(bucket);
    if (!KNOWN_BUCKETS.has(bucket)) {
      (state.warnings ??= []).push(
        `attributes.${shownBucket}: not among the attribute buckets SlashID documents (${SLASHID_ATTRIBUTE_BUCKETS.join(", ")}); sent as it is`,
      );
    }
    if (!isObjectOfKeys(values)) {
      state.problems.add(
        R.fieldType,
        `attributes.${shownBucket}`,
        `must be an object of key → value, got ${kindOf(values)}` +
          // A value under a name no bucket has is most likely a key given without its bucket.
          (KNOWN_BUCKETS.has(bucket) ? "" : BUCKET_HINT),
      );
      continue;
    }
    let inner = "";
    for (const key of Object.keys(values)) {
      const value = values[key];
      if (value === undefined) continue; // left out, as JSON.stringify does
      const field = `attributes.${shownBucket}.${clip(key)}`;
      if (isForbiddenKey(key)) {
        state.problems.add(R.forbiddenKey, field, FORBIDDEN_KEY_MESSAGE);
        continue;
      }
      if (!isWellFormedText(key)) {
        state.problems.add(
          R.malformedText,
          `attributes.${shownBucket}.${clip(wellFormed(key))}`,
          MALFORMED_TEXT_MESSAGE,
        );
        continue;
      }
      if (key !== "" && hasBlanksAround(key)) {
        // Were SlashID to trim keys, ` plan` and `plan` of one bucket would become one key, a value lost.
        state.problems.add(
          R.blanksAround,
          `attributes.${shownBucket}.${quoted(key)}`,
          BLANK_KEY_MESSAGE,
        );
        continue;
      }
      const keyBytes = Buffer.byteLength(key, "utf8");
      if (keyBytes === 0 || keyBytes > SLASHID_MAX_ATTRIBUTE_KEY_BYTES) {
        state.problems.add(
          R.attributeKeyLength,
          field,
          `attribute keys must be 1–${SLASHID_MAX_ATTRIBUTE_KEY_BYTES} bytes (UTF-8), this one is ${keyBytes}`,
        );
        continue;
      }
      // Checked before serialising: a deep enough value overflows JSON.stringify's stack.
      const unsafe = findUnsafeShape(value);
      if (unsafe !== undefined) {
        const forbidden = unsafe.kind === "forbidden_key";
        state.problems.add(
          forbidden ? R.forbiddenKey : R.nestingDepth,
          `${field}${clip(unsafe.path)}`,
          forbidden ? FORBIDDEN_KEY_MESSAGE : NESTING_DEPTH_MESSAGE,
        );
        continue;
      }
      const hazard = findSendHazard(value);
      // A bigint, or a function as the value itself, is left to serialise below, which says the value is
      // not JSON-serialisable.
      const unserialisable =
        hazard?.kind === "not_json" || (hazard?.kind === "dropped" && hazard.path === "");
      if (hazard !== undefined && !unserialisable) {
        const [rule, message] = HAZARDS[hazard.kind];
        state.problems.add(rule, `${field}${clip(hazard.path)}`, message);
        continue;
      }
      const text = serialise(value);
      if (text === undefined) {
        state.problems.add(
          R.attributeValueSize,
          field,
          `the value is not JSON-serialisable (${kindOf(value)})`,
        );
        continue;
      }
      // Each UTF-16 unit is 1–3 bytes of UTF-8: short texts need no counting.
      const bytes =
        text.length * 3 <= SLASHID_MAX_ATTRIBUTE_VALUE_BYTES ? 0 : Buffer.byteLength(text, "utf8");
      if (bytes > SLASHID_MAX_ATTRIBUTE_VALUE_BYTES) {
        state.problems.add(
          R.attributeValueSize,
          field,
          `the value is ${bytes} bytes as JSON, more than ${SLASHID_MAX_ATTRIBUTE_VALUE_BYTES}`,
        );
        continue;
      }
      inner += `${inner === "" ? "" : ","}${JSON.stringify(key)}:${text}`;
    }
    json += `${json === "" ? "" : ","}${JSON.stringify(bucket)}:{${inner}}`;
  }
  if (state.problems.count !== before || json === "") return undefined;
  return `{${json}}`;
}

/** JSON text of a value, or undefined when it has none (functions, symbols, BigInt, cycles). */
function serialise(value: unknown): string | undefined {
  try {
    // Typed as string, but undefined for a function, a symbol or undefined itself.
    const text: string | undefined = JSON.stringify(value);
    return text;
  } catch {
    return undefined;
  }
}

/** A field's name for a message: well-formed, and visible when empty (a CSV column without a header). */
function fieldName(key: string): string {
  return key === "" ? '""' : wellFormed(key);
}

/** A path inside a value for a message: at most 80 characters. */
function clip(path: string): string {
  return path.length <= 80 ? path : `${textStart(path, 77)}…`;
}

/**
 * A bucket name or key JSON-quoted, its blanks shown: whole when the name is of 80 characters or fewer, as
 * {@link clip} shows one unquoted; a longer one clipped, quotes and all. Clipped once quoted, a name of 79 or
 * 80 went over 80 with its quotes and lost its end: the closing quote and the trailing blank refused.
 */
function quoted(name: string): string {
  const text = JSON.stringify(name);
  return name.length <= 80 ? text : clip(text);
}
