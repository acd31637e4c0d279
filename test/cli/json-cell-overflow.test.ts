// A `:json` cell's numbers keep their value, as a `:number` cell's do (README: "so is a :number cell, or an
// integer in a :json cell, that would not keep its value"). 1e999 is refused under :number ("not a number");
// under :json JSON.parse reads it as Infinity, which the request body then carries as null.
import { describe, expect, it } from "vitest";
import { recordFromCsvRow } from "../../src/cli/read-records.js";

describe("a :json cell with a number past what a double holds", () => {
  for (const cell of ["1e999", '{"seats":1e999}', "[-1e400]"])
    it(`${cell}: refused as input.type, not sent as null`, () => {
      let sent: string | undefined;
      let error: unknown;
      try {
        sent = JSON.stringify(recordFromCsvRow({ "properties.tags:json": cell }));
      } catch (e) {
        error = e;
      }
      expect(sent).toBeUndefined();
      expect(error).toEqual(expect.objectContaining({ rule: "input.type" }));
    });

  it("a fraction still passes", () => {
    expect(JSON.parse(JSON.stringify(recordFromCsvRow({ "t:json": "[0.5,-2.5e-3]" })))).toEqual({
      t: [0.5, -0.0025],
    });
  });
});
