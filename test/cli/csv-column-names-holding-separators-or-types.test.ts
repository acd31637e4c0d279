// A CSV header of several columns is comma-separated, whatever its columns' names hold: a `;`, `|` or tab in
// the first column's name does not make it a file separated by them (that check is for a header of one
// column), and a column named as a type without a colon (`Number`, `number`) is a field of that name, not a
// misspelt type annotation nor a typed column.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { recordFromCsvRow } from "../../src/cli/read-records.js";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir();
let files = 0;

const rows = (text: string) => readPlain(file(`names-${++files}.csv`, text), "csv");

describe("CSV column names", () => {
  it.each([
    ["a semicolon", "nick;alias"],
    ["a bar", "nick|alias"],
    ["a tab", "nick\talias"],
  ])(
    "a first column whose name holds %s, in a header of two columns: every row is read",
    async (_, name) => {
      const [a, b] = [faker.string.uuid(), faker.string.uuid()];
      expect(await rows(`${name},uid\nada,${a}\nbob,${b}\n`)).toEqual([
        { line: 2, [name]: "ada", uid: a },
        { line: 3, [name]: "bob", uid: b },
      ]);
    },
  );

  it("a column named Number, without a colon, is a column like any other", async () => {
    const uid = faker.string.uuid();
    expect(await rows(`uid,Number\n${uid},A-12\n`)).toEqual([{ line: 2, uid, Number: "A-12" }]);
  });

  it("a column named number or json, without a colon, holds text under that name", () => {
    const uid = faker.string.uuid();
    const record = recordFromCsvRow({ uid, number: "A-12", json: "{not json" });
    expect(JSON.parse(JSON.stringify(record))).toEqual({ uid, number: "A-12", json: "{not json" });
  });
});
