// README "Lost answers" gives each vendor's `replay.by`, the field an integrator reads to learn what a replay
// does at that vendor: each row must name what the vendor's adapter states. So must the limits README gives
// (the vendor table's "≤N users", "Per vendor"'s chunk column), which the adapters read from the specs: a
// regenerated spec that changes one leaves README stating the old one, and no other test fails.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ADAPTERS } from "./vendor-adapters.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

/** The `replay.by` README's "Lost answers" table gives the vendor titled `title`. */
function documentedReplay(title: string): string | undefined {
  const section = readme.slice(readme.indexOf("### Lost answers"));
  const row = new RegExp(`^\\| ${title} +\\| \`([\\w-]+)\` +\\|`, "m").exec(section);
  return row?.[1];
}

describe("README's table of replays after a lost answer", () => {
  it.each(Object.values(ADAPTERS))(
    "$title: replay.by is the one README gives",
    ({ title, adapter }) => {
      expect(documentedReplay(title)).toBe(adapter().replay.by);
    },
  );
});

/** A number as README writes it: `50,000`, or `one`. */
const count = (text: string) => (text === "one" ? 1 : Number(text.replaceAll(",", "")));
/** Each number written in digits (`OAuth2`'s 2 is part of a word). */
const DIGITS = /\b\d(?:[\d,]*\d)?\b/g;

describe("README's limits of each vendor", () => {
  it.each(Object.entries(ADAPTERS))(
    "%s: each limit and default README gives is the adapter's",
    (vendor, { title, adapter }) => {
      const { limits, defaults } = adapter();
      const section = readme.slice(readme.indexOf("### Per vendor"));
      const chunk = new RegExp(`^\\| ${title} +\\| ([^|]+)\\|`, "m").exec(section)?.[1] ?? "";
      expect(chunk, `${title}: README's "Per vendor" table has a row for it`).not.toBe("");
      const vendorRow = new RegExp(
        `^\\| ${title} +\\|.*\`bulk-user-import/${vendor}\` +\\|$`,
        "m",
      ).exec(readme)?.[0];
      expect(vendorRow, `${title}: README's table of vendors has a row for it`).toBeDefined();
      // Where in the chunk column each number read stands: one no pattern reads is left unchecked.
      const read = new Set<number>();
      const add = (match: RegExpExecArray | null, actual: number | undefined) => {
        if (match === null) return;
        read.add(match.index + match[0].indexOf(match[1]!));
        expect(count(match[1]!), `${title}: README says "${match[0]}"`).toBe(actual);
      };
      add(/up to (\d[\d,]*\d|\d)/.exec(chunk), limits.maxRecords);
      add(/default (\d[\d,]*\d|\d)/.exec(chunk), defaults.chunkRecords);
      add(/(\d+|one)(?: job)? (?:in flight|at a time)/.exec(chunk), defaults.concurrency);
      // Userpilot's 50 MB is read as 50 MiB (see its maxBodyBytes).
      add(/and (\d+) MB/.exec(chunk), limits.maxBytes && limits.maxBytes / 2 ** 20);
      const unread = [...chunk.matchAll(DIGITS)].filter(({ index }) => !read.has(index));
      expect(
        unread.map(([number]) => number),
        `${title}: numbers in README's chunk column no pattern here holds to the adapter ` +
          `(write "up to N", "default N", "N in flight" or "and N MB", or read them here)`,
      ).toEqual([]);
      const most = /≤(\d[\d,]*\d|\d) users/.exec(vendorRow ?? "");
      if (most !== null)
        expect(count(most[1]!), `${title}: README says "${most[0]}"`).toBe(limits.maxRecords);
    },
  );
});
