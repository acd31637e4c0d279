// What the simulator does with a user's custom properties: which it refuses (the spec's limits), how a write
// merges them into the stored ones (its choice: FullStory's merge is UNCONFIRMED), and the type it lists.
import type { components } from "../../../generated/fullstory.js";
import { rules } from "../../../generated/fullstory.rules.js";

type SchemaType = components["schemas"]["SchemaType"];
type Properties = Record<string, unknown>;

const MAX_BYTES = rules.UserProperties["x-max-value-bytes"];
const MAX_PATH = rules.UserProperties["x-max-path-length"];
/** Nested names follow the top-level names' rule, which the request schema checks. */
const NAME = new RegExp(rules.UserProperties.propertyNames.pattern);
const SCALARS: Record<string, SchemaType> = { string: "str", number: "real", boolean: "bool" };

const isObject = (value: unknown): value is Properties =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Why FullStory refuses properties it does not store, if it does (names and sizes are the spec's). */
export function propertyProblem(
  properties: Properties | undefined,
  prefix = "",
): string | undefined {
  for (const [name, value] of Object.entries(properties ?? {})) {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    if (prefix !== "" && (!NAME.test(name) || path.length > MAX_PATH))
      return `property ${path}: a nested name must match ${NAME.source}, within a path of ${MAX_PATH}`;
    if (isObject(value)) {
      const inner = propertyProblem(value, path);
      if (inner !== undefined) return inner;
    } else if (Array.isArray(value) && value.some((v) => v !== null && typeof v === "object")) {
      return `property ${path}: arrays of objects are not supported`;
    } else {
      const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_BYTES)
        return `property ${path}: value is ${bytes} bytes, more than the ${MAX_BYTES} allowed`;
    }
  }
  return undefined;
}

/** Merges properties (the simulator's choice, UNCONFIRMED): nested objects by path; the rest replaces. */
export function mergeProperties(base: Readonly<Properties>, update: Properties): Properties {
  const out: Properties = { ...base };
  for (const [name, value] of Object.entries(update)) {
    const current = out[name];
    // No copy of `value`: it comes from a request body parsed for this write alone.
    out[name] = isObject(current) && isObject(value) ? mergeProperties(current, value) : value;
  }
  return out;
}

/** The declared or inferred type of every leaf property, by dotted path (numbers are `real`). */
export function typesOf(properties: Properties, declared: Record<string, SchemaType>, prefix = "") {
  const out: Record<string, SchemaType> = {};
  for (const [name, value] of Object.entries(properties)) {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    if (isObject(value)) Object.assign(out, typesOf(value, declared, path));
    else {
      const type = (Object.hasOwn(declared, path) ? declared[path] : undefined) ?? inferType(value);
      if (type !== undefined) out[path] = type;
    }
  }
  return out;
}

function inferType(value: unknown): SchemaType | undefined {
  if (!Array.isArray(value)) return SCALARS[typeof value];
  const first: unknown = value.find((v) => v !== null);
  return typeof first === "number" ? "reals" : typeof first === "boolean" ? "bools" : "strs";
}
