// The index of record keys the engine keeps to name a duplicate key: exact across its growth, and small.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { KeyIndex } from "../../src/core/engine/key-index.js";

/** Bytes of the index's layout: 256 segments of `slots` slots each, 12 bytes a slot. */
const segmentsOf = (slots: number): number => 256 * slots * 12;

/** Each key of `pairs` is new when first seen, and found again as itself, not as the other of its pair. */
function expectToldApart(pairs: readonly (readonly [string, string])[]) {
  const index = new KeyIndex();
  pairs.forEach(([a, b], i) => {
    expect(index.seen(a, 2 * i)).toBeUndefined();
    expect(index.seen(b, 2 * i + 1)).toBeUndefined();
  });
  pairs.forEach(([a, b], i) => {
    expect(index.seen(a, 100 + i)).toBe(2 * i);
    expect(index.seen(b, 200 + i)).toBe(2 * i + 1);
  });
}

describe("KeyIndex", () => {
  it("names the first record of every key seen again, across eight growths of every segment", () => {
    const index = new KeyIndex();
    // ~1,170 keys a segment: each grows 64 → 96 → … → 1641 slots or more, and keys seen early are looked
    // up after every growth.
    const n = 300_000;
    const wrong: string[] = [];
    for (let i = 0; i < n; i++) {
      if (index.seen(`user-${i}@example.com`, i) !== undefined) wrong.push(`new ${i}`);
    }
    for (let pass = 1; pass <= 2; pass++) {
      for (let i = 0; i < n; i++) {
        // A third sighting still names the first record, not the second.
        if (index.seen(`user-${i}@example.com`, pass * n + i) !== i) wrong.push(`again ${i}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(index.bytes).toBeGreaterThanOrEqual(segmentsOf(1641));
    expect(index.seen("user-0@example.com ", 3 * n)).toBeUndefined(); // another key, however close
  });

  it("answers as a Map of first indexes would, over faker emails that repeat", () => {
    faker.seed(20_240_611);
    const pool = Array.from({ length: 8_000 }, () => faker.internet.email());
    const index = new KeyIndex();
    const firsts = new Map<string, number>();
    const wrong: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const key = faker.helpers.arrayElement(pool);
      const expected = firsts.get(key);
      if (expected === undefined) firsts.set(key, i);
      if (index.seen(key, i) !== expected) wrong.push(`${i}: ${key}`);
    }
    expect(wrong).toEqual([]);
  });

  it("holds keys in 16 to 24 bytes each once grown, all the way to 150,000 keys", () => {
    const index = new KeyIndex();
    expect(index.bytes).toBe(segmentsOf(64));
    const outside: string[] = [];
    for (let i = 0; i < 150_000; i++) {
      index.seen(`k${i}`, i);
      const keys = i + 1;
      // Never over three quarters full (12 B / 0.75); once every segment has grown, never under half
      // (12 B / 0.5). Segments that doubled were down to 3/8 full after each doubling: up to 32 bytes a key.
      if (index.bytes < keys * 16) outside.push(`${keys} keys: ${index.bytes} B, over 3/4 full`);
      if (keys >= 20_000 && index.bytes > keys * 24)
        outside.push(`${keys} keys: ${index.bytes} B, under half full`);
    }
    expect(outside).toEqual([]);
  });

  it("tells apart long keys that differ in one character far from the others, many sharing a segment", () => {
    faker.seed(4_000);
    const body = faker.string.alphanumeric(4_000);
    const at = (position: number, c: string): string =>
      body.slice(0, position) + c + body.slice(position + 1);
    const keys = [
      body,
      at(0, "~"),
      at(3_999, "~"),
      at(2_000, "~"),
      `${body.slice(3_999)}${body.slice(1, 3_999)}${body.slice(0, 1)}`, // first and last swapped
      `${body}\u0000`,
      `${body}\u{1f600}`,
      "",
      "\u0000",
    ];
    // 1,000 keys more, each differing only at position 1,000: by pigeonhole, at least four share a segment.
    for (let code = 0x100; keys.length < 1_009; code++)
      keys.push(at(1_000, String.fromCharCode(code)));
    const distinct = new Set(keys);
    expect(distinct.size).toBe(keys.length);
    const index = new KeyIndex();
    const wrong: string[] = [];
    keys.forEach((key, i) => {
      if (index.seen(key, i) !== undefined) wrong.push(`new ${i}`);
    });
    keys.forEach((key, i) => {
      if (index.seen(key, keys.length + i) !== i) wrong.push(`again ${i}`);
    });
    expect(wrong).toEqual([]);
  });

  it("tells apart keys with the same high hash word and the same start slot: only the low word differs", () => {
    // Found by a birthday search: equal high words (so one segment). The first three shared a start slot
    // while a slot was the low word's low bits; since a slot is the low word scaled to the segment's 64
    // slots, only the last one does, so on a fresh index its second key probes the first one's slot first.
    const pairs = [
      ["user-1434856@example.com", "user-3291695@example.com"],
      ["user-516864@example.com", "user-4896098@example.com"],
      ["user-2847963@example.com", "user-5363220@example.com"],
      ["user-798276@example.com", "user-1691442@example.com"],
    ] as const;
    expectToldApart(pairs);
  });

  it("tells apart keys with the same low hash word in one segment: only the high word differs", () => {
    // Found by a birthday search: equal low words (so the same start slot), high words with the same top
    // 8 bits (so one segment).
    const pairs = [
      ["user-170792@example.com", "user-490840@example.com"],
      ["user-782772@example.com", "user-1025326@example.com"],
    ] as const;
    expectToldApart(pairs);
  });

  it("finds a key without remembering one it lacks", () => {
    const index = new KeyIndex();
    index.seen("ann", 0);
    expect(index.find("ann")).toBe(0);
    expect(index.find("bob")).toBeUndefined();
    expect(index.seen("bob", 1)).toBeUndefined();
    expect(index.find("bob")).toBe(1);
  });

  it("takes no memory for keys it was asked about and lacks", () => {
    const index = new KeyIndex();
    const found: number[] = [];
    for (let i = 0; i < 100_000; i++) if (index.find(`k${i}`) !== undefined) found.push(i);
    expect(found).toEqual([]);
    expect(index.bytes).toBe(segmentsOf(64));
  });
});
