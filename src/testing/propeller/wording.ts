// Propeller's words, as data: its error pages, its fault bodies and how its (everit) schema validator phrases
// what ajv finds.

export const MORE_INFO = "https://www.propel.us/docs/errors";

/** Per injected status: the error envelope's type and message, and the OAuth error code of the token endpoint. */
export const FAULT_ANSWERS: Readonly<Record<number, readonly [string, string, string]>> = {
  429: ["TooManyRequests", "Too many requests", "slow_down"],
  500: ["InternalServerError", "Internal server error", "server_error"],
  503: ["ServiceUnavailable", "Service unavailable", "temporarily_unavailable"],
};

export const PARENT_MISMATCH =
  "#: 0 subschemas matched instead of one (expected {id} or {source, sourceId})";

/** The closed schema at a JSON pointer of the request body, whose extraneous keys are named one by one. */
export const CLOSED_AT: readonly (readonly [
  RegExp,
  "BulkUsersBySourceIdRequest" | "BulkUser" | "Address" | "UserAttributeValue",
])[] = [
  [/^$/, "BulkUsersBySourceIdRequest"],
  [/^\/users\/\d+$/, "BulkUser"],
  [/^\/users\/\d+\/addresses\/\d+$/, "Address"],
  [/^\/users\/\d+\/attributes\/\d+$/, "UserAttributeValue"],
];

const jsonType = (value: unknown): string =>
  value === null
    ? "Null"
    : Array.isArray(value)
      ? "JSONArray"
      : typeof value === "number"
        ? Number.isInteger(value)
          ? "Integer"
          : "BigDecimal"
        : (({ object: "JSONObject", boolean: "Boolean" } as Record<string, string>)[typeof value] ??
          "String");

/** ajv's message → everit's, given the offending value. */
export const EVERIT: readonly (readonly [
  RegExp,
  (m: RegExpExecArray, value: unknown) => string,
])[] = [
  [/^must have required property '(.+)'$/, (m) => `required key [${m[1]}] not found`],
  [
    /^must be ([a-z,]+)$/,
    (m, value) =>
      `expected type: ${m[1]!
        .split(",")
        .map((t) => t[0]!.toUpperCase() + t.slice(1))
        .join(" or ")}, found: ${jsonType(value)}`,
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
