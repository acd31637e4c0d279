// The API reference (TypeDoc, built from the TSDoc) and editor hovers state vendors' limits and defaults as
// numbers ("FullStory takes up to 50,000"), which the adapters read from the specs: a regenerated spec that
// changes one would leave the reference stating the old one, and no other test would fail. Every comment
// (TSDoc and `//` alike) of src/<vendor>/ and src/testing/ is read here; a file's vendor is its folder's, or
// its name's under src/testing/ (`fullstory.ts`, `fullstory/`, `fixtures/fullstory.ts`). The rule:
// - A number a claim below reads (its phrase: "default to N", "N in flight", "at most N", "N MB", or a
//   vendor's own words for a spec fact) must be the value the claim names: the adapter's `limits` or
//   `defaults` (made with no options), an `@default` of the file, or the generated rules' value.
// - Any other number that looks like a limit, 1,000 or more (`10,000`, `10_000`, `10000`) or a size in MB or
//   MiB, must be in one of the forms that state none:
//   - in a code span: a literal or an example (`1000`, the simulator's first id);
//   - part of a name, code or date: joined to a letter, `.`, `-`, `+`, `^` or `/` (ISO-8601, 2020-12,
//     0x01000193, 10^10, +13475043201), or joined by `-` to a word other than the units a limit counts
//     ("16,000-character token"; a "10,000-user job" is a limit);
//   - an estimate ("about 1,200 rows a minute": a limit is never "about", "some", "around", "roughly");
//   - a vendor's error code: after an HTTP status (`400 10007`) or before its name
//     (`70007 ParentUserNotFound`);
//   - the value of an `@default` tag, which test/core/option-defaults.test.ts holds to the code (what
//     follows it in parentheses is read here).
// A sentence stating a limit in a phrase no claim reads fails as unread: add a claim (or use a phrase one
// reads), never a form above. Numbers below 1,000 are read by claims only: the spec's small limits (100
// jobs, 24 hours, 70 bytes) are held where a claim's phrase states them; one in a new phrase is not seen.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parameterRules as fullStoryParameters } from "../../generated/fullstory.rules.js";
import { rules as fullStoryRules } from "../../generated/fullstory.rules.js";
import { rules as propellerRules } from "../../generated/propeller.rules.js";
import { rules as slashIdRules } from "../../generated/slashid.rules.js";
import { rules as userpilotRules } from "../../generated/userpilot.rules.js";
import { VENDOR_NAMES, type VendorName } from "../../src/vendors.js";
import { documentedDefault } from "../support/documented-default.js";
import { ADAPTERS, type StatedAdapter } from "./vendor-adapters.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A number as written: digits, with `,` or `_` between thousands. */
const NUMBER = String.raw`(\d(?:[\d,_]*\d)?)`;
const valueOf = (written: string) => Number(written.replaceAll(/[,_]/g, ""));
/** Written as 1,000 or more. */
const looksLarge = (written: string) =>
  /^\d{1,3}(?:([,_])\d{3})(?:\1\d{3})*$|^\d{4,}$/.test(written);

/** What a claim holds its number to, given the file's vendor and the phrase: a value, or why it is stale. */
type Source = (vendor: Vendor, phrase: string) => number | { stale: string } | undefined;
interface Vendor {
  name: VendorName | undefined;
  adapter: StatedAdapter | undefined;
  file: string;
}
interface Claim {
  /** The phrase, a pattern with `N` where the number stands. */
  phrase: string;
  /** Only in this vendor's files. */
  vendor?: VendorName;
  /** Reads numbers below 1,000 too (the phrase says what it counts). */
  anySize?: boolean;
  /** What the number must be, in words for a failure. */
  what: string;
  value: Source;
}

const limits = (v: Vendor) => v.adapter?.limits;
const PROPELLER_USERS: { readonly maxItems?: number; readonly "x-default-max-items": number } =
  propellerRules.BulkUsersBySourceIdRequest.properties.users;
/** A sentence about Propeller's maximum that holds only while the spec states none. */
const whileNoPropellerMaximum: Source = (v) =>
  PROPELLER_USERS.maxItems === undefined
    ? limits(v)?.maxRecords
    : { stale: `specs/propeller.yaml now states a maximum (${PROPELLER_USERS.maxItems})` };

/** Vendors' own phrases first (a number read once is not read again), then the engine's. */
const CLAIMS: Claim[] = [
  {
    vendor: "fullstory",
    anySize: true,
    phrase: "runs N jobs per organisation at once",
    what: "the spec's x-max-in-progress-jobs",
    value: () => fullStoryRules.CreateBatchImportRequest["x-max-in-progress-jobs"],
  },
  {
    vendor: "fullstory",
    anySize: true,
    phrase: "runs up to N at once",
    what: "the spec's x-max-in-progress-jobs",
    value: () => fullStoryRules.CreateBatchImportRequest["x-max-in-progress-jobs"],
  },
  {
    vendor: "fullstory",
    anySize: true,
    phrase: "answers 429 at N",
    what: "the spec's x-429-at-in-progress-jobs",
    value: () => fullStoryRules.CreateBatchImportRequest["x-429-at-in-progress-jobs"],
  },
  {
    vendor: "fullstory",
    anySize: true,
    phrase: "at N users in flight",
    what: "the spec's x-429-at-operations-in-flight",
    value: () => fullStoryRules.CreateBatchImportRequest["x-429-at-operations-in-flight"],
  },
  {
    vendor: "fullstory",
    anySize: true,
    phrase: "the limit here is N",
    what: "the adapter's limits.maxConcurrency",
    value: (v) => limits(v)?.maxConcurrency,
  },
  {
    vendor: "fullstory",
    anySize: true,
    phrase: "N hours",
    what: "the spec's x-replay-window-hours (FullStory keeps an Idempotency-Key's answer)",
    value: () => fullStoryParameters.IdempotencyKey["x-replay-window-hours"],
  },
  {
    vendor: "slashid",
    anySize: true,
    phrase: "keys of at most N bytes",
    what: "the spec's x-max-key-bytes of an attribute bucket",
    value: () => slashIdRules.AttributeBuckets.additionalProperties["x-max-key-bytes"],
  },
  {
    vendor: "slashid",
    anySize: true,
    phrase: "value of at most N KiB",
    what: "the spec's x-max-value-bytes of an attribute bucket, in KiB",
    value: () => slashIdRules.AttributeBuckets.additionalProperties["x-max-value-bytes"] / 1024,
  },
  {
    vendor: "propeller",
    phrase: "allows N, so that is the default chunk size",
    what: "the spec's x-default-max-items",
    value: () => PROPELLER_USERS["x-default-max-items"],
  },
  {
    vendor: "propeller",
    phrase: "`chunkRecords` above N",
    what: "the adapter's defaults.chunkRecords",
    value: (v) => v.adapter?.defaults.chunkRecords,
  },
  {
    vendor: "propeller",
    phrase: "guard against accidental huge requests, N",
    what: "the adapter's limits.maxRecords while the spec states no maximum",
    value: whileNoPropellerMaximum,
  },
  {
    vendor: "propeller",
    phrase: "N while the spec states no maximum",
    what: "the adapter's limits.maxRecords while the spec states no maximum",
    value: whileNoPropellerMaximum,
  },
  {
    vendor: "userpilot",
    phrase: "`n` companies \\(1 ≤ n ≤ N",
    what: "the spec's maxItems of a bulkIdentifyCompanies body",
    value: () => userpilotRules.BulkIdentifyCompaniesRequest.properties.companies.maxItems,
  },
  {
    phrase: "`\\w+`[^`()]* \\(default N\\)",
    anySize: true,
    what: "the @default of that option in this file",
    value: ({ file }, phrase) => {
      const stated = documentedDefault(file, /`(\w+)`/.exec(phrase)?.[1] ?? "");
      return typeof stated === "number" ? stated : undefined;
    },
  },
  {
    phrase: "defaults? to N",
    what: "the adapter's defaults.chunkRecords",
    value: (v) => v.adapter?.defaults.chunkRecords,
  },
  {
    phrase: "N by default",
    what: "the adapter's defaults.chunkRecords",
    value: (v) => v.adapter?.defaults.chunkRecords,
  },
  {
    phrase: "N (?:jobs? |uploads? |chunks? )?(?:in flight|at a time)",
    anySize: true,
    what: "the adapter's defaults.concurrency",
    value: (v) => v.adapter?.defaults.concurrency,
  },
  {
    phrase: "(?:at most|up to|≤|over) N",
    what: "the adapter's limits.maxRecords",
    value: (v) => limits(v)?.maxRecords,
  },
  {
    phrase: "N-user",
    what: "the adapter's limits.maxRecords",
    value: (v) => limits(v)?.maxRecords,
  },
  {
    phrase: "N ?(?:MB|MiB)",
    anySize: true,
    // Userpilot's 50 MB is read as 50 MiB (see its maxBodyBytes).
    what: "the adapter's limits.maxBytes, in MiB",
    value: (v) => {
      const bytes = limits(v)?.maxBytes;
      return bytes === undefined ? undefined : bytes / 2 ** 20;
    },
  },
  {
    phrase: "N bytes",
    what: "the adapter's limits.maxBytes",
    value: (v) => limits(v)?.maxBytes,
  },
];

/** Each claim's phrase as a pattern whose group 1 is the whole number written. */
const PATTERNS = CLAIMS.map(({ phrase }) => {
  const [before, after] = phrase.split("N") as [string, string];
  return new RegExp(`(?<![\\w.,])${before}${NUMBER}(?![\\d,_]*\\d)${after}`, "dg");
});

/** One comment (consecutive `//` lines make one), as text with its lines: each text offset's source line. */
interface Comment {
  text: string;
  lines: { at: number; line: number }[];
}

/** The comments of a TypeScript source, TSDoc and `//` alike. */
function commentsOf(file: string): Comment[] {
  const source = readFileSync(path.join(root, file), "utf8");
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const ranges = new Map<number, ts.CommentRange>();
  const visit = (node: ts.Node) => {
    for (const range of [
      ...(ts.getLeadingCommentRanges(source, node.pos) ?? []),
      ...(ts.getTrailingCommentRanges(source, node.end) ?? []),
    ])
      ranges.set(range.pos, range);
    ts.forEachChild(node, visit);
  };
  visit(parsed);
  const comments: Comment[] = [];
  let lastLine = -2;
  for (const range of [...ranges.values()].sort((a, b) => a.pos - b.pos)) {
    const first = parsed.getLineAndCharacterOfPosition(range.pos).line + 1;
    const raw = source.slice(range.pos, range.end);
    const single = range.kind === ts.SyntaxKind.SingleLineCommentTrivia;
    const lines = single
      ? [raw.replace(/^\/\/\s?/, "")]
      : raw
          .replace(/^\/\*\*?/, "")
          .replace(/\*\/$/, "")
          .split("\n")
          .map((line) => line.replace(/^\s*\*?\s?/, ""));
    const previous = comments.at(-1);
    const comment =
      single && previous !== undefined && first === lastLine + 1
        ? previous
        : (comments[comments.push({ text: "", lines: [] }) - 1] as Comment);
    lines.forEach((line, i) => {
      comment.lines.push({ at: comment.text.length, line: first + i });
      comment.text += `${line.trim()} `;
    });
    lastLine = first + lines.length - 1;
  }
  return comments;
}

const lineAt = (comment: Comment, at: number) =>
  comment.lines.findLast((line) => line.at <= at)?.line ?? 0;

/** The sentence of `text` around offset `at`. */
function sentenceAt(text: string, at: number): string {
  const start = Math.max(0, ...[...text.slice(0, at).matchAll(/[.;!?] /g)].map((m) => m.index + 2));
  const end = text.slice(at).search(/[.;!?] |$/);
  return text.slice(start, at + end + 1).trim();
}

/** Why the number at `at` states no limit (a form the header names), or undefined. */
function noLimit(text: string, at: number, written: string): string | undefined {
  const before = text.slice(0, at);
  const after = text.slice(at + written.length);
  if ((before.match(/`/g)?.length ?? 0) % 2 === 1) return "code span";
  if (/[A-Za-z.\-+^/]$/.test(before) || /^(?:[A-Za-z]|[.\-/^]\d)/.test(after)) return "name";
  if (/^-[A-Za-z]/.test(after) && !/^-(?:users?|records?|rows?|persons?|bytes?)\b/.test(after))
    return "name";
  if (/\b(?:about|some|around|roughly)\s+$/.test(before)) return "estimate";
  if (/\b[1-5]\d\d\s+$/.test(before) || /^\s+[A-Z][a-z]+[A-Z]\w*/.test(after)) return "error code";
  if (/@default\s+$/.test(before)) return "@default";
  return undefined;
}

/** The vendor whose files `file` is among, if any. */
function vendorOf(file: string): VendorName | undefined {
  const parts = file.split("/");
  const name = parts[1] === "testing" ? parts.at(-1)?.replace(/\.ts$/, "") : parts[1];
  const folder = parts[1] === "testing" ? parts[2] : undefined;
  return VENDOR_NAMES.find((vendor) => vendor === name || vendor === folder);
}

/** Every `.ts` file under `dir` (a path from the package root, with `/`). */
function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const file = `${dir}/${name}`;
    if (statSync(path.join(root, file)).isDirectory()) return filesUnder(file);
    return file.endsWith(".ts") ? [file] : [];
  });
}

const FILES = [
  ...VENDOR_NAMES.flatMap((vendor) => filesUnder(`src/${vendor}`)),
  ...filesUnder("src/testing"),
];

/** What is wrong with the numbers the comments of `file` state: one line each. */
function problemsOf(file: string): string[] {
  const name = vendorOf(file);
  const vendor: Vendor = { name, adapter: name && ADAPTERS[name].adapter(), file };
  const problems: string[] = [];
  for (const comment of commentsOf(file)) {
    const { text } = comment;
    const read = new Set<number>();
    const where = (at: number) => `${file}:${lineAt(comment, at)}: "${sentenceAt(text, at)}"`;
    CLAIMS.forEach((claim, i) => {
      if (claim.vendor !== undefined && claim.vendor !== name) return;
      for (const match of text.matchAll(PATTERNS[i]!)) {
        const written = match[1]!;
        const at = match.indices![1]![0];
        if (read.has(at) || !(claim.anySize || looksLarge(written))) continue;
        read.add(at);
        const expected = claim.value(vendor, match[0]);
        if (typeof expected === "object")
          problems.push(`${where(at)} states ${written}, but ${expected.stale}`);
        else if (expected === undefined)
          problems.push(`${where(at)} states ${written} as ${claim.what}, which is not there`);
        else if (valueOf(written) !== expected)
          problems.push(`${where(at)} states ${written}, but ${claim.what} is ${String(expected)}`);
      }
    });
    for (const match of text.matchAll(new RegExp(NUMBER, "dg"))) {
      const written = match[1]!;
      const at = match.index;
      if (read.has(at)) continue;
      const sized = /^ ?(?:MB|MiB)\b/.test(text.slice(at + written.length));
      if (!(looksLarge(written) || sized) || noLimit(text, at, written) !== undefined) continue;
      problems.push(
        `${where(at)} states ${written}, which no claim here reads: add one (see the header)`,
      );
    }
  }
  return problems;
}

describe("the limits and defaults the API reference states", () => {
  it("reads the files of each vendor", () => {
    for (const vendor of VENDOR_NAMES)
      expect(
        FILES.filter((file) => vendorOf(file) === vendor),
        vendor,
      ).not.toEqual([]);
  });

  it.each(FILES)("%s: each number it states as a limit or default is the one it names", (file) => {
    expect(problemsOf(file)).toEqual([]);
  });
});
