// A key written twice in one object of JSON text is found, whatever the text's strings, escapes and spacing;
// text whose keys are each written once in their object is never refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { duplicateKey, duplicateKeyProblem, keysWithin } from "../../src/core/json-text.js";

// As an input's text is read (its quoted colons counted), and as an answer's (its keys counted by the walk
// that measures its depth).
describe.each([
  ["counted by quoted colons", (text: string) => duplicateKey(text, JSON.parse(text) as unknown)],
  [
    "counted by keysWithin",
    (text: string) => duplicateKey(text, JSON.parse(text) as unknown, keysWithin(text, 256)),
  ],
])("duplicateKey, keys %s", (_, found) => {
  it.each([
    ['{"uid":"ann","email":"ann@example.com","uid":"bob"}', "uid"],
    ['{"uid":"ann","at":"10:00:00","u\\u0069d":"bob"}', "uid"],
    ['{"properties":{"plan":"pro","plan":"free"}}', "plan"],
    ['{ "a" : 1 ,\t"a" : 2 }', "a"],
    ['{"__proto__":{},"__proto__":{"x":1}}', "__proto__"],
    ['{"a\\u003a":1,"a:":2}', "a:"],
    ['{"k:1":"v:2","k:1":3}', "k:1"],
    ['[{"a":1},{"b":[{"c":1,"c":2}]}]', "c"],
    // A blank between a key and its colon, on one key as many times as keys were dropped: the count of
    // quoted colons must still see it, or it matches the keys JSON.parse kept.
    ['{"a" :1,"a":2}', "a"],
    ['{"a"\t:1,"a":2}', "a"],
    ['{"a"\n:1,"a":2}', "a"],
    ['{"a"\r\n:1,"a":2}', "a"],
  ])("%s holds %s twice", (text, key) => {
    expect(found(text)).toBe(key);
  });

  it.each([
    '{"a":{"b":1},"b":2}',
    '{"a":"x\\":y","c":"\\u003a","d":"http://e.example:80/"}',
    '[{"a":1},{"a":2}]',
    '"a:b"',
    "{}",
  ])("%s holds no key twice", (text) => {
    expect(found(text)).toBeUndefined();
  });

  it("finds no key twice in any JSON value's text, compact or spaced", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, spaced) => {
        expect(found(JSON.stringify(value, null, spaced ? 1 : undefined))).toBeUndefined();
      }),
    );
  });

  it("finds a key written again at the end of any object, however deep", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
        fc.nat(),
        (object, pick) => {
          const keys = Object.keys(object);
          const key = keys[pick % keys.length] ?? "";
          const twice = `${JSON.stringify(object).slice(0, -1)},${JSON.stringify(key)}:null}`;
          expect(found(`{"record":[${twice}]}`)).toBe(key);
        },
      ),
    );
  });
});

describe("keysWithin", () => {
  it.each([
    ['{"a":"x\\":y","b\\\\":{"c" :[1,{"d"\n:"e:"}]}}', 4],
    ['["a:",{"b":"\\\\"}]', 1],
    ['"a"', 0],
  ])("%s writes %i keys", (text, keys) => {
    JSON.parse(text);
    expect(keysWithin(text, 256)).toBe(keys);
  });

  it("counts no keys of a text nested past the limit, which it says so", () => {
    expect(keysWithin(`{"a":${"[".repeat(257)}${"]".repeat(257)}}`, 256)).toBeUndefined();
  });
});

describe("duplicateKeyProblem", () => {
  it("a reason names a key of 64 characters whole, and a longer one cut at 64", () => {
    const whole = "k".repeat(64);
    expect(duplicateKeyProblem(whole)).toMatch(new RegExp(`^the key "${whole}" appears twice`));
    expect(duplicateKeyProblem(`${whole}x`)).toMatch(
      new RegExp(`^the key "${whole}"… appears twice`),
    );
  });
});
