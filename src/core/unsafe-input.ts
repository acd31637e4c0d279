// Shapes of input that no validator lets through, whatever the vendor: keys that reach a prototype when code
// copies or merges the record, and nesting deep enough to overflow a recursive walk or JSON.stringify.

/**
 * Most levels of nested objects and arrays a record may hold inside one field (ours, not a vendor's limit):
 * deeper input is rejected, so no walk over a record, and no JSON.stringify of one that passed, can overflow
 * the stack. Real user data nests a few levels.
 */
export const MAX_NESTING_DEPTH = 32;

/** `__proto__`, `constructor` or `prototype`: as a key path they lead from an object to its prototype. */
export function isForbiddenKey(key: string): boolean {
  return key === "__proto__" || key === "constructor" || key === "prototype";
}

/** What a message says about a forbidden key, after the path naming it. */
export const FORBIDDEN_KEY_MESSAGE =
  "keys named __proto__, constructor or prototype are refused (they can reach an object's prototype)";

/** What a message says about nesting that is too deep, after the path naming it. */
export const NESTING_DEPTH_MESSAGE = `nested more than ${MAX_NESTING_DEPTH} levels deep`;

export interface UnsafeShape {
  readonly kind: "forbidden_key" | "nesting_depth";
  /** Where, below the value checked: `.a.b`, `[3]`, or "" for the value itself. */
  readonly path: string;
}

interface Visit {
  readonly value: object;
  readonly depth: number;
  readonly parent: Visit | undefined;
  readonly step: string;
}

/**
 * The first forbidden key or too-deep nesting in a JSON-like value, found without recursion; `depth` is how
 * deep the value itself already is (1 for a field of the record).
 */
export function findUnsafeShape(value: unknown, depth = 1): UnsafeShape | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const stack: Visit[] = [{ value, depth, parent: undefined, step: "" }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    if (visit.depth > MAX_NESTING_DEPTH) return { kind: "nesting_depth", path: pathOf(visit) };
    const container = visit.value;
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const item: unknown = container[i];
        if (item !== null && typeof item === "object")
          stack.push({ value: item, depth: visit.depth + 1, parent: visit, step: `[${i}]` });
      }
      continue;
    }
    const fields = container as Record<string, unknown>;
    for (const key in fields) {
      if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
      if (isForbiddenKey(key)) return { kind: "forbidden_key", path: `${pathOf(visit)}.${key}` };
      const item = fields[key];
      if (item !== null && typeof item === "object")
        stack.push({ value: item, depth: visit.depth + 1, parent: visit, step: `.${key}` });
    }
  }
  return undefined;
}

function pathOf(visit: Visit): string {
  let path = "";
  for (let v: Visit | undefined = visit; v !== undefined; v = v.parent) path = v.step + path;
  return path;
}
