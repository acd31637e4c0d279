import { types } from "node:util";

/**
 * What kind of value a message may say it got: a type name, never the value itself (it may be personal
 * data). Strings are only told apart by being empty; numbers by being finite.
 */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a Date";
  if (typeof value === "object" && types.isBoxedPrimitive(value))
    return `a boxed ${boxedKind(value)}`;
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
      if (typeof name !== "string" || name === "Object" || name === "") return "an object";
      // "an Error"; a U takes "a", as most class names starting with one sound so (Uint8Array, User).
      return /^[AEIOaeio]/.test(name) ? `an ${name}` : `a ${name}`;
    }
  }
}

/** The primitive type a boxed value holds, told without calling its (replaceable) `valueOf`. */
function boxedKind(value: object): string {
  if (types.isNumberObject(value)) return "number (new Number)";
  if (types.isStringObject(value)) return "string (new String)";
  if (types.isBooleanObject(value)) return "boolean (new Boolean)";
  return types.isBigIntObject(value) ? "bigint" : "symbol";
}
