// The index of record keys the engine keeps to name a duplicate key: exact across its growth, and small.
import { describe, expect, it } from "vitest";
import { KeyIndex } from "../../src/core/engine/key-index.js";

describe("KeyIndex", () => {
  it("names the first record of every key seen again, across many doublings of its table", () => {
    const index = new KeyIndex();
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(index.seen(`user-${i}@example.com`, i)).toBeUndefined();
    for (let i = 0; i < n; i += 997) expect(index.seen(`user-${i}@example.com`, n + i)).toBe(i);
    expect(index.seen("user-0@example.com ", 2 * n)).toBeUndefined(); // another key, however close
  });

  it("holds 90,000 keys in 2^17 slots (1.5 MB): up to three quarters full before it doubles", () => {
    const index = new KeyIndex();
    for (let i = 0; i < 90_000; i++) index.seen(`k${i}`, i);
    expect(index.bytes).toBe(2 ** 17 * 12);
  });
});
