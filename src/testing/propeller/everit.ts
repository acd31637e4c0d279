// A bulk request that breaks the schema is refused whole (400 10007), one message per problem, worded as the
// everit validator words it, pointing at the item: `#/users/3: required key [sourceId] not found`. The bulk
// page's message reads so; that Propeller uses everit, refuses whole, says each problem once: UNCONFIRMED.
import { rules } from "../../../generated/propeller.rules.js";

type Options = {
  readonly maxUsers?: number | undefined;
  readonly requiredFields?: readonly string[] | undefined;
};

type Closed = "BulkUsersBySourceIdRequest" | "BulkUser" | "Address" | "UserAttributeValue";
/** The closed schema at a path (indexes as `#`), whose extraneous keys everit names one by one. */
const CLOSED: Readonly<Record<string, Closed | undefined>> = {
  "": "BulkUsersBySourceIdRequest",
  "/users/#": "BulkUser",
  "/users/#/addresses/#": "Address",
  "/users/#/attributes/#": "UserAttributeValue",
};

const isObject = (value: unknown): value is object => value !== null && typeof value === "object";
const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function everitType(value: unknown): string {
  if (value === null) return "Null";
  if (Array.isArray(value)) return "JSONArray";
  if (typeof value === "number") return Number.isInteger(value) ? "Integer" : "BigDecimal";
  return typeof value === "object"
    ? "JSONObject"
    : typeof value === "boolean"
      ? "Boolean"
      : "String";
}

/** ajv's message → everit's, given the offending value. */
const EVERIT: readonly (readonly [RegExp, (m: RegExpExecArray, value: unknown) => string])[] = [
  [/^must have required property '(.+)'$/, (m) => `required key [${m[1]}] not found`],
  [
    /^must be ([a-z,]+)$/,
    (m, v) =>
      `expected type: ${m[1]!.split(",").map(capitalized).join(" or ")}, found: ${everitType(v)}`,
  ],
  [
    /^must be equal to one of the allowed values$/,
    (_, v) => `${JSON.stringify(v)} is not a valid enum value`,
  ],
  [/^must match pattern "(.+)"$/, (m, v) => `string [${String(v)}] does not match pattern ${m[1]}`],
  [
    /^must NOT have fewer than (\d+) items$/,
    (m, v) => `expected minimum item count: ${m[1]}, found: ${Array.isArray(v) ? v.length : 0}`,
  ],
];

/** The body's problems (ajv's against `BulkUsersBySourceIdRequest`, and the options'), each once. */
export function everitProblems(
  body: unknown,
  ajvProblems: readonly string[],
  { maxUsers, requiredFields = [] }: Options,
): string[] {
  const problems = new Set<string>();
  const sent = (body as { users?: unknown } | null)?.users;
  const users: unknown[] = Array.isArray(sent) ? sent : [];
  if (maxUsers !== undefined && users.length > maxUsers)
    problems.add(`#/users: expected maximum item count: ${maxUsers}, found: ${users.length}`);
  for (const problem of ajvProblems) {
    const space = problem.indexOf(" ");
    const path = problem.slice(0, space) === "/" ? "" : problem.slice(0, space);
    for (const message of everit(path, problem.slice(space + 1), body)) problems.add(message);
  }
  users.forEach((user, n) => {
    for (const field of requiredFields)
      if (isObject(user) && !Object.hasOwn(user, field))
        problems.add(`#/users/${n}: required key [${field}] not found`);
  });
  return [...problems];
}

function everit(path: string, message: string, body: unknown): string[] {
  // `parent` is a oneOf of two closed objects: ajv reports every branch; Propeller presumably says it once.
  const parent = /^(\/users\/\d+\/parent)(\/|$)/.exec(path);
  if (parent !== null)
    return [
      `#${parent[1]}: #: 0 subschemas matched instead of one (expected {id} or {source, sourceId})`,
    ];
  let value = body;
  for (const key of path.split("/").slice(1))
    value = isObject(value) ? Reflect.get(value, key) : value;
  const closed = CLOSED[path.replace(/\/\d+/g, "/#")];
  if (message === "must NOT have additional properties" && closed && isObject(value)) {
    const allowed: object = rules[closed].properties;
    const extra = Object.keys(value).filter((key) => !Object.hasOwn(allowed, key));
    return extra.map((key) => `#${path}: extraneous key [${key}] is not permitted`);
  }
  for (const [pattern, word] of EVERIT) {
    const match = pattern.exec(message);
    if (match !== null) return [`#${path}: ${word(match, value)}`];
  }
  return [`#${path}: ${message}`];
}
