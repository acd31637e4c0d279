// The UTF-8 check the readers use: strict (as a fatal TextDecoder), and not fooled by chunk boundaries.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { Utf8Check, invalidOffsets } from "../../src/cli/utf8-check.js";

const strict = new TextDecoder("utf-8", { fatal: true });
const isValid = (bytes: Uint8Array) => {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

describe("Utf8Check", () => {
  it("finds nothing in valid text cut into chunks at every byte", () => {
    const text = Buffer.from(`${faker.person.fullName()} 日本語 ü 😀 ${faker.lorem.word()}`);
    for (let cut = 0; cut <= text.length; cut++) {
      const check = new Utf8Check();
      expect([...check.check(text.subarray(0, cut)), ...check.check(text.subarray(cut))]).toEqual(
        [],
      );
      expect(check.end()).toBeUndefined();
    }
  });

  it("reports offsets from the file's start, across chunks", () => {
    const check = new Utf8Check();
    expect(check.check(Buffer.from("abc\xe6", "latin1"))).toEqual([]); // a lead byte, maybe cut
    expect(check.check(Buffer.from([0x41, 0x42]))).toEqual([3]); // …it was not
    expect(check.check(Buffer.from([0x20, 0xff]))).toEqual([7]);
  });

  it("reports a character the file ends in the middle of", () => {
    const check = new Utf8Check();
    check.check(Buffer.from([0x61, 0xf0, 0x9f, 0x98]));
    expect(check.end()).toBe(1);
  });
});

describe("invalidOffsets", () => {
  it.each([
    ["an overlong encoding", [0xc0, 0x80]],
    ["a surrogate", [0xed, 0xa0, 0x80]],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a lone continuation byte", [0x80]],
    ["a byte never used in UTF-8", [0xf5]],
    ["a lead byte followed by ASCII", [0xc3, 0x28]],
  ])("rejects %s", (_name, bytes) => {
    expect(invalidOffsets(Uint8Array.from([0x61, ...bytes]))[0]).toBe(1);
  });

  it("agrees with a fatal TextDecoder on random bytes", () => {
    faker.seed(12);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from(
        Array.from({ length: faker.number.int({ min: 1, max: 8 }) }, () =>
          faker.helpers.arrayElement([
            faker.number.int({ min: 0, max: 0x7f }),
            faker.number.int({ min: 0x80, max: 0xbf }),
            faker.number.int({ min: 0xc0, max: 0xff }),
          ]),
        ),
      );
      expect(invalidOffsets(bytes).length === 0, Buffer.from(bytes).toString("hex")).toBe(
        isValid(bytes),
      );
    }
  });
});
