import type { components } from "../../generated/slashid.js";
import { rules } from "../../generated/slashid.rules.js";
import {
  changedInteger,
  duplicateKey,
  duplicateKeyProblem,
  jsonSyntaxProblem,
} from "../core/json-text.js";
import { CellError } from "../vendor-module.js";

const ROW = rules.PersonCsvRow.properties;

/**
 * The regions SlashID's documentation names (specs/slashid.yaml `x-known-values`). The list is not known to
 * be closed, so another region is sent as it is.
 */
export const SLASHID_REGIONS = ROW["slashid:region"]["x-known-values"];

/**
 * The person's geographical region (`slashid:region`; where SlashID stores its data, as we read the name,
 * UNCONFIRMED): a known region, or another SlashID accepts.
 */
export type SlashIdRegion = (typeof SLASHID_REGIONS)[number] | (string & {});

/**
 * The attribute buckets SlashID's documentation names (`x-known-values`), by name only: what each means is
 * read from its name (UNCONFIRMED, see the spec). Another bucket name is sent as it is.
 */
export const SLASHID_ATTRIBUTE_BUCKETS = rules.AttributeBuckets["x-known-values"];

/** An attribute bucket: a known one, or another name SlashID accepts. */
export type AttributeBucket = (typeof SLASHID_ATTRIBUTE_BUCKETS)[number] | (string & {});

/**
 * One person to import into SlashID. It becomes one row of the uploaded CSV; every list becomes one
 * comma-separated cell, so no value in a list may contain a comma. A person with another field is rejected
 * (`slashid.unknown_field`): SlashID would never see it.
 */
export interface SlashIdPerson {
  /**
   * Email addresses (`slashid:emails`). A person needs at least one email, phone number or username. No value
   * of this or another list may have blanks around it (refused, not trimmed, as `slashid.blanks_around`).
   */
  emails?: readonly string[];
  /** Phone numbers (`slashid:phone_numbers`); SlashID's examples are E.164 (`+13475043201`). */
  phone_numbers?: readonly string[];
  /** Usernames (`slashid:usernames`). */
  usernames?: readonly string[];
  /**
   * The person's geographical region (`slashid:region`), without blanks around it (refused, not trimmed, as
   * `slashid.blanks_around`); left out, presumably the organization's default applies (UNCONFIRMED).
   */
  region?: SlashIdRegion;
  /** Names of the groups the person joins (`slashid:groups`). */
  groups?: readonly string[];
  /** Roles (`slashid:roles`). UNCONFIRMED column: it appears in one rendering of SlashID's docs only. */
  roles?: readonly string[];
  /**
   * Attributes by bucket (`slashid:attributes`, written as JSON): keys of at most 70 bytes (UTF-8), values
   * any JSON-serialisable value of at most 64 KiB. An `undefined` value is left out, as JSON.stringify does.
   * A bucket name or key with blanks around it, or of blanks only, is refused (`slashid.blanks_around`).
   */
  attributes?: Partial<Record<AttributeBucket, Record<string, unknown>>>;
  /**
   * A legacy password hash to migrate (`slashid:password`). UNCONFIRMED column: written by SlashID's own
   * SDKs but not in its API reference; which hash formats SlashID accepts is not documented. Sent as written,
   * blanks around it too (a CSV cell's are kept).
   */
  password?: string;
}

/** One validated person as the CSV row the adapter uploads: column → cell, empty cells left out. */
export type SlashIdCsvRow = components["schemas"]["PersonCsvRow"];

/** A column of the persons CSV. */
export type SlashIdColumn = keyof SlashIdCsvRow;

const COLUMNS = Object.entries(ROW) as [SlashIdColumn, object][];
const isUnconfirmed = (column: object) => "x-unconfirmed" in column;

/** The columns SlashID's API reference lists; every uploaded file has them, in the spec's order. */
export const SLASHID_CONFIRMED_COLUMNS: readonly SlashIdColumn[] = COLUMNS.filter(
  ([, c]) => !isUnconfirmed(c),
).map(([name]) => name);

/** UNCONFIRMED columns (`x-unconfirmed`): a file has them only when one of its persons needs them. */
export const SLASHID_UNCONFIRMED_COLUMNS: readonly SlashIdColumn[] = COLUMNS.filter(([, c]) =>
  isUnconfirmed(c),
).map(([name]) => name);

const PREFIX = "slashid:";

type FieldOf<Column> = Column extends `${typeof PREFIX}${infer Field}` ? Field : never;

/** The field of a {@link SlashIdPerson} a column fills: its name without `slashid:`. */
export type SlashIdPersonField = FieldOf<SlashIdColumn>;

/**
 * The fields a {@link SlashIdPerson} has, one per column of the spec's `PersonCsvRow`, in its order (typed
 * so that a column added to the spec without its field in `SlashIdPerson` does not compile).
 */
export const SLASHID_PERSON_FIELDS: readonly (SlashIdPersonField & keyof SlashIdPerson)[] =
  COLUMNS.map(([name]) => name.slice(PREFIX.length) as SlashIdPersonField);

const KNOWN_COLUMNS: ReadonlySet<string> = new Set<string>(COLUMNS.map(([name]) => name));
const KNOWN_FIELDS: ReadonlySet<string> = new Set<string>(SLASHID_PERSON_FIELDS);

/**
 * Reads one row of a CSV file in SlashID's own layout (`slashid:*` columns, e.g. parsed with csv-parse's
 * `columns: true`) as a person: list cells are split on commas and each value trimmed (an empty value is
 * kept, so validation reports it), the region is trimmed (validation refuses either given with blanks
 * around it), the password kept as written, `slashid:attributes` is parsed as JSON, empty cells are left
 * out. A column SlashID does not have (a typo such as `slashid:phone_number`) whose cell holds more than
 * blanks becomes a field of its own name, so validation rejects the person as `slashid.unknown_field`
 * naming the column instead of its data being dropped. Nothing else is checked here: validate the result
 * (the import does).
 *
 * @throws SyntaxError when the `slashid:attributes` cell is not JSON, holds a number JSON.parse would change
 *   (an integer beyond 2^53, `1e-400`) or an object with a key twice, or a filled column is named like a
 *   person's field (`emails`), which the person cannot carry as a column of its own.
 */
export function personFromCsvRow(row: Readonly<Record<string, string>>): SlashIdPerson {
  const person: SlashIdPerson = {};
  const emails = listOf(cell(row, "slashid:emails"));
  if (emails !== undefined) person.emails = emails;
  const phones = listOf(cell(row, "slashid:phone_numbers"));
  if (phones !== undefined) person.phone_numbers = phones;
  const usernames = listOf(cell(row, "slashid:usernames"));
  if (usernames !== undefined) person.usernames = usernames;
  const region = cell(row, "slashid:region")?.trim();
  // Trimmed as a list cell's values are: a cell's blanks are the file's layout (validation refuses a region
  // given with them). Validation checks it against the list; here any other text is carried over as it is.
  if (region !== undefined && region !== "") person.region = region;
  const groups = listOf(cell(row, "slashid:groups"));
  if (groups !== undefined) person.groups = groups;
  const roles = listOf(cell(row, "slashid:roles"));
  if (roles !== undefined) person.roles = roles;
  const attributes = cell(row, "slashid:attributes");
  if (attributes !== undefined && attributes.trim() !== "") {
    try {
      // Validation checks the decoded value's shape (buckets, keys, value sizes).
      person.attributes = JSON.parse(attributes) as NonNullable<SlashIdPerson["attributes"]>;
    } catch (error) {
      // Not the parser's own error as a cause: it quotes the cell, and attributes may be personal data.
      // eslint-disable-next-line preserve-caught-error -- its message is kept, without the excerpt
      throw new SyntaxError(`slashid:attributes: not JSON (${jsonSyntaxProblem(error)})`);
    }
    // Once parsed, an id beyond 2^53 is already another number, which would be uploaded as if written so.
    if (changedInteger(attributes) !== undefined)
      throw new SyntaxError(
        "slashid:attributes: a number in it would not keep its value; write it as a string",
      );
    const twice = duplicateKey(attributes, person.attributes);
    if (twice !== undefined)
      throw new CellError(
        `slashid:attributes: ${duplicateKeyProblem(twice)}`,
        "input.duplicate_key",
      );
  }
  const password = cell(row, "slashid:password");
  if (password !== undefined && password !== "") person.password = password;
  for (const column of Object.keys(row)) {
    const text = row[column];
    if (KNOWN_COLUMNS.has(column) || text === undefined || text.trim() === "") continue;
    if (KNOWN_FIELDS.has(column)) {
      throw new SyntaxError(
        `${column}: not a SlashID column; its columns are named ${PREFIX}<field> (${PREFIX}${column}?)`,
      );
    }
    // Defined, not assigned: a column named `__proto__` stays a field, which validation refuses by name.
    Object.defineProperty(person, column, {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return person;
}

/** A cell of the row: its own columns only, never what an (even polluted) Object.prototype holds. */
function cell(row: Readonly<Record<string, string>>, column: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(row, column) ? row[column] : undefined;
}

function listOf(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  return text.split(",").map((value) => value.trim());
}

/**
 * The columns of the chunk's file: the confirmed ones, and each UNCONFIRMED one (specs/slashid.yaml
 * `x-unconfirmed`: roles, password) when some person has it.
 */
export function columnsOf(items: readonly SlashIdCsvRow[]): readonly SlashIdColumn[] {
  const columns: SlashIdColumn[] = [...SLASHID_CONFIRMED_COLUMNS];
  for (const column of SLASHID_UNCONFIRMED_COLUMNS) {
    if (items.some((item) => item[column] !== undefined)) columns.push(column);
  }
  return columns;
}
