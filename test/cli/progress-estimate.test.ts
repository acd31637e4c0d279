// Progress for a file shows its total as an estimate (`~N`) from the share of the file read. The share is
// counted by the records handed out, not by the bytes read from disk, which run ahead of them (the parser's
// buffers): counted so, a 5,000-record file showed `0/~22` at its start.
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRecords, type InputFormat } from "../../src/cli/read-records.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-estimate-");
const N = 5_000;
const users = Array.from({ length: N }, (_, i) => ({
  uid: `user-${i}`,
  email: `u${i}@example.com`,
}));
const INPUTS: [InputFormat, string][] = [
  ["ndjson", users.map((u) => JSON.stringify(u)).join("\n") + "\n"],
  ["json", JSON.stringify(users)],
  ["csv", `uid,email\n${users.map((u) => `${u.uid},${u.email}`).join("\n")}\n`],
];

describe.each(INPUTS)("the share of a .%s file read", (format, text) => {
  it("never makes the estimate of its records fall far below their number, and ends at the whole file", async () => {
    const path = file(`users.${format}`, text);
    const size = statSync(path).size;
    const read = { bytes: 0 };
    let n = 0;
    let lowest = Infinity;
    for await (const _ of readRecords(path, format, read)) {
      n += 1;
      if (read.bytes > 0) lowest = Math.min(lowest, n / (read.bytes / size));
    }
    expect(n).toBe(N);
    // A CSV header counts as read with the first row, which puts the first estimate some way low.
    expect(lowest).toBeGreaterThan(0.75 * N);
    expect(read.bytes).toBe(size);
  });
});
