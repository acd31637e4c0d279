// README names rule ids a reader filters a report on (`slashid.unknown_field`, `input.type`, …). Each must be
// one the code gives: a vendor's (its `<VENDOR>_RULES`), the engine's (`<vendor>.unreadable_record`), or the
// CLI's input reader's (`input.*`). The CLI's `input.*` rules are documented nowhere else, so each of them
// must be in README too.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FULLSTORY_RULES } from "../../src/fullstory/index.js";
import { PROPELLER_RULES } from "../../src/propeller/index.js";
import { SLASHID_RULES } from "../../src/slashid/index.js";
import { USERPILOT_RULES } from "../../src/userpilot/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const readme = read("README.md");
const sourcesIn = (dir: string) =>
  readdirSync(path.join(root, dir))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => read(path.join(dir, name)))
    .join("\n");

/** Each vendor's rule names (`unknown_field`), from the ids its `<VENDOR>_RULES` lists. */
const VENDOR_RULES: Record<string, Set<string>> = Object.fromEntries(
  Object.entries({
    fullstory: FULLSTORY_RULES,
    slashid: SLASHID_RULES,
    propeller: PROPELLER_RULES,
    userpilot: USERPILOT_RULES,
  }).map(([vendor, rules]) => [
    vendor,
    new Set(Object.values(rules).map((id: string) => id.slice(vendor.length + 1))),
  ]),
);
/** Rules the engine gives under any vendor's name: `${adapter.vendor}.payload_size`, … */
const ENGINE_RULES = new Set(
  [...sourcesIn("src/core/engine").matchAll(/`\$\{[\w.]+\}\.([a-z_]+)`/g)].map((m) => m[1]!),
);
const INPUT_RULES = new Set(
  [...sourcesIn("src/cli").matchAll(/"input\.([a-z_]+)"/g)].map((m) => m[1]!),
);

/** `<vendor>.ts` in the Layout section is a file, not a rule. */
const NOT_RULES = new Set(["<vendor>.ts"]);
const named = [
  ...new Set(
    [...readme.matchAll(/`((<vendor>|fullstory|slashid|propeller|userpilot|input)\.[a-z_]+)`/g)]
      .map((m) => m[1]!)
      .filter((id) => !NOT_RULES.has(id)),
  ),
];

function given(id: string): boolean {
  const [owner, rule] = id.split(".") as [string, string];
  if (owner === "input") return INPUT_RULES.has(rule);
  const vendors = owner === "<vendor>" ? Object.keys(VENDOR_RULES) : [owner];
  return ENGINE_RULES.has(rule) || vendors.some((vendor) => VENDOR_RULES[vendor]?.has(rule));
}

describe("rule ids in README.md", () => {
  it("finds rule ids on both sides", () => {
    expect(named.length).toBeGreaterThan(5);
    expect(INPUT_RULES.size).toBeGreaterThan(2);
    expect(ENGINE_RULES).toContain("unreadable_record");
  });

  it.each(named)("%s is a rule the code gives", (id) => {
    expect(given(id)).toBe(true);
  });

  it.each([...INPUT_RULES])("the CLI's input.%s is in README.md", (rule) => {
    expect(named).toContain(`input.${rule}`);
  });
});
