import type { ResponseShape } from "./operation-table.js";

/** How many problems one reason names; the rest are left out. */
const MAX_PROBLEMS = 5;

/**
 * What a parsed JSON body lacks against its documented shape, as readable problems (`missing required field
 * job.id`, `field job.id is a number, expected string`); empty when it conforms. Walks with an explicit stack,
 * so a deeply nested body cannot overflow the call stack.
 */
export function shapeProblems(body: unknown, shape: ResponseShape): string[] {
  const problems: string[] = [];
  const pending: { value: unknown; shape: ResponseShape; path: string }[] = [
    { value: body, shape, path: "" },
  ];
  while (pending.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value, shape: expected, path } = pending.pop()!;
    if (expected.type !== undefined && !hasType(value, expected.type)) {
      const types = typeof expected.type === "string" ? expected.type : expected.type.join(" or ");
      problems.push(
        path === ""
          ? `body is ${kindOf(value)}, expected ${types}`
          : `field ${path} is ${kindOf(value)}, expected ${types}`,
      );
      continue;
    }
    if (expected.required !== undefined && isObject(value)) {
      const entries = Object.entries(expected.required);
      // Pushed in reverse so problems are reported in the spec's order.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [name, fieldShape] = entries[i]!;
        const fieldPath = path === "" ? name : `${path}.${name}`;
        if (Object.hasOwn(value, name)) {
          pending.push({ value: value[name], shape: fieldShape, path: fieldPath });
        } else {
          pending.push({ value: MISSING, shape: {}, path: fieldPath });
        }
      }
    }
    if (value === MISSING) problems.push(`missing required field ${path}`);
    if (expected.items !== undefined && Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        pending.push({ value: value[i], shape: expected.items, path: `${path}[${i}]` });
      }
    }
  }
  return problems;
}

const MISSING = Symbol("missing");

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function hasType(value: unknown, type: string | readonly string[]): boolean {
  const types = typeof type === "string" ? [type] : type;
  return types.some((t) => {
    switch (t) {
      case "object":
        return isObject(value);
      case "array":
        return Array.isArray(value);
      case "string":
        return typeof value === "string";
      case "number":
        return typeof value === "number";
      case "integer":
        return Number.isInteger(value);
      case "boolean":
        return typeof value === "boolean";
      case "null":
        return value === null;
      default:
        // A type this check does not know is not held against the body.
        return true;
    }
  });
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}
