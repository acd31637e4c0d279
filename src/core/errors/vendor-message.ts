import { textStart } from "../cut-text.js";

/** The fields an error body commonly states its reason in, in the order they are preferred. */
const TEXT_FIELDS = ["message", "error", "detail", "title"] as const;
/** The fields that commonly list several reasons, as strings or as objects with a text field. */
const LIST_FIELDS = ["messages", "errors"] as const;

/**
 * What an error body says in words, for an answer no spec describes (a 413 from the vendor or a proxy): a
 * top-level string `message`, `error`, `detail` or `title`; else the strings of a `messages` or `errors` list
 * (each a string or an object with one of those fields), joined with `; `; else the same inside an `error`
 * object (`{"error": {"messages": [...]}}`). Whitespace runs become one space. At most `max` characters, cut
 * without regard to secrets: the caller scrubs it as it scrubs all vendor text. Undefined when it says nothing.
 */
export function vendorMessage(body: unknown, max: number): string | undefined {
  const found = wordsOf(body) ?? wordsOf(field(body, "error"));
  return found === undefined ? undefined : textStart(found, max);
}

function wordsOf(body: unknown): string | undefined {
  for (const name of TEXT_FIELDS) {
    const text = textOf(field(body, name));
    if (text !== undefined) return text;
  }
  for (const name of LIST_FIELDS) {
    const list = field(body, name);
    if (!Array.isArray(list)) continue;
    const texts = list
      .map((item: unknown) => textOf(item) ?? firstText(item))
      .filter((text): text is string => text !== undefined);
    if (texts.length > 0) return texts.join("; ");
  }
  return undefined;
}

function firstText(item: unknown): string | undefined {
  for (const name of TEXT_FIELDS) {
    const text = textOf(field(item, name));
    if (text !== undefined) return text;
  }
  return undefined;
}

/** An own property of a plain object: never one its prototype lends it. */
function field(value: unknown, name: string): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

function textOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.replace(/\s+/g, " ").trim();
  return text === "" ? undefined : text;
}
