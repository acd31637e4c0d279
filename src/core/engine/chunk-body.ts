import type { Chunk } from "./adapter.js";

/**
 * `{"<field>":[…]}` for the chunk items at `positions`, joined from the JSON the engine already made of each
 * item, so a chunk is serialised once. Undefined when the chunk carries no such text (an adapter run without
 * `serialize`): the client then serialises the body itself.
 */
export function joinedJsonBody(
  field: string,
  chunk: Chunk<unknown>,
  positions: readonly number[],
): { serializedBody: string } | undefined {
  if (chunk.serialized.length !== chunk.items.length) return undefined;
  const texts = positions.map((p) => chunk.serialized[p]);
  return { serializedBody: `{${JSON.stringify(field)}:[${texts.join(",")}]}` };
}

/**
 * Whether `error` is what building a body longer than one string can hold (about 512 MiB in Node) throws:
 * such a body never went out.
 */
export function tooLongToBuild(error: unknown): boolean {
  return error instanceof RangeError && error.message === "Invalid string length";
}
