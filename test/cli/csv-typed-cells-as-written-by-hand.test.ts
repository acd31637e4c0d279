// Typed CSV cells as people write them by hand: blanks around the value (`u1, 5, true`, a blank after each
// comma) and decimals without a digit on one side of the point (`.5`, `5.`) are read as their value, not
// rejected as text that is not a number or a boolean.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { recordFromCsvRow } from "../../src/cli/read-records.js";

const plain = (record: Record<string, unknown>) => JSON.parse(JSON.stringify(record)) as unknown;

describe("typed CSV cells written by hand", () => {
  it("a :number or :boolean cell with blanks around its value is read as that value", () => {
    const uid = faker.string.uuid();
    const record = recordFromCsvRow({
      uid,
      "properties.seats:number": " 5 ",
      "properties.ratio:number": " 1.5",
      "properties.active:boolean": " true ",
      "properties.trial:boolean": "false ",
    });
    expect(plain(record)).toEqual({
      uid,
      properties: { seats: 5, ratio: 1.5, active: true, trial: false },
    });
  });

  it("a decimal without a digit before or after its point is a number (.5, -.25, 5.)", () => {
    const uid = faker.string.uuid();
    const record = recordFromCsvRow({
      uid,
      "properties.half:number": ".5",
      "properties.quarter:number": "-.25",
      "properties.five:number": "5.",
    });
    expect(plain(record)).toEqual({ uid, properties: { half: 0.5, quarter: -0.25, five: 5 } });
  });
});
