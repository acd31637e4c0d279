// The faker fixtures the contract suite builds request bodies from: thousands of them validate against the
// specs' request schemas and keep to the vendor rules the schemas cannot express, and a seed reproduces them.
import type { Faker } from "@faker-js/faker";
import { describe, expect, it, vi } from "vitest";
import { rules as fullStoryRules } from "../../generated/fullstory.rules.js";
import { rules as propellerRules } from "../../generated/propeller.rules.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { contentProblems, parseCsvRecords } from "../support/request-conformance.js";
import { loadSpec } from "../support/specs.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import {
  propellerPost,
  propellerToken as tokenOf,
  propellerTokenAnswer,
} from "../testing/vendor-requests.js";
import {
  fullStoryBatch,
  fullStoryCreateUser,
  fullStoryJobId,
  fullStoryUpdateUser,
  fullStoryUser,
} from "../../src/testing/fixtures/fullstory.js";
import {
  propellerBulk,
  propellerToken,
  propellerUser,
} from "../../src/testing/fixtures/propeller.js";
import {
  SLASHID_COLUMNS,
  SLASHID_REGIONS,
  slashIdCsv,
  slashIdImport,
  slashIdPerson,
  slashIdPersons,
} from "../../src/testing/fixtures/slashid.js";
import {
  userpilotCompaniesBulk,
  userpilotCompany,
  userpilotJobId,
  userpilotUser,
  userpilotUsersBulk,
} from "../../src/testing/fixtures/userpilot.js";

const COUNT = 2000;
const schemas = "#/components/schemas";

/** Builds `COUNT` fixtures from one seeded faker and returns them. */
const many = <T>(seed: number, build: (f: Faker) => T, count = COUNT): T[] => {
  const f = seededFaker(seed);
  return Array.from({ length: count }, () => build(f));
};

/** Validation problems of every value, prefixed with its index (empty when all validate). */
function invalid(
  vendor: Parameters<typeof loadSpec>[0],
  pointer: string,
  values: unknown[],
): string[] {
  const spec = loadSpec(vendor);
  return values.flatMap((value, i) => spec.problems(pointer, value).map((p) => `#${i} ${p}`));
}

/** Builds the fixtures on first use, so the tests of one describe share them. */
const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
};

const byteLength = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

const {
  "x-max-path-length": MAX_PATH,
  "x-max-value-bytes": MAX_BYTES,
  propertyNames: { pattern: NAME },
} = fullStoryRules.UserProperties;

/** FullStory rules beyond the schema: nested names and dotted paths, value sizes, no arrays of objects. */
function fullStoryRuleViolations(user: FullStoryUser): string[] {
  const out: string[] = [];
  const paths = new Set<string>();
  const walk = (props: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(props)) {
      const path = `${prefix}${name}`;
      paths.add(path);
      if (!new RegExp(NAME).test(name)) out.push(`property name ${path}`);
      if (path.length > MAX_PATH) out.push(`property path ${path} over ${MAX_PATH} characters`);
      if (byteLength(value) > MAX_BYTES) out.push(`property ${path} over ${MAX_BYTES} bytes`);
      if (Array.isArray(value) && value.some((item) => item !== null && typeof item === "object")) {
        out.push(`property ${path} is an array of objects`);
      }
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, `${path}.`);
      }
    }
  };
  walk(user.properties ?? {}, "");
  if (paths.size > 500) out.push("more than 500 properties");
  for (const declared of Object.keys(user.schema?.properties ?? {})) {
    if (!paths.has(declared)) out.push(`schema declares ${declared}, which is not a property`);
  }
  return out;
}

describe("FullStory fixtures", () => {
  const batchUsers = once(() => many(1, fullStoryUser));

  it(`${COUNT} batch users (and 500 create and update bodies) validate and keep FullStory's rules`, () => {
    const users = batchUsers();
    expect(invalid("fullstory", `${schemas}/BatchUserImportRequest`, users)).toEqual([]);
    expect(
      invalid("fullstory", `${schemas}/CreateBatchImportRequest`, [{ requests: users }]),
    ).toEqual([]);
    expect(users.flatMap(fullStoryRuleViolations)).toEqual([]);
    const creates = many(2, fullStoryCreateUser, 500);
    expect(invalid("fullstory", `${schemas}/CreateUserRequest`, creates)).toEqual([]);
    expect(creates.flatMap(fullStoryRuleViolations)).toEqual([]);
    const updates = many(3, fullStoryUpdateUser, 500);
    expect(invalid("fullstory", `${schemas}/UpdateUserRequest`, updates)).toEqual([]);
    expect(updates.flatMap(fullStoryRuleViolations)).toEqual([]);
    const jobIds = many(4, fullStoryJobId, 500);
    expect(invalid("fullstory", "#/components/parameters/JobId/schema", jobIds)).toEqual([]);
  });

  it("reach the documented limits and the optional fields", () => {
    const users = batchUsers();
    expect(users.some((u) => u.uid?.length === 256)).toBe(true);
    expect(users.some((u) => u.display_name?.length === 256)).toBe(true);
    expect(users.some((u) => u.email?.length === 128)).toBe(true);
    expect(users.some((u) => u.email === undefined)).toBe(true);
    expect(
      users.some((u) => Object.keys(u.schema?.properties ?? {}).some((k) => k.includes("."))),
    ).toBe(true);
  });
});

describe("SlashID fixtures", () => {
  const persons = once(() => many(11, slashIdPerson));

  it(`${COUNT} persons validate as CSV rows and survive the CSV round trip`, () => {
    const spec = loadSpec("slashid");
    const rows = persons();
    expect(invalid("slashid", `${schemas}/PersonCsvRow`, rows)).toEqual([]);
    const attributes = rows.flatMap((r) =>
      r["slashid:attributes"] === undefined ? [] : [JSON.parse(r["slashid:attributes"]) as unknown],
    );
    expect(attributes.length).toBeGreaterThan(0);
    expect(invalid("slashid", `${schemas}/AttributeBuckets`, attributes)).toEqual([]);
    expect(parseCsvRecords(slashIdCsv(rows))).toEqual(rows);

    const body = { persons: slashIdCsv(rows) };
    const problems = spec.problems(`${schemas}/PersonsBulkImportRequest`, body);
    contentProblems(spec, `${schemas}/PersonsBulkImportRequest`, body, "body", problems);
    expect(problems).toEqual([]);
  });

  it("use every handle column alone and together, and every region", () => {
    const rows = persons();
    const handles = ["slashid:emails", "slashid:phone_numbers", "slashid:usernames"] as const;
    for (const handle of handles) {
      expect(rows.some((r) => handles.every((h) => (h === handle) === (r[h] !== undefined)))).toBe(
        true,
      );
    }
    expect(rows.some((r) => handles.every((h) => r[h] !== undefined))).toBe(true);
    expect(new Set(rows.map((r) => r["slashid:region"]))).toEqual(
      new Set([...SLASHID_REGIONS, undefined]),
    );
  });

  it("write the import body with every confirmed column in the header", () => {
    const { persons } = slashIdImport(seededFaker(13), 3);
    const header = persons.split("\n")[0]!;
    expect(
      header
        .split(",")
        .map((c) => c.replace(/"/g, ""))
        .sort(),
    ).toEqual([...SLASHID_COLUMNS].sort());
  });
});

describe("Propeller fixtures", () => {
  it(`${COUNT} users validate against the closed BulkUser schema`, () => {
    const users = many(21, propellerUser);
    expect(invalid("propeller", `${schemas}/BulkUser`, users)).toEqual([]);
    expect(invalid("propeller", `${schemas}/BulkUsersBySourceIdRequest`, [{ users }])).toEqual([]);
    expect(invalid("propeller", `${schemas}/TokenResponse`, many(22, propellerToken, 200))).toEqual(
      [],
    );
    // Every gender the spec lists, and none it does not.
    expect(new Set(users.map((u) => u.gender))).toEqual(
      new Set([...propellerRules.BulkUser.properties.gender.enum, undefined]),
    );
    expect(users.some((u) => (u.addresses ?? []).length > 0)).toBe(true);
    expect(users.some((u) => u.parent !== undefined && "id" in u.parent)).toBe(true);
    expect(users.some((u) => u.parent !== undefined && "source" in u.parent)).toBe(true);
  });

  it("fail at the simulator exactly when they have a parent, however many users it holds", async () => {
    // A parent id from 1 to 100,000 named a user the simulator held (ids from 1000 on) now and then.
    const users = many(23, propellerUser);
    const sim = createPropellerSimulator();
    const token = await tokenOf(sim);
    for (const round of [1, 2]) {
      const { data } = (await (await propellerPost(sim, token, users)).json()) as {
        data: { success: boolean }[];
      };
      const wrong = users.flatMap((u, i) =>
        (u.parent === undefined) === data[i]?.success ? [] : [`round ${round} #${i}`],
      );
      expect(wrong).toEqual([]);
    }
  });

  it("give a token the lifetime and type of the spec's example, as the simulator does", async () => {
    // A spec whose example says otherwise (a copy of the document, edited): both follow it.
    const DOCUMENT = "../../generated/propeller.document.js";
    vi.resetModules();
    vi.doMock(DOCUMENT, async (load: () => Promise<{ document: object }>) => ({
      document: JSON.parse(
        JSON.stringify((await load()).document)
          .replaceAll('"expires_in":1800', '"expires_in":3600')
          .replaceAll('"token_type":"Bearer"', '"token_type":"bearer"'),
      ) as object,
    }));
    try {
      const fixtures = await import("../../src/testing/fixtures/propeller.js");
      const { createPropellerSimulator: simulator } =
        await import("../../src/testing/propeller.js");
      const issued = (await (await propellerTokenAnswer(simulator())).json()) as object;
      const expected = { expires_in: 3600, token_type: "bearer" };
      expect(issued).toMatchObject(expected);
      expect(fixtures.propellerToken(seededFaker(24))).toMatchObject(expected);
    } finally {
      vi.doUnmock(DOCUMENT);
      vi.resetModules();
    }
  });
});

describe("Userpilot fixtures", () => {
  it(`${COUNT} users (and 500 companies) validate, with primitive metadata only`, () => {
    const users = many(31, userpilotUser);
    expect(invalid("userpilot", `${schemas}/BulkIdentifyUser`, users)).toEqual([]);
    expect(invalid("userpilot", `${schemas}/BulkIdentifyUsersRequest`, [{ users }])).toEqual([]);
    const companies = many(32, userpilotCompany, 500);
    expect(invalid("userpilot", `${schemas}/BulkIdentifyCompany`, companies)).toEqual([]);
    expect(
      invalid("userpilot", `${schemas}/BulkIdentifyCompaniesRequest`, [{ companies }]),
    ).toEqual([]);
    const values = users.flatMap((u) => Object.values(u.metadata ?? {}));
    expect(new Set(values.map((v) => (v === null ? "null" : typeof v)))).toEqual(
      new Set(["string", "number", "boolean", "null"]),
    );
    expect(many(33, userpilotJobId, 200).every((id) => id.includes(":"))).toBe(true);
  });
});

describe("seeded fixtures", () => {
  const builders = {
    fullstory: (f: Faker) => fullStoryBatch(f, 20),
    slashid: (f: Faker) => slashIdImport(f, 20),
    propeller: (f: Faker) => propellerBulk(f, 20),
    userpilot: (f: Faker) => [userpilotUsersBulk(f, 20), userpilotCompaniesBulk(f, 20)],
  };
  it.each(Object.entries(builders))("%s: the same seed gives the same data", (_, build) => {
    expect(build(seededFaker(42))).toEqual(build(seededFaker(42)));
    expect(build(seededFaker(42))).not.toEqual(build(seededFaker(43)));
    expect(build(seededFaker("a test name"))).toEqual(build(seededFaker("a test name")));
  });
});

describe("body fixtures' item counts", () => {
  // Taken as given before: 0 or NaN made a body of no items (which the spec refuses), 2.5 one of 2, and
  // 50,001 one over the vendor's limit, each passed off as the documented body.
  const bodies = {
    fullStoryBatch: [fullStoryBatch, "from 1 to 50000"],
    propellerBulk: [propellerBulk, "≥ 1"],
    slashIdImport: [slashIdImport, "≥ 1"],
    userpilotUsersBulk: [userpilotUsersBulk, "from 1 to 10000"],
    userpilotCompaniesBulk: [userpilotCompaniesBulk, "from 1 to 10000"],
  } as const;
  it.each(Object.entries(bodies))("%s refuses a count outside its range", (_, [build, range]) => {
    for (const n of [0, Number.NaN, 2.5, -1])
      expect(() => build(seededFaker(1), n)).toThrow(
        new RangeError(`n: expected a whole number ${range}, got ${n}`),
      );
  });
  it("slashIdPersons makes a list of none for 0, and refuses what is no count", () => {
    expect(slashIdPersons(seededFaker(1), 0)).toEqual([]);
    for (const n of [Number.NaN, 2.5, -1])
      expect(() => slashIdPersons(seededFaker(1), n)).toThrow(
        new RangeError(`n: expected a whole number ≥ 0, got ${n}`),
      );
  });
  it("refuses a count above the vendor's maximum of items", () => {
    expect(() => fullStoryBatch(seededFaker(1), 50_001)).toThrow(RangeError);
    expect(() => userpilotUsersBulk(seededFaker(1), 10_001)).toThrow(RangeError);
  });
});
