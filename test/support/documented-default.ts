// The `@default` a TSDoc comment states for an option, read from the source: README "Client options" says
// each option's default is the one in its interface's TSDoc.
import { readFileSync } from "node:fs";

/**
 * The value the `@default` of `option` states in `file` (a path from the package root; its doc comment's
 * first `@default`, up to a parenthesis): a number (`30000`, `16777216`), a `{@link CONSTANT}` (its value
 * in `linked`), or a quoted string.
 */
export function documentedDefault(
  file: string,
  option: string,
  linked: Record<string, number> = {},
): unknown {
  const source = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
  const docs = [...source.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:readonly\s+)?(\w+)\?:/g)];
  const doc = docs.find((match) => match[2] === option)?.[1];
  const stated = doc === undefined ? undefined : /@default\s+([^(\n]+)/.exec(doc)?.[1]?.trim();
  if (stated === undefined) throw new Error(`${file}: no @default for ${option}`);
  const link = /^\{@link (\w+)\}$/.exec(stated)?.[1];
  if (link !== undefined) return linked[link];
  if (/^".*"$/.test(stated)) return JSON.parse(stated) as string;
  const number = Number(stated.replaceAll("_", ""));
  if (Number.isNaN(number))
    throw new Error(`${file}: ${option}'s @default is not a value: ${stated}`);
  return number;
}
