// The spec is the single source of truth, yet a validator reads only the keywords it was written for: a
// `pattern` or an `enum` a vendor change adds to a record schema would be sent unchecked, the vendor (and the
// simulator) would refuse it, and no other test would fail. So every (schema path, keyword) of the record
// schemas each validator covers is held to a table of what that validator reads, found by reading its code
// and, at each limit, by probing it: a record at the spec's value passes, one past it does not. Each vendor's
// table is its test profile's `guard`, from its test/<vendor>/spec-guard.ts.
import { describe, expect, it } from "vitest";
import { VENDOR_NAMES } from "../src/vendors.js";
import type { Json } from "./support/spec-guard.js";
import { loadSpec } from "./support/specs.js";
import { VENDOR_PROFILES } from "./support/vendor-profiles.js";

/** Keys that only annotate a schema; `x-unconfirmed` marks a SlashID column as optional in the file. */
const ANNOTATIONS = new Set([
  ...["description", "title", "examples", "example", "deprecated", "$comment", "default"],
  ...["externalDocs", "x-unconfirmed"],
]);
const SUBSCHEMA = new Set([
  ...["items", "additionalProperties", "propertyNames", "contains", "contentSchema"],
  ...["if", "then", "else", "unevaluatedProperties", "unevaluatedItems"],
]);
const LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const MAPS = new Set(["properties", "patternProperties", "dependentSchemas"]);
const PROBED = new Set(["maxLength", "enum"]);
/** Another `$ref` is no component: it is counted as a keyword, so it fails as unread. */
const REF = "#/components/schemas/";

/**
 * Every `path keyword` of `roots`, each `$ref`'d component walked once under its own name. Any key not known
 * as an annotation or a subschema counts (a new `x-` limit, `dependentRequired`…); `not` is one constraint.
 */
function constraints(schemas: Json, roots: readonly string[]): Set<string> {
  const found = new Set<string>();
  const queue = [...roots];
  const visit = (node: unknown, path: string): void => {
    if (node === false) found.add(`${path} false`);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(REF)) {
        if (!queue.includes(value.slice(REF.length))) queue.push(value.slice(REF.length));
      } else if (SUBSCHEMA.has(key) && value === false) found.add(`${path} ${key}`);
      else if (SUBSCHEMA.has(key)) visit(value, `${path}.${key}`);
      else if (LISTS.has(key))
        (value as unknown[]).forEach((v, i) => visit(v, `${path}.${key}.${i}`));
      else if (MAPS.has(key))
        for (const [name, v] of Object.entries(value as Json)) visit(v, `${path}.${key}.${name}`);
      else if (!ANNOTATIONS.has(key))
        found.add(`${path} ${key === "type" ? `type:${[value].flat().join("|")}` : key}`);
    }
  };
  for (const name of queue) visit(schemas[name], name); // sees the names pushed as it goes
  return found;
}

/** `path` or `path keyword` matched by a pattern of the same form, `*` standing for any one name. */
const matches = (pattern: string, path: string) => {
  const [p, q] = [pattern.split(/[. ]/), path.split(/[. ]/)];
  return p.length === q.length && p.every((seg, i) => seg === "*" || seg === q[i]);
};
/** The key of `table` for `path`: its own, else the first `*` one that matches. */
const patternFor = (table: Readonly<Record<string, unknown>>, path: string) =>
  path in table ? path : Object.keys(table).find((pattern) => matches(pattern, path));
const keywordsOf = (entry: string | undefined) => new Set((entry ?? "").split(" ").filter(Boolean));

describe.each(VENDOR_NAMES)("%s record schemas", (vendor) => {
  const { roots, reads, unchecked = {}, probes } = VENDOR_PROFILES[vendor].guard;
  const schemas = (loadSpec(vendor).doc["components"] as Json)["schemas"] as Json;
  const found = constraints(schemas, roots);
  const pairs = [...found].map((pair) => pair.split(" ") as [string, string]);
  const [where, source] = [`specs/${vendor}.yaml`, `src/${vendor}/validate.ts`];
  const isRead = (path: string, keyword: string) => {
    const read = keywordsOf(reads[patternFor(reads, path) ?? ""]);
    const anyType = keyword.startsWith("type:") && read.has("type:*");
    return read.has(keyword) || read.has(`?${keyword}`) || anyType;
  };

  it("have each keyword read by the validator, or say why not", () => {
    const unread = pairs.filter(([path, k]) => !isRead(path, k) && !(`${path} ${k}` in unchecked));
    expect(
      unread.map(
        ([path, k]) =>
          `${where} ${path}: "${k}" is in the spec, and ${source} does not check it: ` +
          "teach the validator (and add the pair here)",
      ),
    ).toEqual([]);
  });

  it("still state every keyword listed here", () => {
    const stale = Object.entries(reads).flatMap(([pattern, entry]) => {
      if (!pairs.some(([path]) => matches(pattern, path)))
        return [`${pattern}: no such schema path`];
      const owns = (k: string) =>
        pairs.some(([path, keyword]) => keyword === k && patternFor(reads, path) === pattern);
      return [...keywordsOf(entry)]
        .filter((k) => !k.startsWith("?") && k !== "type:*" && !owns(k))
        .map((k) => `${pattern}: "${k}"`);
    });
    // A `*` probe is for a field the spec may add: it is stale only once its path is gone.
    const gone = (key: string) =>
      key.includes("*")
        ? !pairs.some(([path]) => matches(key.split(" ")[0]!, path))
        : !found.has(key);
    stale.push(...[...Object.keys(unchecked), ...Object.keys(probes)].filter(gone));
    expect(
      stale.map((line) => `${where} ${line} is listed here but gone from the spec: drop it`),
    ).toEqual([]);
  });

  it("pass a record at each probed limit, and not one past it", () => {
    const missing = pairs.filter(
      ([path, k]) => PROBED.has(k) && patternFor(probes, `${path} ${k}`) === undefined,
    );
    expect(missing.map(([path, k]) => `${where} ${path} ${k}: no probe`)).toEqual([]);
    const wrong = pairs.flatMap(([path, k]) => {
      const probe = probes[patternFor(probes, `${path} ${k}`) ?? ""];
      if (probe === undefined) return [];
      const names = path.split(".");
      const node = names.reduce<unknown>((n, key) => (n as Json)[key], schemas) as Json;
      const [atLimit, pastIt] = [probe(node, 0, names.at(-1)!), probe(node, 1, names.at(-1)!)];
      // Past a limit a record is refused; past a documented list not known to be closed, it is warned about.
      const expected = k === "x-known-values" ? 1 : 2;
      return atLimit === 0 && pastIt === expected
        ? []
        : [`${where} ${path} ${k}: ${atLimit}, then ${pastIt} (${expected} expected)`];
    });
    expect(wrong, "verdicts at the limit, then past it: 0 sent, 1 warned, 2 refused").toEqual([]);
  });
});
