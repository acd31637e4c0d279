// The journal reads 1 MiB blocks, and refuses a line at its first bytes when they do not start like a journal
// line. Whether a journal is accepted must not depend on where its lines fall against those blocks: a blank
// line (which the reader skips anywhere else) that starts just before a block's end is a blank line too.
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";

const HEADER: JournalHeader = { vendor: "fullstory", chunkRecords: 10, maxBytes: null };
const BLOCK = 1 << 20;
const state = (seq: number, pad: number) =>
  `${JSON.stringify({ kind: "state", seq, fingerprint: "f", state: { p: "x".repeat(pad) } })}\n`;

/** A journal whose lines fill the first block but for `left` bytes, then `line`, then one more state line. */
function journalWith(line: string, left: number): string {
  // All ASCII, so a length in characters is one in bytes; the lines are joined once, not appended to.
  const lines = [`${JSON.stringify({ kind: "header", ...HEADER })}\n`];
  let length = lines[0]!.length;
  let seq = 0;
  while (length < BLOCK - 2000) {
    const line = state(seq++, 500);
    lines.push(line);
    length += line.length;
  }
  lines.push(state(seq, BLOCK - left - length - state(seq, 0).length));
  const text = lines.join("");
  seq += 1;
  expect(Buffer.byteLength(text)).toBe(BLOCK - left);
  return `${text}${line}\n${state(seq, 1)}`;
}

function opens(text: string): boolean {
  const file = journalFile("journal-block-boundary");
  writeFileSync(file, text);
  try {
    Journal.open(file, HEADER).close();
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    expect(readFileSync(file, "utf8")).toBe(text);
    return false;
  }
}

it("a blank line across a block boundary is skipped, as it is anywhere else", () => {
  expect(opens(journalWith("      ", 1000))).toBe(true);
  expect(opens(journalWith("      ", 3))).toBe(true);
});

it("a line of something else across a block boundary is still refused", () => {
  expect(opens(journalWith("uid,email", 1000))).toBe(false);
  expect(opens(journalWith("uid,email", 3))).toBe(false);
});
