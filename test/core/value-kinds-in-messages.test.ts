// How a message describes a value it refuses (kindOf, core/validate/describe.ts): by its kind, in words,
// never by the value itself or by anything the input chose (an own `constructor` key), since a value may be
// personal data. Driven through a vendor's validator, which says what it got for a record that is no object.
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { validateUserpilotUser } from "../../src/userpilot/validate.js";
import { matching } from "../support/matchers.js";

const faker = seededFaker("value kinds in messages");
/** A class expression bound to no name has the name "" (a bundler's output may hold such classes). */
const Unnamed = [class extends Set {}][0]!;

/** What the message for a record `value` (not an object of fields) says it got. */
function got(value: unknown): string {
  const problems = validateUserpilotUser(value);
  expect(problems).toHaveLength(1);
  const message = problems[0]?.message ?? "";
  expect(message).toMatch(/^record: must be an object with user_id, got /);
  return message.replace(/^.*, got /, "");
}

describe("a refused value is named by its kind", () => {
  const secret = faker.person.lastName();
  const kinds: [string, () => unknown, string][] = [
    ["null", () => null, "null"],
    ["undefined", () => undefined, "undefined"],
    ["an empty string", () => "", "an empty string"],
    ["a string", () => secret, "a string"],
    ["a number", () => faker.number.int({ min: 1000, max: 9999 }), "a number"],
    ["NaN", () => Number.NaN, "the non-finite number NaN"],
    ["-Infinity", () => -Infinity, "the non-finite number -Infinity"],
    ["a bigint", () => BigInt(faker.number.int({ min: 1000, max: 9999 })), "a bigint"],
    ["a boolean", () => true, "a boolean"],
    ["a symbol", () => Symbol(secret), "a symbol"],
    ["a function", () => () => secret, "a function"],
    ["an array", () => [secret], "an array"],
    ["a Date", () => new Date(0), "a Date"],
    ["new Number", () => Object(7) as unknown, "a boxed number (new Number)"],
    ["new String", () => Object(secret) as unknown, "a boxed string (new String)"],
    ["new Boolean", () => Object(false) as unknown, "a boxed boolean (new Boolean)"],
    ["a boxed bigint", () => Object(7n) as unknown, "a boxed bigint"],
    ["a boxed symbol", () => Object(Symbol(secret)) as unknown, "a boxed symbol"],
    ["a Map", () => new Map([[secret, secret]]), "a Map"],
    ["an instance of a class with no name", () => new Unnamed(), "an object"],
  ];

  it.each(kinds)("%s", (_, value, kind) => {
    const said = got(value());
    expect(said).toBe(kind);
    expect(said).not.toContain(secret);
  });

  it("by its class, never by an own constructor key the input set", () => {
    const map = Object.assign(new Map(), { constructor: { name: secret } });
    expect(got(map)).toBe("a Map");
    const problems = validateUserpilotUser({
      user_id: "u-1",
      metadata: { plan: { constructor: { name: secret } } },
    });
    expect(problems.map((p) => p.message)).toEqual([
      matching(/^metadata\.plan: values must be .*, got an object$/),
    ]);
  });
});
