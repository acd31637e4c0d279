// A journal resumed after the API key was rotated (`journalAccountWas`) names the new key's account only once
// Userpilot accepted the key (its client's first 2xx). A chunk split in halves (413) whose halves an earlier
// run finished, killed before the chunk's done line, is settled from the halves' saved outcomes without a
// request: its records imported say nothing of this run's key. Taken for Userpilot's word, they recorded a
// mistyped key's account before Userpilot refused the key (401), and the right key, with the statement the
// journal's refusal asked for, was refused in turn.
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { journalFile } from "../support/journal-file.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { bodyBytes, run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();
const NEW_KEY = "up-rotated-key";
const MISTYPED_KEY = "up-rotated-kez";

const journalLines = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");

it("a split chunk settled from its halves' saved outcomes is no word that Userpilot accepted the new key", async () => {
  const records = users(8);
  // Chunks of 4, each refused whole (413) and sent as two halves of 2.
  const up = vendor({ maxBytes: bodyBytes(records.slice(0, 2)) });
  const journal = journalFile("rotated-key-halves");
  // Killed after chunk 0's second half ended (its outcome saved), before chunk 0's done line: chunk 1 was
  // never sent.
  expect((await run(records.slice(0, 4), { chunkRecords: 4, journal })).imported).toBe(4);
  const lines = journalLines(journal);
  const doneAt = lines.findIndex((line) => line.startsWith('{"kind":"done","seq":0,'));
  expect(lines[doneAt - 1]).toContain("done:2-4");
  writeFileSync(journal, `${lines.slice(0, doneAt).join("\n")}\n`);
  const { destination } = JSON.parse(lines[0]!) as { destination: string };
  const oldAccount = destination.slice(destination.indexOf(" ") + 1);
  up.sim.rotateKey(NEW_KEY);
  const options = { chunkRecords: 4, journal, journalAccountWas: oldAccount };

  const mistyped = await run(records, options, MISTYPED_KEY);

  expect(mistyped.fatal).toContain("HTTP 401");
  expect(journalLines(journal).filter((line) => line.includes('"kind":"account"'))).toEqual([]);
  const resumed = await run(records, options, NEW_KEY);
  expect(resumed.imported).toBe(8);
  expectEveryRecordOnce(resumed, 8);
  expect(up.sim.stats()).toMatchObject({ duplicates: 0 });
  const accounts = journalLines(journal).filter((line) => line.includes('"kind":"account"'));
  expect(accounts).toHaveLength(1);
  expect(accounts[0]).not.toContain(oldAccount);
});
