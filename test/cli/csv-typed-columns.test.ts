// CSV cells are strings unless the header names a type: `properties.seats:number`, `:boolean`, `:json`,
// `:string`. A cell that does not parse as its type is rejected (input.type) naming its line and column; so
// is a filled cell under a column without a name (input.unnamed_column).
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { recordFromCsvRow } from "../../src/cli/read-records.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { CREDS, cli, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir();
const serve = useServedSimulators();

describe("recordFromCsvRow with typed headers", () => {
  it("parses each typed cell and leaves the rest strings", () => {
    const record = recordFromCsvRow({
      uid: "u-1",
      "properties.seats:number": "5",
      "properties.ratio:number": "-1.5e2",
      "properties.offset:number": "+2",
      "properties.active:boolean": "TRUE",
      "properties.tags:json": '["a","b"]',
      "properties.zip:string": "01234",
      "properties.plain": "7",
    });
    expect(JSON.parse(JSON.stringify(record))).toEqual({
      uid: "u-1",
      properties: {
        seats: 5,
        ratio: -150,
        offset: 2,
        active: true,
        tags: ["a", "b"],
        zip: "01234",
        plain: "7",
      },
    });
  });

  it("an unknown suffix stays part of the field's name", () => {
    expect(JSON.parse(JSON.stringify(recordFromCsvRow({ "a:b": "x" })))).toEqual({ "a:b": "x" });
  });

  for (const [header, cell, what] of [
    ["seats:number", "five", "a number"],
    ["seats:number", "0x10", "a number"],
    ["seats:number", "1e999", "a number"],
    ["active:boolean", "yes", "a boolean (true or false)"],
    ["tags:json", "[1,", "JSON"],
  ] as const) {
    it(`${header} ${JSON.stringify(cell)}: refused as input.type naming the column`, () => {
      expect(() => recordFromCsvRow({ [header]: cell })).toThrow(
        expect.objectContaining({
          rule: "input.type",
          message: `column ${header}: not ${what}`,
        }),
      );
    });
  }

  for (const [cell, what] of [
    ["9007199254740993", "integers beyond ±9007199254740991 change; use :string"],
    ["-9007199254740993", "integers beyond ±9007199254740991 change; use :string"],
    ["9007199254740992", "integers beyond ±9007199254740991 change; use :string"],
    ["1e21", "integers beyond ±9007199254740991 change; use :string"],
    ["1.00000000000000001", "it would be read as another number; use :string"],
    ["1e-400", "it would be read as another number; use :string"],
  ] as const) {
    it(`seats:number ${JSON.stringify(cell)} would not keep its value: refused naming the column`, () => {
      expect(() => recordFromCsvRow({ "seats:number": cell })).toThrow(
        expect.objectContaining({
          rule: "input.type",
          message: `column seats:number: not a number that keeps its value (${what})`,
        }),
      );
    });
  }

  // The decimal pattern split a run of digits every way before the letter refused it: 300,000 digits took a
  // minute, a million some 10 minutes.
  it("seats:number of 300,000 digits and a letter: refused as not a number at once", () => {
    for (const cell of [
      `${"1".repeat(300_000)}x`,
      `${"1".repeat(150_000)}.${"1".repeat(150_000)}x`,
    ])
      expect(() => recordFromCsvRow({ "seats:number": cell })).toThrow(
        expect.objectContaining({
          rule: "input.type",
          message: "column seats:number: not a number",
        }),
      );
  });

  it("numbers that keep their value are read, up to the largest safe integer", () => {
    const cells = {
      "a:number": "9007199254740991",
      "b:number": "-9007199254740991",
      "c:number": "12.50",
      "d:number": "1.5e3",
      "e:number": "0.1",
      "f:number": "007",
      "g:number": "12345678901234.0",
    };
    expect(JSON.parse(JSON.stringify(recordFromCsvRow(cells)))).toEqual({
      a: 9007199254740991,
      b: -9007199254740991,
      c: 12.5,
      d: 1500,
      e: 0.1,
      f: 7,
      g: 12345678901234,
    });
  });

  it("a type annotation does not get a forbidden key past the guard", () => {
    for (const header of ["__proto__:json", "properties.constructor:number", "prototype:string"])
      expect(() => recordFromCsvRow({ [header]: "1" })).toThrow(/input\.forbidden_key/);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});

describe("import of a CSV with typed columns", () => {
  it("sends typed values; a bad cell rejects its row naming the line and column; exit 1", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const [a, b, c] = [faker.string.uuid(), faker.string.uuid(), faker.string.uuid()];
    const csv = [
      "uid,properties.seats:number,properties.trial:boolean,properties.plan",
      `${a},5,false,pro`,
      `${b},many,true,free`,
      `${c},12,true,5`,
    ].join("\n");

    const result = await cli([
      "import",
      "fullstory",
      file("typed.csv", csv),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--poll-interval",
      "1ms",
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 3 records: 2 imported, 0 failed, 1 rejected/);
    expect(result.stdout).toContain(
      `rejected [input.type] record 1 (#1): line 3: column properties.seats:number: not a number`,
    );
    const byUid = new Map(sim.users().map((u) => [u.uid, u]));
    expect(byUid.get(a)?.properties).toEqual({ seats: 5, trial: false, plan: "pro" });
    expect(byUid.get(c)?.properties).toEqual({ seats: 12, trial: true, plan: "5" });
    expect(byUid.has(b)).toBe(false);
  });

  it("an integer id too large for a number rejects its row naming line and column; the others import", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const [a, b] = [faker.string.uuid(), faker.string.uuid()];
    const csv = ["uid,properties.account:number", `${a},42`, `${b},9007199254740993`].join("\n");

    const result = await cli([
      "import",
      "fullstory",
      file("big-id.csv", csv),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--poll-interval",
      "1ms",
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 2 records: 1 imported, 0 failed, 1 rejected/);
    expect(result.stdout).toContain(
      `rejected [input.type] record 1 (#1): line 3: column properties.account:number: not a number that keeps its value`,
    );
    expect(sim.users().map((u) => [u.uid, u.properties])).toEqual([[a, { account: 42 }]]);
  });

  it("a header naming a forbidden key behind a type is refused before anything is read (exit 2)", async () => {
    const result = await cli([
      "import",
      "fullstory",
      file("typed-proto.csv", "uid,__proto__:json\nu-1,{}\n"),
      "--dry-run",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("__proto__:json is refused [input.forbidden_key]");
  });
});

describe("a CSV column without a name", () => {
  it("is left out while its cells are empty; a filled cell rejects its row (input.unnamed_column)", async () => {
    expect(JSON.parse(JSON.stringify(recordFromCsvRow({ uid: "u-1", "": "" })))).toEqual({
      uid: "u-1",
    });
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const [a, b] = [faker.string.uuid(), faker.string.uuid()];
    const csv = ["uid,,email", `${a},,a@example.com`, `${b},stray,b@example.com`].join("\n");

    const result = await cli([
      "import",
      "fullstory",
      file("unnamed.csv", csv),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--poll-interval",
      "1ms",
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 2 records: 1 imported, 0 failed, 1 rejected/);
    expect(result.stdout).toMatch(/rejected \[input\.unnamed_column\] record 1 \(#1\): line 3: /);
    expect(sim.users().map((u) => u.uid)).toEqual([a]);
  });
});
