// Hostile record shapes for validator and reader tests: deep nesting, and keys that lead to a prototype.

/** `{ key: { key: … leaf } }`, `depth` objects deep, built without recursion. */
export function nestedObject(depth: number, key = "a", leaf: unknown = 1): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { [key]: value };
  return value as Record<string, unknown>;
}

/** The JSON text of {@link nestedObject}, built as text (JSON.stringify itself overflows at this depth). */
export function nestedJson(depth: number, key = "a", leaf = "1"): string {
  const open = `{${JSON.stringify(key)}:`;
  return open.repeat(depth) + leaf + "}".repeat(depth);
}

/**
 * A record as JSON.parse builds it: a `__proto__` key in the text becomes an own key (an object literal in
 * code would set the prototype instead).
 */
export const parsed = (json: string): Record<string, unknown> =>
  JSON.parse(json) as Record<string, unknown>;
