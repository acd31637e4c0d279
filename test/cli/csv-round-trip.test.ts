// A user's records, written as a CSV the way README tells (field names as headers, dotted for nesting, a type
// after a colon where a cell is not text; for SlashID its slashid:* columns), imported through the CLI, are
// what the vendor stores: no value changed, no field dropped, for realistic records and awkward text alike.
// The file is written as a spreadsheet saves "CSV UTF-8": a BOM first, CRLF line ends, a cell that holds a line
// break in quotes (csv-stringify, left to itself, leaves an LF unquoted when rows end in CRLF).
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import type { components as FullStory } from "../../generated/fullstory.js";
import type { components as Propeller } from "../../generated/propeller.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryUser } from "../../src/testing/fixtures/fullstory.js";
import { propellerUser } from "../../src/testing/fixtures/propeller.js";
import { slashIdAttributes } from "../../src/testing/fixtures/slashid.js";
import { userpilotUser } from "../../src/testing/fixtures/userpilot.js";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
} from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  steppingClock,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-csv-trip-");
const serve = useServedSimulators();

const AS_A_SPREADSHEET = { record_delimiter: "windows", quoted_match: /[\r\n]/ } as const;

/** Text a CSV library, a spreadsheet or a guess at types could change. */
const AWKWARD = [
  "00123",
  "true",
  "1e3",
  "[1]",
  "null",
  "  padded  ",
  'a "quoted", comma',
  "two\nlines",
  "crlf\r\ninside",
  "e\u0301 (NFD)",
  "\u00e9 (NFC)",
  "\u{1F600} \u202e rtl",
  "=SUM(A1)",
  "x".repeat(20_000),
];

type Kind = "string" | "number" | "boolean" | "json";
interface Leaf {
  readonly path: string;
  readonly kind: Kind;
  readonly text: string;
}

/** An object a dotted header can build: not empty, and no key that a header would read otherwise. */
const nestable = (value: unknown): value is Record<string, unknown> =>
  value !== null &&
  typeof value === "object" &&
  !Array.isArray(value) &&
  Object.keys(value).length > 0 &&
  Object.keys(value).every((key) => /^[^.:]+$/.test(key));

function leavesOf(value: unknown, path: string, asValue: ReadonlySet<string>, out: Leaf[]): void {
  if (nestable(value) && !asValue.has(path)) {
    for (const [key, item] of Object.entries(value))
      leavesOf(item, path === "" ? key : `${path}.${key}`, asValue, out);
  } else if (typeof value === "string") out.push({ path, kind: "string", text: value });
  else if (typeof value === "number") out.push({ path, kind: "number", text: String(value) });
  else if (typeof value === "boolean") out.push({ path, kind: "boolean", text: String(value) });
  else out.push({ path, kind: "json", text: JSON.stringify(value) });
}

/**
 * The records as README's CSV: one column per field path, typed by its values (`:json` where rows differ),
 * a field that is an object in one row and a value in another written whole as `:json`.
 */
function csvOf(records: readonly object[]): string {
  const asValue = new Set<string>();
  for (;;) {
    const rows = records.map((record) => {
      const leaves: Leaf[] = [];
      leavesOf(record, "", asValue, leaves);
      return new Map(leaves.map((leaf) => [leaf.path, leaf]));
    });
    const kinds = new Map<string, Set<Kind>>();
    for (const leaf of rows.flatMap((row) => [...row.values()]))
      kinds.set(leaf.path, (kinds.get(leaf.path) ?? new Set()).add(leaf.kind));
    const parents = [...kinds.keys()].flatMap((path) =>
      path.split(".").map((_, i, parts) => parts.slice(0, i).join(".")),
    );
    const clashing = parents.filter((parent) => parent !== "" && kinds.has(parent));
    if (clashing.length > 0) {
      for (const parent of clashing) asValue.add(parent);
      continue;
    }
    const paths = [...kinds.keys()];
    const mixed = (path: string) => kinds.get(path)!.size > 1;
    const header = (path: string) => `${path}:${mixed(path) ? "json" : [...kinds.get(path)!][0]!}`;
    const cell = (leaf: Leaf | undefined) =>
      leaf === undefined
        ? ""
        : mixed(leaf.path) && leaf.kind === "string"
          ? JSON.stringify(leaf.text)
          : leaf.text;
    return (
      "\uFEFF" +
      stringify(
        [paths.map(header), ...rows.map((row) => paths.map((p) => cell(row.get(p))))],
        AS_A_SPREADSHEET,
      )
    );
  }
}

function unique<T>(records: readonly T[], keyOf: (record: T) => string): T[] {
  const seen = new Set<string>();
  return records.filter((record) => !seen.has(keyOf(record)) && seen.add(keyOf(record)));
}

describe("a CSV of a user's records, imported, is what the vendor stores", () => {
  it("fullstory", async () => {
    const f = seededFaker("csv round trip fullstory");
    const made = Array.from({ length: 40 }, () => {
      // Without a FullStory id: the simulator holds no user by it.
      const { id: _id, ...user } = fullStoryUser(f);
      return user;
    });
    const awkward = AWKWARD.map((text, i): FullStory["schemas"]["BatchUserImportRequest"] => ({
      uid: `awkward-${i}`,
      display_name: text.slice(0, 200),
      // Within FullStory's 8 KiB per property value.
      properties: { note: text.slice(0, 8000), seats: i - 3, ratio: i / 8, active: i % 2 === 0 },
    }));
    const records = unique([...made, ...awkward], (user) => user.uid ?? "");
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);

    const result = await cli([
      "import",
      "fullstory",
      file("fullstory.csv", csvOf(records)),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      ...FAST_POLL,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${records.length} records: ${records.length} imported`);
    const stored = new Map(sim.users().map((user) => [user.uid, user]));
    for (const { schema, ...record } of records) {
      const user = stored.get(record.uid ?? "");
      expect(user).toMatchObject(record);
      expect(user?.declaredTypes).toEqual(schema?.properties ?? {});
    }
  });

  it("propeller", async () => {
    const f = seededFaker("csv round trip propeller");
    const made = Array.from({ length: 40 }, () => {
      // Without a parent: the simulator holds none of the parents faker names.
      const { parent: _parent, ...user } = propellerUser(f);
      return user;
    });
    const awkward = AWKWARD.map((text, i): Propeller["schemas"]["BulkUser"] => ({
      source: "CRM",
      sourceId: `awkward-${i}`,
      company: text.slice(0, 255),
      attributes: [{ name: "NOTE", value: text }],
    }));
    const records = unique(
      [...made, ...awkward],
      (u) => `${u.source}/${u.sourceId}/${u.primaryLanguage}`,
    );
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);

    const result = await cli(
      ["import", "propeller", file("propeller.csv", csvOf(records)), "--base-url", url],
      { env: { PROPELLER_CLIENT_ID: CREDS.clientId, PROPELLER_CLIENT_SECRET: CREDS.clientSecret } },
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${records.length} records: ${records.length} imported`);
    for (const record of records) {
      const user = sim
        .users()
        .find(
          (u) =>
            u.source === record.source &&
            u.sourceId === record.sourceId &&
            u.primaryLanguage === record.primaryLanguage,
        );
      expect(user?.fields).toEqual(record);
    }
  });

  it("userpilot", async () => {
    const f = seededFaker("csv round trip userpilot");
    const made = Array.from({ length: 40 }, () => userpilotUser(f));
    const awkward = AWKWARD.map((text, i) => ({
      user_id: `awkward-${i}`,
      company_id: text.slice(0, 100),
      metadata: { note: text, seats: i - 3, ratio: i / 8, active: i % 2 === 0, gone: null },
    }));
    const records = unique([...made, ...awkward], (user) => user.user_id);
    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);

    const result = await cli(
      [
        "import",
        "userpilot",
        file("userpilot.csv", csvOf(records)),
        "--base-url",
        url,
        ...FAST_POLL,
      ],
      { env: { USERPILOT_API_KEY: CREDS.apiKey } },
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${records.length} records: ${records.length} imported`);
    const stored = new Map(sim.users().map((user) => [user.user_id, user]));
    for (const record of records) expect(stored.get(record.user_id)).toMatchObject(record);
  });

  it("slashid", async () => {
    const f = seededFaker("csv round trip slashid");
    const made: SlashIdPerson[] = Array.from({ length: 30 }, (_, i) => ({
      emails: [`person.${i}@example.com`, f.internet.email()],
      ...(i % 2 === 0 && { phone_numbers: [f.phone.number({ style: "international" })] }),
      ...(i % 3 === 0 && { usernames: [f.internet.username(), `00${123 + i}`] }),
      ...(i % 4 === 0 && { region: "europe-belgium" }),
      ...(i % 5 === 0 && { groups: ["true", f.word.noun()] }),
      ...(i % 2 === 1 && { attributes: slashIdAttributes(f) }),
    }));
    const awkward: SlashIdPerson[] = AWKWARD.map((text, i) => ({
      emails: [`awkward.${i}@example.com`],
      attributes: { end_user_read_write: { note: text, n: i - 3 } },
    }));
    const persons = [...made, ...awkward];
    const columns = [
      "emails",
      "phone_numbers",
      "usernames",
      "region",
      "groups",
      "attributes",
    ] as const;
    const text = (person: SlashIdPerson, field: (typeof columns)[number]) => {
      const value = person[field];
      if (value === undefined) return "";
      if (typeof value === "string") return value;
      return Array.isArray(value) ? value.join(",") : JSON.stringify(value);
    };
    const csv =
      "\uFEFF" +
      stringify(
        [columns.map((c) => `slashid:${c}`), ...persons.map((p) => columns.map((c) => text(p, c)))],
        AS_A_SPREADSHEET,
      );
    const sim = createSlashIdSimulator();
    const { url } = await serve(sim);

    const result = await cli(["import", "slashid", file("persons.csv", csv), "--base-url", url], {
      env: { SLASHID_API_KEY: CREDS.apiKey, SLASHID_ORG_ID: CREDS.orgId },
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${persons.length} records: ${persons.length} imported`);
    const stored = new Map(sim.persons().map((person) => [person.emails[0], person]));
    for (const person of persons) {
      expect(stored.get(person.emails![0])).toMatchObject({
        emails: person.emails,
        phone_numbers: person.phone_numbers ?? [],
        usernames: person.usernames ?? [],
        groups: person.groups ?? [],
        attributes: person.attributes ?? {},
        ...(person.region !== undefined && { region: person.region }),
      });
    }
  });
});

describe("an empty cell leaves its field out, whatever the column's type", () => {
  // A second, sparser export of the same users must not blank what the vendor already holds.
  const HEADER = "email,properties.seats:number,properties.plan:json";
  it("fullstory: a second file with empty cells keeps the stored email and properties", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const run = (name: string, csv: string) =>
      cli([
        "import",
        "fullstory",
        file(name, csv),
        "--base-url",
        url,
        "--api-key",
        CREDS.apiKey,
        ...FAST_POLL,
      ]);

    expect((await run("full.csv", `uid,${HEADER}\nu-1,a@example.com,5,"""pro"""\n`)).code).toBe(0);
    expect((await run("sparse.csv", `uid,${HEADER}\nu-1,,,\n`)).code).toBe(0);

    expect(sim.users()).toMatchObject([
      { uid: "u-1", email: "a@example.com", properties: { seats: 5, plan: "pro" } },
    ]);
  });

  it("userpilot and propeller: a second file with empty cells keeps company_id and email", async () => {
    const userpilot = createUserpilotSimulator(steppingClock());
    const propeller = createPropellerSimulator();
    const up = await serve(userpilot);
    const pr = await serve(propeller);
    const userpilotRun = (name: string, csv: string) =>
      cli(["import", "userpilot", file(name, csv), "--base-url", up.url, ...FAST_POLL], {
        env: { USERPILOT_API_KEY: CREDS.apiKey },
      });
    const propellerRun = (name: string, csv: string) =>
      cli(["import", "propeller", file(name, csv), "--base-url", pr.url], {
        env: { PROPELLER_CLIENT_ID: CREDS.clientId, PROPELLER_CLIENT_SECRET: CREDS.clientSecret },
      });

    expect((await userpilotRun("up.csv", "user_id,company_id\nu-1,c-1\n")).code).toBe(0);
    expect((await userpilotRun("up-sparse.csv", "user_id,company_id\nu-1,\n")).code).toBe(0);
    expect(
      (await propellerRun("pr.csv", "source,sourceId:number,email\nCRM,1,a@example.com\n")).code,
    ).toBe(0);
    expect(
      (await propellerRun("pr-sparse.csv", "source,sourceId:number,email\nCRM,1,\n")).code,
    ).toBe(0);

    expect(userpilot.users()).toMatchObject([{ user_id: "u-1", company_id: "c-1" }]);
    expect(propeller.users()).toMatchObject([{ fields: { email: "a@example.com" } }]);
  });
});
