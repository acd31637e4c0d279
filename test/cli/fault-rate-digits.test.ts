// The fault-rate flags of `simulate` are decimal shares, as every number flag is read from decimal digits:
// Number() read `0x1` as 1, `1e-1` as 0.1 and an empty value as 0, so a typo served faults no one named.
import { describe, expect, it } from "vitest";
import { faultsFrom } from "../../src/cli/simulate-command.js";

describe("--fault-429, --fault-5xx, --fault-drop, --fault-slow and --reject take a decimal share", () => {
  for (const value of ["0x1", "0x0", "1e-1", "", " ", "+0.5", "-0", "0b1", ".", "Infinity"]) {
    it(`--reject ${JSON.stringify(value)} is refused, naming the flag`, () => {
      expect(() => faultsFrom({ reject: value })).toThrow(
        `--reject takes a share from 0 to 1, not `,
      );
    });
  }

  for (const [value, share] of [
    ["0", 0],
    ["1", 1],
    ["0.25", 0.25],
    [".5", 0.5],
    ["1.0", 1],
    [" 0.1 ", 0.1],
  ] as const) {
    it(`--fault-5xx ${JSON.stringify(value)} is the share ${share}`, () => {
      expect(faultsFrom({ "fault-5xx": value })).toEqual({ rate5xx: share });
    });
  }

  it("--fault-lost-answer is read as the others: the share of writes whose answers are lost", () => {
    expect(faultsFrom({ "fault-lost-answer": "0.25" })).toEqual({ rateLostAnswer: 0.25 });
    expect(() => faultsFrom({ "fault-lost-answer": "1e-1" })).toThrow(
      "--fault-lost-answer takes a share from 0 to 1, not ",
    );
  });

  it("a flag given without a value is refused", () => {
    expect(() => faultsFrom({ "fault-drop": true })).toThrow(
      "--fault-drop takes a share from 0 to 1",
    );
  });
});
