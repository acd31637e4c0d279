// A row of quoted empty cells (`"",""`) is a record, as a row of blanks is: only a row of bare commas is a
// spreadsheet's blank row, skipped. Skipped, the row would vanish from the count and the report unseen.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { readPlain, useTempDir } from "./helpers.js";

const file = useTempDir();

describe("a CSV row of quoted empty cells", () => {
  it("is read as a row, and the rows around it keep their lines", async () => {
    const [a, b] = [faker.internet.email(), faker.internet.email()];
    const text = `uid,email\nu1,${a}\n"",""\n,\nu2,${b}\n`;
    expect(await readPlain(file("quoted-empty.csv", text), "csv")).toEqual([
      { line: 2, uid: "u1", email: a },
      { line: 3, uid: "", email: "" },
      { line: 5, uid: "u2", email: b },
    ]);
  });
});
